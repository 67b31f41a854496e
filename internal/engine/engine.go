// Package engine executes statements for Grant's database/sql driver: the
// layer between the driver adapter (package grant) and the physical
// connections (package registry).
//
// A Session is one virtual connection. Each statement is analyzed, planned
// (routing picks a node; the sharding planner decides the databases of a
// statement on sharded tables) and run: on one node with retry, on several
// in parallel with a merge of their rows, or as a write on several
// databases that commits as one unit. A transaction enlists one participant
// per database it touches, and every unit of work — a transaction, or a
// statement writing to several databases outside one — ends through one
// commit path (commit.go).
//
// Everything the engine sends to a server goes through registry.Conn, whose
// few methods (Query, Exec, Begin, Release, Discard) are the narrow
// interface to physical connections; tests put a fault-injecting fake
// driver under the registry (internal/fakedb).
package engine

import (
	"context"
	"database/sql/driver"
	"fmt"
	"log/slog"

	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/internal/planner"
	"github.com/grantsql/grant/registry"
	"github.com/grantsql/grant/routing"
	"github.com/grantsql/grant/routing/routecfg"
	"github.com/grantsql/grant/sharding"
)

// Engine runs statements on one cluster. It is safe for concurrent use;
// its sessions are not (database/sql uses a connection from one goroutine
// at a time).
type Engine struct {
	d       dialect.Dialect
	retry   config.Retry
	reg     *registry.Registry
	router  *routing.Router
	cache   *analyze.Cache
	planner *planner.Planner // nil without sharding
	tp      twoPhaseState
	locks   *locks
	text    *textCatalog // how the servers compare text (collation.go)
}

// New returns the engine of a cluster: its validated configuration, node
// registry, router and sharding planner (nil without sharding), logging
// to log (nil: slog.Default()).
func New(cfg *config.Cluster, reg *registry.Registry, router *routing.Router, p *planner.Planner, log *slog.Logger) *Engine {
	if log == nil {
		log = slog.Default()
	}
	// The routing configuration names the functions that must run on the
	// primary and where the unknown ones go: the analysis says it.
	opts := &analyze.Options{PrimaryFunction: cfg.Routing.IsPrimaryFunction,
		UnknownOnPrimary: cfg.Routing.UnknownFunctions == routecfg.FuncsOnPrimary}
	e := &Engine{d: cfg.Dialect, retry: cfg.Retry, reg: reg, router: router,
		cache: analyze.NewCacheWith(0, opts), planner: p, locks: newLocks(cfg)}
	// Two-phase commit joins several databases of one cluster: only with
	// sharding, and not on SQLite, which cannot prepare.
	e.tp.on = p != nil && cfg.Transactions.CrossShard == config.CrossShardTwoPhase && cfg.Dialect != dialect.SQLite
	e.tp.log = log
	e.tp.forget.e, e.tp.forget.delay = e, forgetDelay
	e.text = newTextCatalog(e)
	return e
}

// Close finishes the engine's background work that needs the node pools
// (removing the decisions of finished two-phase transactions): it runs
// before the registry closes.
func (e *Engine) Close() { e.tp.forget.close() }

// NewSession returns the state of a new virtual connection. It holds no
// physical connection.
func (e *Engine) NewSession() *Session {
	return &Session{e: e, ryw: routing.NewSession()}
}

// database returns the named database, or the default one for "".
func (e *Engine) database(name string) (*registry.Database, error) {
	if name == "" {
		return e.reg.Default(), nil
	}
	db, found := e.reg.Database(name)
	if !found {
		return nil, fmt.Errorf("grant: unknown database %q (from grant.UseDatabase or grant.UseShard): declared databases are %v", name, e.reg.DatabaseNames())
	}
	return db, nil
}

// Plan returns how query with args would run under ctx: the sharding plan,
// or, without sharding or for a statement on no sharded or broadcast
// table, a plan naming the one database it runs on. It runs nothing.
func (e *Engine) Plan(ctx context.Context, query string, args []driver.NamedValue) (*sharding.Plan, error) {
	o := routing.FromContext(ctx)
	db, err := e.database(o.Database())
	if err != nil {
		return nil, err
	}
	st := e.cache.Analyze(e.d, query)
	if e.planner != nil {
		// What the statement would run as: generated ids in an INSERT, the
		// unique keys an upsert's refusal depends on (read from the
		// catalog, the one I/O of a plan).
		if st, args, err = e.explainable(ctx, st, args); err != nil {
			return nil, err
		}
	}
	if e.planner == nil {
		return &sharding.Plan{Statement: query, Route: sharding.RouteUnsharded, Reason: "no sharding configured",
			Shards: []sharding.ShardQuery{{Database: db.Name, SQL: query, Args: args}}}, nil
	}
	return e.planner.Plan(ctx, st, args, planner.Options{Shard: o.Database(), TwoPhase: e.tp.on})
}
