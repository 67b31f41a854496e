package testenv

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/grantsql/grant/dialect"
)

// Database creates the database name on the server of adminDSN (dropping a
// leftover of an earlier run first), drops it when t ends, after every
// connection the test opened to it is closed, and returns its DSN: adminDSN
// with its database replaced. For SQLite it returns a new file in
// t.TempDir(). The caller's program must have registered d's driver.
func Database(t testing.TB, d dialect.Dialect, adminDSN, name string) string {
	t.Helper()
	if d == dialect.SQLite {
		return "file:" + filepath.Join(t.TempDir(), name+".db") + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)"
	}
	ctx := context.Background()
	admin, err := sql.Open(d.DriverName(), adminDSN)
	if err != nil {
		t.Fatalf("testenv: opening %s: %v", d, err)
	}
	drop, create := "DROP DATABASE IF EXISTS "+name, "CREATE DATABASE "+name
	if d == dialect.Postgres {
		drop += " WITH (FORCE)"
		create += " TEMPLATE template0" // template0 never has sessions
	}
	if err := dropDatabase(ctx, admin, drop); err != nil {
		admin.Close()
		t.Fatalf("testenv: %s: %v", drop, err)
	}
	if _, err := admin.ExecContext(ctx, create); err != nil {
		admin.Close()
		t.Fatalf("testenv: %s: %v", create, err)
	}
	// Cleanups run last-registered first: this one runs after those closing
	// the connections the test opens to the new database.
	t.Cleanup(func() {
		defer admin.Close()
		if err := dropDatabase(ctx, admin, drop); err != nil {
			t.Errorf("testenv: dropping database %s: %v", name, err)
		}
	})
	return WithDatabase(t, d, adminDSN, name)
}

// dropDatabase runs drop, again while PostgreSQL refuses it for a process
// the test's role may not end: DROP DATABASE .. WITH (FORCE) fails with
// 42501 when an autovacuum worker (which has no role) is at work in the
// database, and such a worker soon ends.
func dropDatabase(ctx context.Context, admin *sql.DB, drop string) error {
	var err error
	for range 50 {
		var pe *pgconn.PgError
		if _, err = admin.ExecContext(ctx, drop); !errors.As(err, &pe) || pe.Code != "42501" {
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
	return err
}

var pgDBName = regexp.MustCompile(`(^|\s)dbname\s*=\s*\S*`)

// WithDatabase returns dsn, a DSN of d's driver, naming database name.
func WithDatabase(t testing.TB, d dialect.Dialect, dsn, name string) string {
	t.Helper()
	if d == dialect.Postgres {
		if strings.Contains(dsn, "://") {
			u, err := url.Parse(dsn)
			if err != nil {
				t.Fatalf("testenv: parsing the PostgreSQL URL: %v", err)
			}
			u.Path = "/" + name
			return u.String()
		}
		if pgDBName.MatchString(dsn) {
			return pgDBName.ReplaceAllString(dsn, "${1}dbname="+name)
		}
		return dsn + " dbname=" + name
	}
	// go-sql-driver/mysql: user:pw@tcp(host)/db?params
	base, params := dsn, ""
	if i := strings.LastIndexByte(base, '?'); i > strings.LastIndexByte(base, '/') {
		base, params = base[:i], base[i:]
	}
	return base[:strings.LastIndexByte(base, '/')+1] + name + params
}
