package sanitize

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/internal/testenv"
)

// session is one database session with the Quoter that describes it.
type session struct {
	name string
	q    Quoter
	// setup opens the session; nil when its server is not configured.
	setup func(t *testing.T) *sql.Conn
}

// sessions are the server sessions the round-trip and injection tests run
// in: both standard_conforming_strings settings of PostgreSQL, MariaDB in
// both backslash modes and two more charsets, and SQLite.
func sessions() []session {
	return []session{
		{"postgres", Quoter{Dialect: pg}, func(t *testing.T) *sql.Conn { return pgConn(t, "") }},
		{"postgres/scs-off", Quoter{Dialect: pg}, func(t *testing.T) *sql.Conn {
			return pgConn(t, "SET standard_conforming_strings = off")
		}},
		{"mysql", Quoter{Dialect: my}, func(t *testing.T) *sql.Conn { return myConn(t, "", "") }},
		{"mysql/no-backslash-escapes", Quoter{Dialect: my, NoBackslashEscapes: true}, func(t *testing.T) *sql.Conn {
			return myConn(t, "", "SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES')")
		}},
		{"mysql/latin1", Quoter{Dialect: my, Charset: "latin1"}, func(t *testing.T) *sql.Conn { return myConn(t, "latin1", "") }},
		{"mysql/gbk", Quoter{Dialect: my, Charset: "gbk"}, func(t *testing.T) *sql.Conn { return myConn(t, "gbk", "") }},
		{"sqlite", Quoter{Dialect: sq}, func(t *testing.T) *sql.Conn { return sqliteConn(t) }},
	}
}

func pgConn(t *testing.T, setup string) *sql.Conn {
	db, err := sql.Open("pgx", testenv.PostgresDSN(t))
	require.NoError(t, err)
	return sessionConn(t, db, setup)
}

func myConn(t *testing.T, charset, setup string) *sql.Conn {
	cfg, err := mysql.ParseDSN(testenv.MySQLDSN(t))
	require.NoError(t, err)
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	if charset != "" {
		require.NoError(t, cfg.Apply(mysql.Charset(charset, "")))
	}
	connector, err := mysql.NewConnector(cfg)
	require.NoError(t, err)
	conn := sessionConn(t, sql.OpenDB(connector), setup)
	if charset == "" {
		charset = "utf8mb4"
	}
	var got string
	require.NoError(t, conn.QueryRowContext(context.Background(), "SELECT @@character_set_client").Scan(&got))
	require.Equal(t, charset, got, "the session's charset")
	return conn
}

func sqliteConn(t *testing.T) *sql.Conn {
	db, err := sql.Open("sqlite", ":memory:")
	require.NoError(t, err)
	return sessionConn(t, db, "")
}

func sessionConn(t *testing.T, db *sql.DB, setup string) *sql.Conn {
	t.Cleanup(func() { db.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := db.Conn(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	if setup != "" {
		_, err = conn.ExecContext(ctx, setup)
		require.NoError(t, err)
	}
	return conn
}
