package fakedb

import (
	"database/sql/driver"
	"sync"

	"github.com/grantsql/grant/dialect"
)

// Cluster holds fake databases by DSN, so that every node of a Grant
// cluster can be a fake database of its own: give Connector as the
// registry's connector function (registry.Options.Connector) and name
// the nodes by DSN in the configuration.
type Cluster struct {
	mu  sync.Mutex
	dbs map[string]*DB
	// Caps are the connection capabilities of databases the cluster
	// creates (CapAll when zero).
	Caps ConnCaps
}

// NewCluster returns an empty cluster.
func NewCluster() *Cluster { return &Cluster{dbs: map[string]*DB{}} }

// DB returns the database of dsn, creating it on first use.
func (c *Cluster) DB(dsn string) *DB {
	c.mu.Lock()
	defer c.mu.Unlock()
	d := c.dbs[dsn]
	if d == nil {
		caps := c.Caps
		if caps == 0 {
			caps = CapAll
		}
		d = New(dsn, caps)
		c.dbs[dsn] = d
	}
	return d
}

// Connector returns the connector of dsn's database, whatever the dialect.
func (c *Cluster) Connector(_ dialect.Dialect, dsn string) (driver.Connector, error) {
	return c.DB(dsn).Connector(), nil
}
