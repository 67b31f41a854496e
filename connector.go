package grant

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"

	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/engine"
	"github.com/grantsql/grant/internal/planner"
	"github.com/grantsql/grant/registry"
	"github.com/grantsql/grant/routing"
	"github.com/grantsql/grant/sharding"
)

// Connector opens virtual connections on one cluster. It owns the cluster's
// node pools; database/sql closes it (and them) in DB.Close.
type Connector struct {
	cfg    *Config
	reg    *registry.Registry
	router *routing.Router
	engine *engine.Engine
	// resolvers are the sharding resolvers, built once for the connector
	// and closed with it.
	resolvers sharding.Resolvers
	driver    driver.Driver
	// stopRecovery ends the background two-phase recovery; recovered is
	// closed when it has ended.
	stopRecovery chan struct{}
	recovered    chan struct{}
	opts         options
}

var (
	_ driver.Connector = (*Connector)(nil)
	_ io.Closer        = (*Connector)(nil)
)

// NewConnector validates cfg and opens its node pools, for sql.OpenDB.
// Every configuration error is reported here, naming its key path.
func NewConnector(cfg *Config, opts ...Option) (*Connector, error) {
	v, err := cfg.Validate()
	if err != nil {
		return nil, err
	}
	return newConnector(v, &Driver{}, opts)
}

func newConnector(cfg *Config, d driver.Driver, opts []Option) (*Connector, error) {
	c := &Connector{cfg: cfg, driver: d}
	c.opts.resolvers = sharding.DefaultRegistry()
	for _, o := range opts {
		o(&c.opts)
	}
	var p *planner.Planner
	if !cfg.Sharding.Empty() {
		rs, err := c.opts.resolvers.Build(cfg.Sharding, cfg.DatabaseNames())
		if err != nil {
			return nil, err
		}
		if p, err = planner.New(*cfg.Sharding, cfg.Dialect, cfg.DefaultDatabase, cfg.DatabaseNames(), rs); err != nil {
			rs.Close()
			return nil, err
		}
		c.resolvers = rs
	}
	reg, err := registry.Open(cfg, c.opts.reg)
	if err != nil {
		c.resolvers.Close()
		return nil, err
	}
	// Connectors of one cluster in the process share its read-your-writes
	// record: a write through one sql.Open counts for the reads of another.
	router, err := routing.FromRegistry(cfg.Routing, reg, routing.Options{InFlight: (*registry.Node).InFlight, Cluster: routing.ClusterID(cfg)})
	if err != nil {
		reg.Close()
		c.resolvers.Close()
		return nil, err
	}
	router.Start()
	c.reg, c.router = reg, router
	c.engine = engine.New(cfg, reg, router, p, c.opts.logger)
	if every := cfg.Transactions.Recovery(); every > 0 && p != nil && cfg.Dialect != dialect.SQLite &&
		cfg.Transactions.CrossShard == config.CrossShardTwoPhase {
		c.stopRecovery, c.recovered = make(chan struct{}), make(chan struct{})
		go c.recoverLoop(every, c.stopRecovery, c.recovered)
	}
	return c, nil
}

// Connect returns a virtual connection. It takes no physical connection:
// each statement takes one from the node it is routed to.
func (c *Connector) Connect(context.Context) (driver.Conn, error) {
	return &Conn{s: c.engine.NewSession()}, nil
}

// Driver returns the grant driver.
func (c *Connector) Driver() driver.Driver { return c.driver }

// Close stops the lag monitor and health checks, closes every node pool
// and the sharding resolvers that need closing (a plugin's process). The
// cluster's read-your-writes record, shared by the connectors of the
// cluster in the process (routing.ClusterID), goes with the last of them.
func (c *Connector) Close() error {
	if c.stopRecovery != nil {
		close(c.stopRecovery)
		<-c.recovered
		c.stopRecovery = nil
	}
	c.engine.Close()
	c.router.Close()
	return errors.Join(c.reg.Close(), c.resolvers.Close())
}

// Router returns the cluster's routing decisions, for Explain and state.
func (c *Connector) Router() *routing.Router { return c.router }

// Registry returns the cluster's nodes, for stats and health.
func (c *Connector) Registry() *registry.Registry { return c.reg }

// Config returns the validated configuration.
func (c *Connector) Config() *Config { return c.cfg }
