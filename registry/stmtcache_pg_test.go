package registry_test

import (
	"context"
	"database/sql/driver"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/testenv"
	"github.com/grantsql/grant/registry"
)

// openPostgres opens a registry of one PostgreSQL node, one connection,
// and returns a held connection.
func openPostgres(t *testing.T) *registry.Conn {
	t.Helper()
	cfg, err := (&config.Cluster{
		Dialect:   dialect.Postgres,
		Databases: map[string]*config.Database{"main": {Primary: testenv.PostgresDSN(t)}},
		Pool:      config.Pool{MaxOpen: 1},
		Health:    config.Health{Disabled: true},
	}).Validate()
	require.NoError(t, err)
	reg, err := registry.Open(cfg, registry.Options{Counters: true})
	require.NoError(t, err)
	t.Cleanup(func() { _ = reg.Close() })
	c := acquire(t, primary(reg))
	t.Cleanup(func() { c.Release(nil) })
	return c
}

// queryValues runs q prepared on c and returns its rows.
func queryValues(t *testing.T, c *registry.Conn, q string) [][]driver.Value {
	t.Helper()
	rows, st, err := c.Query(context.Background(), q, nil, true)
	require.NoError(t, err)
	require.Nil(t, st, "kept")
	var out [][]driver.Value
	for {
		dest := make([]driver.Value, len(rows.Columns()))
		if rows.Next(dest) != nil {
			break
		}
		out = append(out, dest)
	}
	require.NoError(t, rows.Close())
	return out
}

// TestPostgresStaleStatements: a statement the server forgot (DEALLOCATE
// ALL), or whose cached plan it refuses after the table changed, is
// prepared again without the caller seeing an error.
func TestPostgresStaleStatements(t *testing.T) {
	ctx := context.Background()
	c := openPostgres(t)
	exec := func(q string) {
		t.Helper()
		_, err := c.Exec(ctx, q, nil, false)
		require.NoError(t, err)
	}

	assert.Equal(t, [][]driver.Value{{int64(1)}}, queryValues(t, c, "SELECT 1::int8"))
	exec("DEALLOCATE ALL")
	assert.Equal(t, [][]driver.Value{{int64(1)}}, queryValues(t, c, "SELECT 1::int8"), "prepared again")
	assert.Equal(t, 1, c.Statements())
	counted := c.Node.Counters.Snapshot()
	assert.Equal(t, int64(2), counted.Prepares, "prepared twice")
	assert.Equal(t, int64(1), counted.Errors, "after the server forgot it (26000)")

	table := fmt.Sprintf("registry_stale_%d_%d", os.Getpid(), time.Now().UnixNano())
	exec("CREATE TABLE " + table + " (id int8)")
	t.Cleanup(func() { _, _ = c.Exec(ctx, "DROP TABLE IF EXISTS "+table, nil, false) })
	exec("INSERT INTO " + table + " VALUES (1)")
	sel := "SELECT * FROM " + table
	assert.Equal(t, [][]driver.Value{{int64(1)}}, queryValues(t, c, sel))
	exec("ALTER TABLE " + table + " ADD COLUMN name text DEFAULT 'a'")
	assert.Equal(t, [][]driver.Value{{int64(1), "a"}}, queryValues(t, c, sel), "the new column, from a new statement")
	assert.Equal(t, 2, c.Statements())
	counted = c.Node.Counters.Snapshot()
	assert.Equal(t, int64(4), counted.Prepares)
	assert.Equal(t, int64(2), counted.Errors, "after the server refused the cached plan (0A000)")
}
