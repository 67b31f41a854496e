package registry

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/ngrok/sqlmw"

	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/interceptors"
	"github.com/grantsql/grant/internal/dsn"
)

// Options are the Go-only settings of a registry.
type Options struct {
	// Interceptors returns the chain for one node, outermost first; nil
	// means no interceptors. It is called once per node at Open.
	Interceptors func(node *Node) []sqlmw.Interceptor
	// Counters puts an interceptors.Counters first in every node's chain
	// and exposes it in Node.Counters and Stats.
	Counters bool
	// Probe is the health check of a node; nil means a ping. Routing
	// replaces it to also measure replica lag.
	Probe func(ctx context.Context, n *Node) error
	// Logger receives health transitions; nil means slog.Default().
	Logger *slog.Logger
	// Connector returns the driver connector of one node's DSN; nil means
	// the dialect's real driver. Tests put a fake driver here.
	Connector func(d dialect.Dialect, dsn string) (driver.Connector, error)
}

// Database is one logical database: its primary and replicas.
type Database struct {
	Name     string
	Primary  *Node
	Replicas []*Node
}

// Registry holds every node of one cluster.
type Registry struct {
	Dialect   dialect.Dialect
	Config    *config.Cluster
	databases map[string]*Database
	names     []string
	nodes     []*Node
	opts      Options
	stop      context.CancelFunc
	done      sync.WaitGroup
	closeOnce sync.Once
}

// Open builds a pool for every node of cfg, which must have been validated
// (config.Cluster.Validate). It does no I/O: a node that is down does not
// stop the others. A DSN the driver cannot parse is an error naming its key
// path. Unless cfg.Health.Disabled, background health checks start.
func Open(cfg *config.Cluster, opts Options) (*Registry, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	r := &Registry{Dialect: cfg.Dialect, Config: cfg, databases: map[string]*Database{}, opts: opts}
	var errs config.Errors
	for _, name := range cfg.DatabaseNames() {
		db := cfg.Databases[name]
		d := &Database{Name: name}
		d.Primary = r.node(&errs, name, Primary, 0, "databases."+name+".primary", db.Primary)
		for i, rdsn := range db.Replicas {
			path := fmt.Sprintf("databases.%s.replicas[%d]", name, i)
			if n := r.node(&errs, name, Replica, i, path, rdsn); n != nil {
				d.Replicas = append(d.Replicas, n)
			}
		}
		r.databases[name] = d
		r.names = append(r.names, name)
	}
	if len(errs) > 0 {
		r.closeNodes()
		return nil, errs
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.stop = cancel
	if !cfg.Health.Disabled {
		r.done.Add(1)
		go r.healthLoop(ctx)
	}
	return r, nil
}

func (r *Registry) node(errs *config.Errors, db string, role Role, idx int, path, raw string) *Node {
	n := &Node{
		Name: path[len("databases."):], Database: db, Role: role, Index: idx,
		Redacted: dsn.Redact(r.Dialect, raw), dialect: r.Dialect, dsn: raw,
	}
	var base driver.Connector
	var err error
	if r.opts.Connector != nil {
		base, err = r.opts.Connector(r.Dialect, raw)
	} else {
		n.links = &links{}
		base, err = realConnector(r.Dialect, raw, n.links)
	}
	if err != nil {
		*errs = append(*errs, &config.Error{Path: path, Err: fmt.Errorf("%s: %s", n.Redacted, n.scrub(err.Error()))})
		return nil
	}
	var chain []sqlmw.Interceptor
	if r.opts.Counters {
		n.Counters = interceptors.NewCounters()
		chain = append(chain, n.Counters)
	}
	if r.opts.Interceptors != nil {
		chain = append(chain, r.opts.Interceptors(n)...)
	}
	p := r.Config.PoolFor(db)
	n.connectLimit = r.Config.Health.Timeout.D()
	n.connector = wrapConnector(interceptors.Wrap(base, chain...), p.StatementCacheSize(), n)
	n.DB = sql.OpenDB(n.connector)
	n.DB.SetMaxOpenConns(p.MaxOpen)
	n.DB.SetMaxIdleConns(p.MaxIdle)
	n.DB.SetConnMaxLifetime(p.ConnMaxLifetime.D())
	n.DB.SetConnMaxIdleTime(p.ConnMaxIdleTime.D())
	n.healthy.Store(true)
	r.nodes = append(r.nodes, n)
	return n
}

// Database returns the named database.
func (r *Registry) Database(name string) (*Database, bool) {
	d, ok := r.databases[name]
	return d, ok
}

// Default returns the configured default database.
func (r *Registry) Default() *Database { return r.databases[r.Config.DefaultDatabase] }

// DatabaseNames returns the database names in sorted order.
func (r *Registry) DatabaseNames() []string { return r.names }

// Nodes returns every node: each database's primary, then its replicas.
func (r *Registry) Nodes() []*Node { return r.nodes }

// Stats returns a snapshot of every node.
func (r *Registry) Stats() []Stats {
	out := make([]Stats, len(r.nodes))
	for i, n := range r.nodes {
		out[i] = n.Stats()
	}
	return out
}

// Close stops the health checks and closes every pool. It is safe to call
// more than once.
func (r *Registry) Close() error {
	var err error
	r.closeOnce.Do(func() {
		if r.stop != nil {
			r.stop()
		}
		r.done.Wait()
		err = r.closeNodes()
	})
	return err
}

func (r *Registry) closeNodes() error {
	var errs []error
	for _, n := range r.nodes {
		n.probeConn.close()
		if err := n.DB.Close(); err != nil {
			errs = append(errs, n.Wrap(err))
		}
	}
	return errors.Join(errs...)
}
