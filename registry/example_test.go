package registry_test

import (
	"context"
	"database/sql/driver"
	"fmt"

	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/registry"
)

// Open a registry, take a connection of the default database's primary,
// run a statement prepared on it, and read the node's statistics.
func Example() {
	cfg, err := (&config.Cluster{
		Dialect:   dialect.SQLite,
		Databases: map[string]*config.Database{"main": {Primary: ":memory:"}},
		Health:    config.Health{Disabled: true},
	}).Validate()
	if err != nil {
		panic(err)
	}
	reg, err := registry.Open(cfg, registry.Options{Counters: true})
	if err != nil {
		panic(err)
	}
	defer reg.Close()

	node := reg.Default().Primary
	var c registry.Conn
	if err := node.Acquire(context.Background(), &c); err != nil {
		panic(err)
	}
	rows, _, err := c.Query(context.Background(), "SELECT 40 + 2", nil, true)
	if err != nil {
		c.Release(err)
		panic(err)
	}
	dest := make([]driver.Value, 1)
	err = rows.Next(dest)
	rows.Close()
	fmt.Println(dest[0], c.Statements())
	c.Release(err)

	s := node.Stats()
	fmt.Println(s.Name, s.Healthy, s.InFlight, s.Stmts, s.Errors, s.Counters.Prepares)
	// Output:
	// 42 1
	// main.primary true 0 1 0 1
}
