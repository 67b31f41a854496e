package peers_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
)

// The environment variables naming the test servers (the main module's
// internal/testenv, which another module cannot import).
const (
	postgresVar        = "GRANT_PG_DSN"
	postgresReplicaVar = "GRANT_PG_REPLICA_DSN"
	mysqlVar           = "GRANT_MYSQL_DSN"
	mysqlReplicaVar    = "GRANT_MYSQL_REPLICA_DSN"
)

// seedRows is the number of rows of peers_bench_users.
const seedRows = 1000

// server is one database server of the benchmarks, reached through its
// real driver: a primary and, for PostgreSQL and MariaDB, a replica.
type server struct {
	name    string // sqlite, postgres or mysql
	dialect dialect.Dialect
	driver  string // the real driver's database/sql name
	primary string
	replica string // "" when the server has none
}

// servers returns the servers whose variables are set; SQLite always runs
// on a file in a temporary directory.
func servers(b *testing.B) []server {
	out := []server{{name: "sqlite", dialect: dialect.SQLite, driver: "sqlite",
		primary: "file:" + filepath.Join(b.TempDir(), "peers.db") +
			"?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"}}
	if dsn := os.Getenv(postgresVar); dsn != "" {
		out = append(out, server{name: "postgres", dialect: dialect.Postgres, driver: "pgx",
			primary: dsn, replica: os.Getenv(postgresReplicaVar)})
	}
	if dsn := os.Getenv(mysqlVar); dsn != "" {
		out = append(out, server{name: "mysql", dialect: dialect.MySQL, driver: "mysql",
			primary: dsn, replica: os.Getenv(mysqlReplicaVar)})
	}
	if os.Getenv("CI") == "true" && len(out) < 3 {
		b.Fatalf("under CI=true %s and %s must be set", postgresVar, mysqlVar)
	}
	return out
}

// forServers runs fn as a sub-benchmark db=<name> per server.
func forServers(b *testing.B, fn func(b *testing.B, s server)) {
	for _, s := range servers(b) {
		b.Run("db="+s.name, func(b *testing.B) { fn(b, s) })
	}
}

// forReplicated runs fn as a sub-benchmark db=<name> per server with a
// replica.
func forReplicated(b *testing.B, fn func(b *testing.B, s server)) {
	for _, s := range servers(b) {
		if s.replica != "" {
			b.Run("db="+s.name, func(b *testing.B) { fn(b, s) })
		}
	}
}

// bind rewrites the ? placeholders of q as $1, $2, ... for PostgreSQL.
func (s server) bind(q string) string {
	if s.dialect != dialect.Postgres {
		return q
	}
	var sb strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			sb.WriteString("$" + strconv.Itoa(n))
			continue
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

// autoID is the column type of an auto-increment primary key.
func (s server) autoID() string {
	switch s.dialect {
	case dialect.Postgres:
		return "BIGSERIAL PRIMARY KEY"
	case dialect.MySQL:
		return "BIGINT AUTO_INCREMENT PRIMARY KEY"
	}
	return "INTEGER PRIMARY KEY"
}

// open opens dsn with the real driver, closed when b ends.
func open(b *testing.B, driverName, dsn string) *sql.DB {
	b.Helper()
	db, err := sql.Open(driverName, dsn)
	require.NoError(b, err)
	b.Cleanup(func() { db.Close() })
	require.NoError(b, db.Ping())
	return db
}

// exec runs statements on db, failing b on an error.
func exec(b *testing.B, db *sql.DB, stmts ...string) {
	b.Helper()
	for _, q := range stmts {
		_, err := db.ExecContext(context.Background(), q)
		require.NoError(b, err, q)
	}
}

// createTable creates table with the column list cols on db (the primary,
// through the real driver) after dropping a leftover, and drops it when b
// ends.
func createTable(b *testing.B, db *sql.DB, table, cols string) {
	b.Helper()
	exec(b, db, "DROP TABLE IF EXISTS "+table, "CREATE TABLE "+table+" ("+cols+")")
	b.Cleanup(func() { db.ExecContext(context.Background(), "DROP TABLE IF EXISTS "+table) })
}

// seedUsers creates peers_bench_users with seedRows rows on s's primary and,
// when s has a replica, waits until the replica has them.
func seedUsers(b *testing.B, s server) {
	b.Helper()
	db := open(b, s.driver, s.primary)
	createTable(b, db, "peers_bench_users", "id "+s.autoID()+", name VARCHAR(100) NOT NULL, email VARCHAR(100) NOT NULL")
	var sb strings.Builder
	sb.WriteString("INSERT INTO peers_bench_users (name, email) VALUES ")
	for i := range seedRows {
		if i > 0 {
			sb.WriteString(", ")
		}
		fmt.Fprintf(&sb, "('user%d', 'user%d@example.com')", i, i)
	}
	exec(b, db, sb.String())
	if s.replica != "" {
		waitRows(b, open(b, s.driver, s.replica), "peers_bench_users", seedRows)
	}
}

// waitRows waits until table on db holds n rows (a replica catching up).
func waitRows(b *testing.B, db *sql.DB, table string, n int) {
	b.Helper()
	require.Eventually(b, func() bool {
		var got int
		return db.QueryRowContext(context.Background(), "SELECT count(*) FROM "+table).Scan(&got) == nil && got == n
	}, 20*time.Second, 20*time.Millisecond, "the replica has the rows of %s", table)
}

// createWrites creates the empty table the INSERT benchmarks write to.
func createWrites(b *testing.B, s server) {
	b.Helper()
	createTable(b, open(b, s.driver, s.primary), "peers_bench_writes",
		"id "+s.autoID()+", name VARCHAR(100) NOT NULL, email VARCHAR(100) NOT NULL")
}
