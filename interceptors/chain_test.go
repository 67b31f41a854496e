package interceptors_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"testing"

	"github.com/ngrok/sqlmw"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/interceptors"
	"github.com/grantsql/grant/internal/fakedb"
)

// openConn opens c through database/sql and returns one pinned connection.
func openConn(t *testing.T, c driver.Connector) (*sql.DB, *sql.Conn) {
	t.Helper()
	db := sql.OpenDB(c)
	t.Cleanup(func() { _ = db.Close() })
	conn, err := db.Conn(context.Background())
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	return db, conn
}

func TestWrapChainOrder(t *testing.T) {
	ctx := context.Background()
	fake := fakedb.New("fake", fakedb.CapAll)
	_, conn := openConn(t, interceptors.Wrap(fake.Connector(), recorder{"a", fake}, recorder{"b", fake}))
	require.Equal(t, nested("connect", "connect"), fake.Take())

	t.Run("ping", func(t *testing.T) {
		require.NoError(t, conn.PingContext(ctx))
		assert.Equal(t, nested("ping", "ping"), fake.Take())
	})
	t.Run("exec", func(t *testing.T) {
		res, err := conn.ExecContext(ctx, "e", 1)
		require.NoError(t, err)
		assert.Equal(t, nested("exec", "conn.exec e"), fake.Take())
		n, err := res.RowsAffected()
		require.NoError(t, err)
		assert.Equal(t, int64(1), n)
		assert.Equal(t, nested("rowsAffected"), fake.Take())
		id, err := res.LastInsertId()
		require.NoError(t, err)
		assert.Equal(t, int64(7), id)
		assert.Equal(t, nested("lastInsertId"), fake.Take())
	})
	t.Run("query", func(t *testing.T) {
		rows, err := conn.QueryContext(ctx, "q")
		require.NoError(t, err)
		assert.Equal(t, nested("query", "conn.query q"), fake.Take())
		require.True(t, rows.Next())
		assert.Equal(t, nested("next", "rows.next"), fake.Take())
		require.NoError(t, rows.Close())
		assert.Equal(t, nested("rowsClose", "rows.close"), fake.Take())
	})
	t.Run("prepared statement", func(t *testing.T) {
		st, err := conn.PrepareContext(ctx, "p")
		require.NoError(t, err)
		assert.Equal(t, nested("prepare", "conn.prepare p"), fake.Take())
		_, err = st.ExecContext(ctx, 1)
		require.NoError(t, err)
		assert.Equal(t, nested("stmtExec", "stmt.exec p"), fake.Take())
		rows, err := st.QueryContext(ctx, 2)
		require.NoError(t, err)
		assert.Equal(t, nested("stmtQuery", "stmt.query p"), fake.Take())
		require.True(t, rows.Next())
		assert.Equal(t, nested("next", "rows.next"), fake.Take())
		require.NoError(t, rows.Close())
		assert.Equal(t, nested("rowsClose", "rows.close"), fake.Take())
		require.NoError(t, st.Close())
		assert.Equal(t, nested("stmtClose", "stmt.close p"), fake.Take())
	})
	t.Run("commit", func(t *testing.T) {
		tx, err := conn.BeginTx(ctx, nil)
		require.NoError(t, err)
		assert.Equal(t, nested("begin", "begin"), fake.Take())
		require.NoError(t, tx.Commit())
		assert.Equal(t, nested("commit", "commit"), fake.Take())
	})
	t.Run("rollback", func(t *testing.T) {
		tx, err := conn.BeginTx(ctx, nil)
		require.NoError(t, err)
		assert.Equal(t, nested("begin", "begin"), fake.Take())
		require.NoError(t, tx.Rollback())
		assert.Equal(t, nested("rollback", "rollback"), fake.Take())
	})
}

func TestWrapNestedEqualsOneChain(t *testing.T) {
	fake := fakedb.New("fake", fakedb.CapAll)
	c := interceptors.Wrap(interceptors.Wrap(fake.Connector(), recorder{"b", fake}), recorder{"a", fake})
	_, conn := openConn(t, c)
	require.Equal(t, nested("connect", "connect"), fake.Take())
	_, err := conn.ExecContext(context.Background(), "e")
	require.NoError(t, err)
	assert.Equal(t, nested("exec", "conn.exec e"), fake.Take())
}

func TestWrapEmptyChainReturnsConnector(t *testing.T) {
	fake := fakedb.New("fake", fakedb.CapAll)
	base := fake.Connector()
	assert.Same(t, base, interceptors.Wrap(base))
	assert.Same(t, base, interceptors.Wrap(base, []sqlmw.Interceptor{}...))

	closing := fake.ClosingConnector()
	assert.Equal(t, driver.Connector(closing), interceptors.Wrap(closing))
}

func TestWrapInterceptorSeesEveryLayerOnce(t *testing.T) {
	fake := fakedb.New("fake", fakedb.CapAll)
	counters := interceptors.NewCounters()
	_, conn := openConn(t, interceptors.Wrap(fake.Connector(), counters, sqlmw.NullInterceptor{}, counters))
	_, err := conn.ExecContext(context.Background(), "e")
	require.NoError(t, err)
	s := counters.Snapshot()
	assert.Equal(t, int64(2), s.Connects, "the same interceptor twice in a chain runs twice")
	assert.Equal(t, int64(2), s.Execs)
	assert.Equal(t, 1, fake.Count("conn.exec"), "the base runs once")
}
