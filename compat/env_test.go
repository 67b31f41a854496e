package compat_test

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
)

// The environment variables naming the test servers, as in the main
// module's internal/testenv (which another module cannot import).
const (
	postgresVar = "GRANT_PG_DSN"
	mysqlVar    = "GRANT_MYSQL_DSN"
)

// sqlitePragmas are the DSN parameters of every SQLite database here.
const sqlitePragmas = "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)"

// target is one dialect the compatibility tests run on.
type target struct {
	dialect dialect.Dialect
}

var targets = []target{{dialect.SQLite}, {dialect.Postgres}, {dialect.MySQL}}

// forEachDialect runs fn as a subtest per dialect.
func forEachDialect(t *testing.T, fn func(t *testing.T, tg target)) {
	for _, tg := range targets {
		t.Run(tg.dialect.String(), func(t *testing.T) { fn(t, tg) })
	}
}

// need returns the value of the server variable name; when it is unset the
// test is skipped, or fails under CI=true.
func need(t testing.TB, name string) string {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set: under CI=true every test server must be running (see .ci/run)", name)
		}
		t.Skipf("%s is not set: start the test servers with `bash .ci/run` to run this test", name)
	}
	return v
}

// dsn returns the DSN of the shared test database of tg's server; for
// SQLite, a new file in a temporary directory.
func (tg target) dsn(t testing.TB) string {
	t.Helper()
	switch tg.dialect {
	case dialect.Postgres:
		return need(t, postgresVar)
	case dialect.MySQL:
		return withParseTime(need(t, mysqlVar))
	default:
		return "file:" + filepath.Join(t.TempDir(), "compat.db") + sqlitePragmas
	}
}

// withParseTime makes go-sql-driver/mysql scan DATETIME into time.Time.
func withParseTime(dsn string) string {
	if strings.Contains(dsn, "parseTime=") {
		return dsn
	}
	if strings.Contains(dsn, "?") {
		return dsn + "&parseTime=true"
	}
	return dsn + "?parseTime=true"
}

// open opens a one-database Grant cluster on dsn, closed when t ends.
func (tg target) open(t testing.TB, dsn string) *sql.DB {
	t.Helper()
	c, err := grant.NewConnector(&grant.Config{
		Dialect:   tg.dialect,
		Databases: map[string]*config.Database{"main": {Primary: dsn}},
	})
	require.NoError(t, err)
	db := sql.OpenDB(c)
	t.Cleanup(func() { db.Close() })
	require.NoError(t, db.Ping())
	return db
}

// isolated creates the database name on tg's server (dropping a leftover of
// an earlier run first), drops it when t ends, and returns its DSN. For
// SQLite it returns a new file.
func (tg target) isolated(t testing.TB, name string) string {
	t.Helper()
	base := tg.dsn(t)
	if tg.dialect == dialect.SQLite {
		return base
	}
	ctx := context.Background()
	admin := tg.open(t, base)
	drop := "DROP DATABASE IF EXISTS " + name
	if tg.dialect == dialect.Postgres {
		drop += " WITH (FORCE)"
	}
	_, err := admin.ExecContext(ctx, drop)
	require.NoError(t, err)
	create := "CREATE DATABASE " + name
	if tg.dialect == dialect.Postgres {
		// template0 never has sessions, which would make the copy fail.
		create += " TEMPLATE template0"
	}
	_, err = admin.ExecContext(ctx, create)
	require.NoError(t, err)
	// Cleanups run last-registered first: this one runs after the
	// connections to the new database are closed.
	t.Cleanup(func() {
		if _, err := admin.ExecContext(ctx, drop); err != nil {
			t.Errorf("dropping database %s: %v", name, err)
		}
	})
	if tg.dialect == dialect.Postgres {
		return withPostgresDatabase(t, base, name)
	}
	return withMySQLDatabase(base, name)
}

var pgDBName = regexp.MustCompile(`(^|\s)dbname=\S*`)

// withPostgresDatabase rewrites the database of a pgx URL or keyword DSN.
func withPostgresDatabase(t testing.TB, dsn, name string) string {
	if strings.Contains(dsn, "://") {
		u, err := url.Parse(dsn)
		require.NoError(t, err)
		u.Path = "/" + name
		return u.String()
	}
	if pgDBName.MatchString(dsn) {
		return pgDBName.ReplaceAllString(dsn, "${1}dbname="+name)
	}
	return dsn + " dbname=" + name
}

// withMySQLDatabase rewrites the database of a go-sql-driver/mysql DSN,
// user:pw@tcp(host:port)/db?params: what follows the last '/'.
func withMySQLDatabase(dsn, name string) string {
	params := ""
	if i := strings.LastIndexByte(dsn, '?'); i > strings.LastIndexByte(dsn, '/') {
		dsn, params = dsn[:i], dsn[i:]
	}
	return dsn[:strings.LastIndexByte(dsn, '/')+1] + name + params
}

// table creates a table with ddl ("CREATE TABLE name (...)") after dropping
// any leftover of an earlier run, and drops it when t ends.
func table(t testing.TB, db *sql.DB, name, ddl string) {
	t.Helper()
	ctx := context.Background()
	_, err := db.ExecContext(ctx, "DROP TABLE IF EXISTS "+name)
	require.NoError(t, err)
	_, err = db.ExecContext(ctx, ddl)
	require.NoError(t, err)
	t.Cleanup(func() {
		if _, err := db.ExecContext(ctx, "DROP TABLE IF EXISTS "+name); err != nil {
			t.Errorf("dropping table %s: %v", name, err)
		}
	})
}

// bind rewrites ? placeholders as $1, $2, ... for PostgreSQL. The queries
// here have no '?' inside literals.
func (tg target) bind(q string) string {
	if tg.dialect != dialect.Postgres {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func TestDSNRewrite(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://u:p@127.0.0.1:5432/grant_test?sslmode=disable": "postgres://u:p@127.0.0.1:5432/x?sslmode=disable",
		"host=127.0.0.1 dbname=grant_test user=u":                  "host=127.0.0.1 dbname=x user=u",
		"host=127.0.0.1 user=u":                                    "host=127.0.0.1 user=u dbname=x",
	} {
		require.Equal(t, want, withPostgresDatabase(t, in, "x"), in)
	}
	for in, want := range map[string]string{
		"u:p@tcp(127.0.0.1:3306)/grant_test?parseTime=true": "u:p@tcp(127.0.0.1:3306)/x?parseTime=true",
		"u:p@tcp(127.0.0.1:3306)/grant_test":                "u:p@tcp(127.0.0.1:3306)/x",
		"u:p/q@tcp(127.0.0.1:3306)/":                        "u:p/q@tcp(127.0.0.1:3306)/x",
	} {
		require.Equal(t, want, withMySQLDatabase(in, "x"), in)
	}
	require.Equal(t, "u@/d?a=1&parseTime=true", withParseTime("u@/d?a=1"))
	require.Equal(t, "u@/d?parseTime=true", withParseTime("u@/d"))
}
