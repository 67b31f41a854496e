package engine

import (
	"context"
	"database/sql/driver"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/internal/fakedb"
	"github.com/grantsql/grant/registry"
)

func TestSingleNodeQueryAndExec(t *testing.T) {
	h := newHarness(t, fakeCluster(1, "main"))
	s := h.session()
	rows, err := s.Query(bg, "SELECT id, name FROM t", nil, false)
	require.NoError(t, err)
	assert.Len(t, drain(t, rows), 2)
	assert.Equal(t, 1, h.db("main.r0").Count("conn.query"), "a read goes to the replica")
	res, err := s.Exec(bg, "UPDATE t SET name = 'x'", nil, false)
	require.NoError(t, err)
	n, _ := res.RowsAffected()
	assert.Equal(t, int64(1), n)
	assert.Equal(t, []string{"UPDATE t SET name = 'x'"}, h.db("main").Committed())
	require.True(t, s.Release())
	h.idle()
}

// A node that refuses connections fails the statement with an error
// naming it; a read whose replica refuses is retried on the primary.
func TestSingleNodeConnectError(t *testing.T) {
	h := newHarness(t, fakeCluster(1, "main"))
	h.db("main").FailConnect(errors.New("connection refused"))
	s := h.session()
	_, err := s.Exec(bg, "DELETE FROM t", nil, false)
	var ne *registry.NodeError
	require.ErrorAs(t, err, &ne)
	assert.Equal(t, "main.primary", ne.Node)
	assert.ErrorContains(t, err, "connection refused")

	h.db("main").ClearFaults()
	h.db("main.r0").FailConnect(driver.ErrBadConn)
	rows, err := s.Query(bg, "SELECT 1", nil, false)
	require.NoError(t, err, "retried on the primary")
	drain(t, rows)
	assert.Equal(t, 1, h.db("main").Count("conn.query"))
	require.True(t, s.Release())
	h.idle()
}

// An error on the n-th statement comes back; a driver.ErrBadConn, which
// guarantees the statement was not sent, is retried on a new connection.
func TestSingleNodeErrorOnStatementN(t *testing.T) {
	h := newHarness(t, fakeCluster(0, "main"))
	main := h.db("main")
	main.FailOn("conn.exec", "", 2, nil)
	s := h.session()
	_, err := s.Exec(bg, "INSERT INTO t VALUES (1)", nil, false)
	require.NoError(t, err)
	require.True(t, s.Release())
	_, err = s.Exec(bg, "INSERT INTO t VALUES (2)", nil, false)
	var fe *fakedb.Error
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, 2, fe.Code)
	require.True(t, s.Release())

	main.ClearFaults()
	main.FailOn("conn.exec", "", 1, driver.ErrBadConn)
	_, err = s.Exec(bg, "INSERT INTO t VALUES (3)", nil, false)
	require.NoError(t, err, "retried")
	assert.Equal(t, []string{"INSERT INTO t VALUES (1)", "INSERT INTO t VALUES (3)"}, main.Committed())
	require.True(t, s.Release())
	h.idle()
}

// A statement that hangs ends with its context; the node stays in
// rotation and the connection goes back.
func TestSingleNodeHangUntilCancelled(t *testing.T) {
	h := newHarness(t, fakeCluster(1, "main"))
	h.db("main.r0").Hang("SELECT pg_sleep(60)")
	s := h.session()
	ctx, cancel := context.WithTimeout(bg, 50*time.Millisecond)
	defer cancel()
	_, err := s.Query(ctx, "SELECT pg_sleep(60)", nil, false)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	for _, n := range h.e.reg.Nodes() {
		assert.True(t, n.Healthy(), "node %s", n.Name)
	}
	require.True(t, s.Release())
	h.idle()
}

// A session keeps a write's connection for the results a later statement
// may read (LAST_INSERT_ID) until database/sql takes the session back.
func TestSessionKeepsWriteConnectionUntilReleased(t *testing.T) {
	h := newHarness(t, fakeCluster(1, "main"))
	s := h.session()
	_, err := s.Exec(bg, "INSERT INTO t VALUES (1)", nil, false)
	require.NoError(t, err)
	rows, err := s.Query(bg, "SELECT last_insert_rowid()", nil, false)
	require.NoError(t, err)
	drain(t, rows)
	main := h.db("main")
	assert.Equal(t, 1, main.Conns(), "one connection for both")
	assert.Equal(t, 1, main.Count("conn.query"))
	assert.Equal(t, int64(1), h.e.reg.Default().Primary.InFlight(), "held by the session")
	require.True(t, s.Release())
	h.idle()
}

// A *sql.Stmt's executions on one physical connection prepare it once.
func TestPreparedStatementStaysPrepared(t *testing.T) {
	h := newHarness(t, fakeCluster(0, "main"))
	s := h.session()
	for i := range 5 {
		rows, err := s.Query(bg, "SELECT name FROM t WHERE id = ?", args(i), true)
		require.NoError(t, err)
		drain(t, rows)
		_, err = s.Exec(bg, "UPDATE t SET n = n + 1 WHERE id = ?", args(i), true)
		require.NoError(t, err)
		require.True(t, s.Release())
	}
	main := h.db("main")
	assert.Equal(t, 2, main.Count("conn.prepare"), "one prepare per statement text")
	assert.Equal(t, 5, main.Count("stmt.query"))
	assert.Equal(t, 0, main.Count("stmt.close"), "kept on the connection")
	h.idle()
}

// A session the application holds runs its statements on one node on the
// same physical connection, as the raw driver would on a *sql.Conn, and
// gives it back when released.
func TestSessionReusesItsConnectionWhileHeld(t *testing.T) {
	h := newHarness(t, fakeCluster(0, "main"))
	s := h.session()
	for range 3 {
		rows, err := s.Query(bg, "SELECT id FROM t", nil, true)
		require.NoError(t, err)
		drain(t, rows)
		rows, err = s.Query(bg, "SELECT name FROM t", nil, false)
		require.NoError(t, err)
		drain(t, rows)
	}
	main := h.db("main")
	assert.Equal(t, 1, main.Conns())
	assert.Equal(t, 0, main.Count("reset"), "no checkout between statements")
	assert.Equal(t, int64(1), h.e.reg.Default().Primary.InFlight())
	require.True(t, s.Release())
	h.idle()
}
