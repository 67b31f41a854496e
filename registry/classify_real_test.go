package registry_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"modernc.org/sqlite"

	"github.com/grantsql/grant/internal/testenv"
	"github.com/grantsql/grant/registry"
)

// NodeFailure on errors the real drivers return, per driver.

// silentServer accepts TCP connections and never answers: a hung machine
// whose kernel still completes the handshake.
func silentServer(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
		}
	}()
	return l.Addr().String()
}

func TestRealNodeFailurePostgres(t *testing.T) {
	dsn := testenv.PostgresDSN(t)
	ctx := context.Background()
	conn, err := pgconn.Connect(ctx, dsn)
	require.NoError(t, err)
	defer conn.Close(ctx)

	_, err = conn.Exec(ctx, "SELECT 'a\x00b'").ReadAll()
	var pgErr *pgconn.PgError
	require.ErrorAs(t, err, &pgErr)
	assert.Equal(t, "08P01", pgErr.Code, "a NUL byte in the text")
	assert.False(t, registry.NodeFailure(ctx, err))
	assert.False(t, registry.IsConnError(err))
	_, err = conn.Exec(ctx, "SELECT 1").ReadAll()
	require.NoError(t, err, "the connection goes on after 08P01")

	_, err = conn.Exec(ctx, "SELECT 1/0").ReadAll()
	assert.False(t, registry.NodeFailure(ctx, err), "division by zero")

	// A backend terminated by the server (as in a fast shutdown).
	other, err := pgconn.Connect(ctx, dsn)
	require.NoError(t, err)
	defer other.Close(ctx)
	_, err = other.Exec(ctx, "SELECT pg_terminate_backend("+itoa(conn.PID())+")").ReadAll()
	require.NoError(t, err)
	_, err = conn.Exec(ctx, "SELECT 1").ReadAll()
	require.ErrorAs(t, err, &pgErr)
	assert.Equal(t, "57P01", pgErr.Code)
	assert.True(t, registry.NodeFailure(ctx, err))

	// A statement cancelled by its context, and the connection the cancel
	// closed, which database/sql's pgx driver then calls bad.
	db, err := sql.Open("pgx", dsn)
	require.NoError(t, err)
	defer db.Close()
	sc, err := db.Conn(ctx)
	require.NoError(t, err)
	defer sc.Close()
	cctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	_, err = sc.ExecContext(cctx, "SELECT pg_sleep(1)")
	assert.False(t, registry.NodeFailure(cctx, err), "cancelled: %v", err)
	cancel()
	err = sc.Raw(func(dc any) error {
		_, err := dc.(driver.ExecerContext).ExecContext(ctx, "SELECT 1", nil)
		return err
	})
	assert.ErrorIs(t, err, driver.ErrBadConn)
	assert.False(t, registry.NodeFailure(ctx, err), "a connection found closed says nothing of the node")

	// Connecting: refused, a server that never answers, a refusal of the
	// server's own.
	_, err = pgconn.Connect(ctx, "postgres://nobody@127.0.0.1:1/none?sslmode=disable")
	assert.True(t, registry.NodeFailure(ctx, err), "refused: %v", err)
	_, err = pgconn.Connect(ctx, "postgres://nobody@"+silentServer(t)+"/none?sslmode=disable&connect_timeout=1")
	assert.True(t, registry.NodeFailure(ctx, err), "no answer within connect_timeout: %v", err)
	bad, err := pgconn.ParseConfig(dsn)
	require.NoError(t, err)
	bad.Password = "not-the-password"
	_, err = pgconn.ConnectConfig(ctx, bad)
	require.Error(t, err)
	assert.False(t, registry.NodeFailure(ctx, err), "authentication failed: %v", err)
}

func TestRealNodeFailureMySQL(t *testing.T) {
	dsn := testenv.MySQLDSN(t)
	ctx := context.Background()
	cfg, err := mysql.ParseDSN(dsn)
	require.NoError(t, err)
	c, err := mysql.NewConnector(cfg)
	require.NoError(t, err)
	conn, err := c.Connect(ctx)
	require.NoError(t, err)
	defer conn.Close()
	exec := func(dc driver.Conn, cctx context.Context, q string) error {
		_, err := dc.(driver.ExecerContext).ExecContext(cctx, q, nil)
		return err
	}
	err = exec(conn, ctx, "SELEKT 1")
	assert.False(t, registry.NodeFailure(ctx, err), "syntax")
	err = exec(conn, ctx, "SELECT 'a\x00b'")
	assert.NoError(t, err, "MariaDB takes a NUL byte")

	// Cancelled, then found closed.
	cctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	err = exec(conn, cctx, "DO SLEEP(1)")
	require.Error(t, err)
	assert.False(t, registry.NodeFailure(cctx, err), "cancelled: %v", err)
	cancel()
	err = exec(conn, ctx, "DO 1")
	require.ErrorIs(t, err, driver.ErrBadConn)
	assert.False(t, registry.NodeFailure(ctx, err))

	// A connection the server cut in the middle of a statement.
	victim, err := c.Connect(ctx)
	require.NoError(t, err)
	defer victim.Close()
	rows, err := victim.(driver.QueryerContext).QueryContext(ctx, "SELECT CONNECTION_ID()", nil)
	require.NoError(t, err)
	dest := make([]driver.Value, 1)
	require.NoError(t, rows.Next(dest))
	require.NoError(t, rows.Close())
	killer, err := c.Connect(ctx)
	require.NoError(t, err)
	defer killer.Close()
	done := make(chan error, 1)
	go func() { done <- exec(victim, ctx, "DO SLEEP(5)") }()
	time.Sleep(100 * time.Millisecond)
	require.NoError(t, exec(killer, ctx, "KILL "+toString(dest[0])))
	err = <-done
	assert.True(t, registry.NodeFailure(ctx, err), "cut mid-statement: %v", err)

	// Connecting.
	refused, _ := mysql.ParseDSN("nobody@tcp(127.0.0.1:1)/x")
	rc, _ := mysql.NewConnector(refused)
	_, err = rc.Connect(ctx)
	assert.True(t, registry.NodeFailure(ctx, err), "refused: %v", err)
	badCfg := cfg.Clone()
	badCfg.Passwd = "not-the-password"
	bc, _ := mysql.NewConnector(badCfg)
	_, err = bc.Connect(ctx)
	require.Error(t, err)
	assert.False(t, registry.NodeFailure(ctx, err), "access denied: %v", err)
}

func TestRealNodeFailureSQLite(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	open := func(dsn string) (driver.Conn, error) {
		c, err := sqlite.NewConnector(dsn)
		require.NoError(t, err)
		return c.Connect(ctx)
	}
	conn, err := open(filepath.Join(dir, "ok.db"))
	require.NoError(t, err)
	defer conn.Close()
	_, err = conn.(driver.ExecerContext).ExecContext(ctx, "SELECT * FROM nosuch", nil)
	assert.False(t, registry.NodeFailure(ctx, err), "no such table")

	// A file that cannot be opened, and one that is no database.
	conn2, err := open("file:" + filepath.Join(dir, "missing", "x.db") + "?mode=ro")
	if err == nil {
		_, err = conn2.(driver.ExecerContext).ExecContext(ctx, "SELECT 1 FROM sqlite_master", nil)
		conn2.Close()
	}
	require.Error(t, err)
	assert.True(t, registry.NodeFailure(ctx, err), "cannot open: %v", err)
	junk := filepath.Join(dir, "junk.db")
	require.NoError(t, os.WriteFile(junk, []byte(strings.Repeat("not a database ", 512)), 0o600))
	conn3, err := open(junk)
	if err == nil {
		_, err = conn3.(driver.ExecerContext).ExecContext(ctx, "SELECT 1 FROM sqlite_master", nil)
		conn3.Close()
	}
	require.Error(t, err)
	assert.True(t, registry.NodeFailure(ctx, err), "not a database: %v", err)
}
