package txn_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"

	"github.com/grantsql/grant/internal/testenv"
)

// backend opens databases of one dialect through its raw driver.
type backend struct {
	name string
	// open returns a database with a fresh table (id INTEGER PRIMARY KEY,
	// v INTEGER) named in the result; both go away when the test ends.
	open func(t testing.TB) (*sql.DB, string)
	ph   func(n int) string // the n-th placeholder
}

var tableSeq atomic.Int64

// uniqueTable returns a table name no other test run uses at the same time.
func uniqueTable() string {
	return fmt.Sprintf("txn_t%d_%d", time.Now().UnixNano()%1_000_000_000, tableSeq.Add(1))
}

func qmark(int) string    { return "?" }
func dollar(n int) string { return fmt.Sprintf("$%d", n) }

func sqliteBackend() backend {
	return backend{name: "sqlite", ph: qmark, open: func(t testing.TB) (*sql.DB, string) {
		dsn := "file:" + filepath.Join(t.TempDir(), "app.db") + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)"
		return openWithTable(t, "sqlite", dsn)
	}}
}

func postgresBackend() backend {
	return backend{name: "postgres", ph: dollar, open: func(t testing.TB) (*sql.DB, string) {
		return openWithTable(t, "pgx", testenv.PostgresDSN(t))
	}}
}

func mysqlBackend() backend {
	return backend{name: "mariadb", ph: qmark, open: func(t testing.TB) (*sql.DB, string) {
		return openWithTable(t, "mysql", testenv.MySQLDSN(t))
	}}
}

// extraBackends are more dialects for eachBackend: grant_test.go adds the
// same three through Grant.
var extraBackends []backend

func backends() []backend {
	return append([]backend{sqliteBackend(), postgresBackend(), mysqlBackend()}, extraBackends...)
}

// eachBackend runs f as a subtest per dialect.
func eachBackend(t *testing.T, f func(t *testing.T, b backend)) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) { f(t, b) })
	}
}

func openWithTable(t testing.TB, driver, dsn string) (*sql.DB, string) {
	t.Helper()
	db, err := sql.Open(driver, dsn)
	require.NoError(t, err)
	return withTable(t, db)
}

// withTable closes db when the test ends, after dropping the fresh table it
// creates there.
func withTable(t testing.TB, db *sql.DB) (*sql.DB, string) {
	t.Helper()
	t.Cleanup(func() { db.Close() })
	table := uniqueTable()
	_, err := db.Exec(`CREATE TABLE ` + table + ` (id INTEGER PRIMARY KEY, v INTEGER NOT NULL DEFAULT 0)`)
	require.NoError(t, err)
	t.Cleanup(func() { db.Exec(`DROP TABLE ` + table) })
	return db, table
}

// execer is what *sql.DB, *sql.Conn and *sql.Tx share.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func (b backend) insert(ctx context.Context, q execer, table string, id int) error {
	_, err := q.ExecContext(ctx, `INSERT INTO `+table+` (id, v) VALUES (`+b.ph(1)+`, `+b.ph(2)+`)`, id, id)
	return err
}

// ids returns the ids of table, in order.
func ids(t *testing.T, q execer, table string) []int {
	t.Helper()
	rows, err := q.QueryContext(context.Background(), `SELECT id FROM `+table+` ORDER BY id`)
	require.NoError(t, err)
	defer rows.Close()
	out := []int{}
	for rows.Next() {
		var id int
		require.NoError(t, rows.Scan(&id))
		out = append(out, id)
	}
	require.NoError(t, rows.Err())
	return out
}

// retryable is the tests' own retry predicate (the locking package's
// IsRetryable will be the default): PostgreSQL serialization failure and
// deadlock, MySQL/MariaDB deadlock.
func retryable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "40001" || pe.Code == "40P01"
	}
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		return me.Number == 1213
	}
	return false
}

// recorder collects what callbacks saw, safe for concurrent use.
type recorder struct{ ch chan string }

func newRecorder() *recorder { return &recorder{ch: make(chan string, 100)} }

func (r *recorder) add(s string) func(context.Context) {
	return func(context.Context) { r.ch <- s }
}

func (r *recorder) got() []string {
	out := []string{}
	for {
		select {
		case s := <-r.ch:
			out = append(out, s)
		default:
			return out
		}
	}
}
