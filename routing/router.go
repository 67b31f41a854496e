package routing

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/registry"
	"github.com/grantsql/grant/routing/routecfg"
)

// Config is the routing section of a cluster configuration; see package
// routecfg, which holds it so that package config can embed it.
type Config = routecfg.Config

// MaxReplicas is the most replicas one database may have.
const MaxReplicas = 64

// Options are the Go-only inputs of a Router.
type Options struct {
	// Dialect is the cluster's dialect.
	Dialect dialect.Dialect
	// Databases are the cluster's databases; Default names the one used
	// when a context names none (it may be omitted when there is one).
	Databases []*registry.Database
	Default   string
	// Clock returns the time; tests inject one. nil reads the monotonic
	// clock, offset to Unix time once (half the cost of time.Now).
	Clock func() time.Time
	// Rand returns a uniform number in [0, n) for the random and weighted
	// policies (nil: math/rand/v2, safe for concurrent use).
	Rand func(n uint64) uint64
	// InFlight returns the statements a node is running, for the
	// least_in_flight policy (nil: registry.Node.Stats().InFlight).
	InFlight func(n *registry.Node) int64
	// Cluster identifies the cluster among the process's Routers
	// (ClusterID): Routers of the same non-empty Cluster share one
	// database-scope read-your-writes record, so that a write through
	// one counts for the reads of every other (two sql.Open calls of one
	// cluster). The record lives until the last of them is closed. ""
	// keeps the record private to this Router.
	Cluster string
}

// Router makes routing decisions for one cluster: it holds the validated
// configuration, every database's replicas with their measured state, and
// the database-wide read-your-writes trackers. It is safe for concurrent use.
type Router struct {
	cfg      Config
	dialect  dialect.Dialect
	dbs      []*dbRoute
	def      *dbRoute
	state    *State
	now      func() time.Time
	nowNS    func() int64 // Unix nanoseconds, for read-your-writes
	rnd      func(uint64) uint64
	inFlight func(*registry.Node) int64
	window   int64 // read-your-writes window, nanoseconds
	maxLag   int64 // nanoseconds; 0: no limit
	shared   *Session
	cluster  string    // Options.Cluster: shared is the cluster's record
	release  sync.Once // gives shared back at Close
	catchUp  catchUp   // on-demand checks of replicas (causal mode)

	mu      sync.Mutex // guards started and stop
	started bool
	stop    context.CancelFunc
	running sync.WaitGroup
}

// dbRoute is one database with its replica slots.
type dbRoute struct {
	db       *registry.Database
	replicas []slot
	rr       atomic.Uint64
}

// slot is one replica: its node, measured state and weight, and the
// reads waiting for it to catch up.
type slot struct {
	node   *registry.Node
	state  *replicaState
	weight uint64
	watch  *watcher
}

// New validates cfg (on a copy) and returns a Router over opts.Databases.
// It does no I/O; Start begins measuring replicas.
func New(cfg Config, opts Options) (*Router, error) {
	cfg = cfg.Clone()
	var replicas []string
	for _, db := range opts.Databases {
		for _, n := range db.Replicas {
			replicas = append(replicas, n.Name)
		}
	}
	var errs []error
	for _, p := range cfg.Validate("routing", replicas) {
		errs = append(errs, p)
	}
	causal := cfg.ReadYourWrites.Mode == routecfg.RYWCausal
	if opts.Dialect == dialect.SQLite && (cfg.MaxReplicaLag > 0 || causal) {
		errs = append(errs, errors.New("routing: max_replica_lag and read_your_writes.mode causal need a replicating server: not available with sqlite"))
	}
	r := &Router{
		cfg: cfg, dialect: opts.Dialect, now: opts.Clock, rnd: opts.Rand, inFlight: opts.InFlight,
		window: int64(cfg.ReadYourWrites.Window), maxLag: int64(cfg.MaxReplicaLag),
	}
	r.catchUp.init(r, opts.Dialect)
	if r.now == nil {
		r.now = time.Now
		r.nowNS = processClock()
	} else {
		r.nowNS = func() int64 { return r.now().UnixNano() }
	}
	if r.rnd == nil {
		r.rnd = rand.Uint64N
	}
	if r.inFlight == nil {
		r.inFlight = func(n *registry.Node) int64 { return n.Stats().InFlight }
	}
	r.state = NewState(r.now)
	for _, db := range opts.Databases {
		if len(db.Replicas) > MaxReplicas {
			errs = append(errs, fmt.Errorf("routing: database %s has %d replicas: at most %d", db.Name, len(db.Replicas), MaxReplicas))
			continue
		}
		d := &dbRoute{db: db}
		for _, n := range db.Replicas {
			st := r.state.slot(n)
			d.replicas = append(d.replicas, slot{node: n, state: st, weight: uint64(cfg.Weight(n.Name)), watch: newWatcher(r, n, st)})
		}
		r.dbs = append(r.dbs, d)
		if db.Name == opts.Default || (opts.Default == "" && len(opts.Databases) == 1) {
			r.def = d
		}
	}
	if r.def == nil && len(r.dbs) > 0 {
		errs = append(errs, fmt.Errorf("routing: default database %q is not among the databases", opts.Default))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if r.cluster = opts.Cluster; r.cluster != "" {
		r.shared = acquireShared(r.cluster)
	} else {
		r.shared = NewSession()
	}
	return r, nil
}

// FromRegistry returns a Router over every database of reg; opts' Dialect,
// Databases and Default are taken from reg.
func FromRegistry(cfg Config, reg *registry.Registry, opts Options) (*Router, error) {
	opts.Dialect, opts.Default, opts.Databases = reg.Dialect, reg.Config.DefaultDatabase, nil
	for _, name := range reg.DatabaseNames() {
		db, _ := reg.Database(name)
		opts.Databases = append(opts.Databases, db)
	}
	return New(cfg, opts)
}

// monotonicClock returns a clock of Unix nanoseconds read from the
// monotonic clock alone: half the cost of time.Now where the clock source is
// slow (kvm-clock), and never stepped back. It drifts from the wall clock
// only by the wall clock's own steps, which matters to nothing but tokens
// crossing processes, whose times are approximate anyway.
func monotonicClock() func() int64 {
	base := time.Now()
	baseNS := base.UnixNano()
	return func() int64 { return baseNS + int64(time.Since(base)) }
}

// Cluster returns Options.Cluster: the identity under which the Router
// shares its read-your-writes record, or "".
func (r *Router) Cluster() string { return r.cluster }

// Config returns the validated configuration.
func (r *Router) Config() Config { return r.cfg }

// State returns the replicas' measured state.
func (r *Router) State() *State { return r.state }

// Causal reports whether read-your-writes is in causal mode: after a write
// the caller reads the primary's position (CurrentPosition) and passes it
// to Wrote.
func (r *Router) Causal() bool { return r.cfg.ReadYourWrites.Mode == routecfg.RYWCausal }

// Database returns the named database ("" names the default), or nil.
func (r *Router) Database(name string) *registry.Database {
	if d := r.route(name); d != nil {
		return d.db
	}
	return nil
}

func (r *Router) route(name string) *dbRoute {
	if name == "" {
		return r.def
	}
	for _, d := range r.dbs {
		if d.db.Name == name {
			return d
		}
	}
	return nil
}

// routeOf returns the dbRoute of db (a pointer comparison per database).
func (r *Router) routeOf(db *registry.Database) *dbRoute {
	if r.def != nil && r.def.db == db {
		return r.def
	}
	for _, d := range r.dbs {
		if d.db == db {
			return d
		}
	}
	return nil
}

// Wrote records a write to in.DB that has completed (outside a
// transaction) or been committed, for read-your-writes: in the context's
// Session, the virtual connection's Session and the database-wide tracker.
// pos is the primary's position after the write (CurrentPosition) in causal
// mode; the zero Position means unknown, and reads of the database then go
// to the primary for the window.
func (r *Router) Wrote(in Input, pos Position) {
	if r.cfg.ReadYourWrites.Mode == routecfg.RYWOff || in.DB == nil {
		return
	}
	at := r.nowNS()
	in.Overrides.Session().note(in.DB.Name, at, pos)
	if in.Session != in.Overrides.Session() {
		in.Session.note(in.DB.Name, at, pos)
	}
	r.shared.note(in.DB.Name, at, pos)
}

// Explain returns the route of sql under ctx's overrides, as a statement on
// a fresh virtual connection would take it: for tests and grant explain.
func (r *Router) Explain(ctx context.Context, sql string) (Route, error) {
	o := FromContext(ctx)
	d := r.route(o.Database())
	if d == nil {
		return Route{}, fmt.Errorf("grant: unknown database %q (from routing.UseDatabase)", o.Database())
	}
	return r.Decide(analyze.AnalyzeWith(r.dialect, sql, &analyze.Options{
		PrimaryFunction: r.cfg.IsPrimaryFunction, UnknownOnPrimary: r.cfg.UnknownFunctions == routecfg.FuncsOnPrimary}), Input{DB: d.db, Overrides: o})
}
