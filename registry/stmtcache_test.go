package registry_test

import (
	"context"
	"database/sql/driver"
	"errors"
	"testing"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/internal/fakedb"
	"github.com/grantsql/grant/registry"
)

// openCache opens a one-connection registry whose connections keep size
// prepared statements (pool.statement_cache) and returns a held
// connection of the primary and the primary's fake database, its log
// emptied.
func openCache(t *testing.T, size int) (*registry.Conn, *fakedb.DB) {
	t.Helper()
	cfg := fakeConfig()
	cfg.Pool = config.Pool{MaxOpen: 1, StatementCache: size}
	reg, fake := openFake(t, cfg, registry.Options{})
	c := acquire(t, primary(reg))
	t.Cleanup(func() { c.Release(nil) })
	db := fake.DB(primaryDSN)
	db.Take()
	return c, db
}

// query runs q as a prepared query on c and reads its rows, closing the
// statement the cache did not keep.
func query(t *testing.T, c *registry.Conn, q string) {
	t.Helper()
	rows, st, err := c.Query(context.Background(), q, nil, true)
	require.NoError(t, err)
	assert.Equal(t, 2, drain(t, rows))
	if st != nil {
		require.NoError(t, st.Close())
	}
}

func exec(t *testing.T, c *registry.Conn, q string) {
	t.Helper()
	_, err := c.Exec(context.Background(), q, []driver.NamedValue{{Ordinal: 1, Value: 1}}, true)
	require.NoError(t, err)
}

func TestStatementCachePreparesOncePerConnection(t *testing.T) {
	c, db := openCache(t, 2)
	query(t, c, "q1")
	query(t, c, "q1")
	exec(t, c, "e1")
	exec(t, c, "e1")
	assert.Equal(t, []string{
		"conn.prepare q1", "stmt.query q1", "rows.next", "rows.next", "rows.next", "rows.close",
		"stmt.query q1", "rows.next", "rows.next", "rows.next", "rows.close",
		"conn.prepare e1", "stmt.exec e1", "stmt.exec e1",
	}, db.Take())
	assert.Equal(t, 2, c.Statements())
	assert.Equal(t, []driver.NamedValue{{Ordinal: 1, Value: int64(1)}}, db.LastArgs(), "arguments converted for the driver")

	// The statements stay with the physical connection across Release.
	n := c.Node
	c.Release(nil)
	require.NoError(t, n.Acquire(context.Background(), c))
	exec(t, c, "e1")
	assert.Equal(t, []string{"reset", "stmt.exec e1"}, db.Take(), "the same connection, its session reset")
	assert.Equal(t, 1, db.Conns())
}

func TestStatementCacheEvictsLeastRecentlyUsed(t *testing.T) {
	c, db := openCache(t, 2)
	exec(t, c, "a")
	exec(t, c, "b")
	exec(t, c, "a") // b is now the least recently used
	db.Take()
	exec(t, c, "c")
	assert.Equal(t, []string{"conn.prepare c", "stmt.close b", "stmt.exec c"}, db.Take(), "b was evicted and closed")
	assert.Equal(t, 2, c.Statements())
	exec(t, c, "a")
	assert.Equal(t, []string{"stmt.exec a"}, db.Take())
	exec(t, c, "b")
	assert.Equal(t, []string{"conn.prepare b", "stmt.close c", "stmt.exec b"}, db.Take())
}

func TestStatementCacheDisabled(t *testing.T) {
	c, db := openCache(t, -1)
	exec(t, c, "e")
	exec(t, c, "e")
	assert.Equal(t, []string{
		"conn.prepare e", "stmt.exec e", "stmt.close e",
		"conn.prepare e", "stmt.exec e", "stmt.close e",
	}, db.Take())
	rows, st, err := c.Query(context.Background(), "q", nil, true)
	require.NoError(t, err)
	require.NotNil(t, st, "the caller closes a statement not kept, after its rows")
	drain(t, rows)
	require.NoError(t, st.Close())
	assert.Equal(t, []string{"conn.prepare q", "stmt.query q", "rows.next", "rows.next", "rows.next", "rows.close", "stmt.close q"}, db.Take())
	assert.Zero(t, c.Statements())

	// A failing statement not kept is closed at once.
	db.FailOn("stmt.exec", "bad", 0, nil)
	_, err = c.Exec(context.Background(), "bad", nil, true)
	var fe *fakedb.Error
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, []string{"conn.prepare bad", "stmt.exec bad", "stmt.close bad"}, db.Take())
}

func TestUnpreparedStatementsBypassTheCache(t *testing.T) {
	c, db := openCache(t, 2)
	rows, st, err := c.Query(context.Background(), "q", nil, false)
	require.NoError(t, err)
	assert.Nil(t, st)
	drain(t, rows)
	_, err = c.Exec(context.Background(), "e", nil, false)
	require.NoError(t, err)
	assert.Equal(t, []string{"conn.query q", "rows.next", "rows.next", "rows.next", "rows.close", "conn.exec e"}, db.Take())
	assert.Zero(t, c.Statements())
}

// The errors that say a kept statement is stale: the server no longer
// knows it, or will not reuse its plan.
var staleErrors = map[string]error{
	"pg 26000":     &pgconn.PgError{Code: "26000", Message: `prepared statement "stmtcache_1" does not exist`},
	"pg 0A000":     &pgconn.PgError{Code: "0A000", Message: "cached plan must not change result type"},
	"mysql 1243":   &mysql.MySQLError{Number: 1243, Message: "Unknown prepared statement handler"},
	"wrapped 1243": &registry.NodeError{Node: "n", Err: &mysql.MySQLError{Number: 1243}},
}

func TestStaleStatementIsPreparedAgainOnce(t *testing.T) {
	for name, stale := range staleErrors {
		t.Run(name, func(t *testing.T) {
			c, db := openCache(t, 4)
			query(t, c, "q")
			exec(t, c, "e")
			db.Take()
			db.FailOn("stmt.query", "q", 1, stale)
			db.FailOn("stmt.exec", "e", 1, stale)

			query(t, c, "q")
			assert.Equal(t, []string{
				"stmt.query q", "stmt.close q", "conn.prepare q", "stmt.query q",
				"rows.next", "rows.next", "rows.next", "rows.close",
			}, db.Take())
			exec(t, c, "e")
			assert.Equal(t, []string{"stmt.exec e", "stmt.close e", "conn.prepare e", "stmt.exec e"}, db.Take())
			assert.Equal(t, 2, c.Statements())
		})
	}
}

func TestStaleStatementRetriedOnlyOnce(t *testing.T) {
	stale := &pgconn.PgError{Code: "26000"}
	c, db := openCache(t, 4)
	exec(t, c, "e")
	db.Take()
	db.FailOn("stmt.exec", "e", 0, stale)
	_, err := c.Exec(context.Background(), "e", nil, true)
	assert.Same(t, stale, err, "the server's error, as it is")
	assert.Equal(t, []string{"stmt.exec e", "stmt.close e", "conn.prepare e", "stmt.exec e", "stmt.close e"}, db.Take())
	assert.Zero(t, c.Statements(), "the stale statement is not kept")
}

func TestOtherErrorsKeepTheStatement(t *testing.T) {
	unique := &pgconn.PgError{Code: "23505"}
	c, db := openCache(t, 4)
	exec(t, c, "e")
	db.Take()
	db.FailOn("stmt.exec", "e", 1, unique)
	_, err := c.Exec(context.Background(), "e", nil, true)
	assert.Same(t, unique, err)
	exec(t, c, "e")
	assert.Equal(t, []string{"stmt.exec e", "stmt.exec e"}, db.Take(), "no close, no second prepare")
	assert.Equal(t, 1, c.Statements())

	// A failed prepare keeps nothing.
	db.FailOn("conn.prepare", "p", 0, errors.New("syntax"))
	_, err = c.Exec(context.Background(), "p", nil, true)
	assert.EqualError(t, err, "syntax")
	assert.Equal(t, 1, c.Statements())
}

func TestPhysicalCloseClosesKeptStatements(t *testing.T) {
	t.Run("discard", func(t *testing.T) {
		c, db := openCache(t, 4)
		exec(t, c, "a")
		query(t, c, "b")
		db.Take()
		c.Discard()
		got := db.Take()
		assert.ElementsMatch(t, []string{"stmt.close a", "stmt.close b", "conn.close"}, got)
		assert.Equal(t, "conn.close", got[len(got)-1], "statements first")
	})
	t.Run("registry close", func(t *testing.T) {
		cfg := fakeConfig()
		reg, fake := openFake(t, cfg, registry.Options{})
		c := acquire(t, primary(reg))
		exec(t, c, "a")
		c.Release(nil)
		db := fake.DB(primaryDSN)
		db.Take()
		require.NoError(t, reg.Close())
		assert.Equal(t, []string{"stmt.close a", "conn.close"}, db.Take())
	})
}
