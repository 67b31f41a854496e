package registry_test

import (
	"context"
	"database/sql/driver"
	"path/filepath"
	"testing"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"modernc.org/sqlite"

	"github.com/grantsql/grant/internal/testenv"
)

// The classification of errors the real drivers return.

func TestRealConnectRefused(t *testing.T) {
	ctx := context.Background()
	_, err := pgconn.Connect(ctx, "postgres://nobody@127.0.0.1:1/none?connect_timeout=5&sslmode=disable")
	var connect *pgconn.ConnectError
	require.ErrorAs(t, err, &connect)
	// pgx does not vouch for a failed connect: no statement was sent, but
	// SafeToRetry is about statements, and Acquire fails before any.
	assert.Equal(t, classification{Conn: true}, classify(err))
}

func TestRealPostgresErrors(t *testing.T) {
	dsn := testenv.PostgresDSN(t)
	ctx := context.Background()
	conn, err := pgconn.Connect(ctx, dsn)
	require.NoError(t, err)
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "SELECT 1/0").ReadAll()
	var pgErr *pgconn.PgError
	require.ErrorAs(t, err, &pgErr)
	assert.Equal(t, "22012", pgErr.Code)
	assert.Equal(t, classification{Server: true}, classify(pgErr), "division by zero is the statement's fault")

	// A backend terminated by the server.
	pid := conn.PID()
	other, err := pgconn.Connect(ctx, dsn)
	require.NoError(t, err)
	defer other.Close(ctx)
	_, err = other.Exec(ctx, "SELECT pg_terminate_backend("+itoa(pid)+")").ReadAll()
	require.NoError(t, err)
	_, err = conn.Exec(ctx, "SELECT 1").ReadAll()
	require.ErrorAs(t, err, &pgErr)
	assert.Equal(t, "57P01", pgErr.Code)
	assert.Equal(t, classification{Conn: true, Server: true}, classify(err), "the server's report, of a lost connection")

	// A closed connection: pgx knows nothing was sent.
	require.NoError(t, other.Close(ctx))
	_, err = other.Exec(ctx, "SELECT 1").ReadAll()
	require.Error(t, err)
	assert.Equal(t, classification{Conn: true, Retry: true}, classify(err))
}

func TestRealMySQLErrors(t *testing.T) {
	dsn := testenv.MySQLDSN(t)
	ctx := context.Background()
	cfg, err := mysql.ParseDSN(dsn)
	require.NoError(t, err)
	c, err := mysql.NewConnector(cfg)
	require.NoError(t, err)
	conn, err := c.Connect(ctx)
	require.NoError(t, err)
	defer conn.Close()
	_, err = conn.(driver.ExecerContext).ExecContext(ctx, "SELEKT 1", nil)
	var myErr *mysql.MySQLError
	require.ErrorAs(t, err, &myErr)
	assert.Equal(t, uint16(1064), myErr.Number)
	assert.Equal(t, classification{Server: true}, classify(err))

	// A connection the server killed.
	rows, err := conn.(driver.QueryerContext).QueryContext(ctx, "SELECT CONNECTION_ID()", nil)
	require.NoError(t, err)
	dest := make([]driver.Value, 1)
	require.NoError(t, rows.Next(dest))
	require.NoError(t, rows.Close())
	other, err := c.Connect(ctx)
	require.NoError(t, err)
	defer other.Close()
	_, err = other.(driver.ExecerContext).ExecContext(ctx, "KILL "+toString(dest[0]), nil)
	require.NoError(t, err)
	_, err = conn.(driver.ExecerContext).ExecContext(ctx, "DO 1", nil)
	require.ErrorIs(t, err, mysql.ErrInvalidConn)
	assert.Equal(t, classification{Conn: true}, classify(err))
}

func TestRealSQLiteError(t *testing.T) {
	c, err := sqlite.NewConnector(filepath.Join(t.TempDir(), "e.db"))
	require.NoError(t, err)
	conn, err := c.Connect(context.Background())
	require.NoError(t, err)
	defer conn.Close()
	_, err = conn.(driver.ExecerContext).ExecContext(context.Background(), "SELECT * FROM nosuch", nil)
	require.Error(t, err)
	assert.IsType(t, (*sqlite.Error)(nil), err)
	assert.Equal(t, classification{Server: true}, classify(err))
}
