package grant

import (
	"context"
	"database/sql/driver"
	"io"

	"github.com/grantsql/grant/registry"
)

// Connector opens virtual connections on one cluster. It owns the cluster's
// node pools; database/sql closes it (and them) in DB.Close.
type Connector struct {
	cfg    *Config
	reg    *registry.Registry
	driver driver.Driver
	opts   options
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
	for _, o := range opts {
		o(&c.opts)
	}
	reg, err := registry.Open(cfg, c.opts.reg)
	if err != nil {
		return nil, err
	}
	c.reg = reg
	return c, nil
}

// Connect returns a virtual connection. It takes no physical connection:
// each statement takes one from the node it is routed to.
func (c *Connector) Connect(context.Context) (driver.Conn, error) {
	return &Conn{c: c}, nil
}

// Driver returns the grant driver.
func (c *Connector) Driver() driver.Driver { return c.driver }

// Close closes every node pool and stops health checks.
func (c *Connector) Close() error { return c.reg.Close() }

// Registry returns the cluster's nodes, for stats and health.
func (c *Connector) Registry() *registry.Registry { return c.reg }

// Config returns the validated configuration.
func (c *Connector) Config() *Config { return c.cfg }
