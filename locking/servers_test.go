package locking_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"

	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/internal/lockrewrite"
	"github.com/grantsql/grant/internal/testenv"
	"github.com/grantsql/grant/locking"
)

// lockEnv is one server with a scratch table t(id, v) holding rows 1 and 2.
type lockEnv struct {
	server lockrewrite.Server
	db     *sql.DB
	table  string
}

func openEnv(t *testing.T, server lockrewrite.Server) *lockEnv {
	var driverName, dsn string
	switch server {
	case lockrewrite.Postgres:
		driverName, dsn = "pgx", testenv.PostgresDSN(t)
	case lockrewrite.MariaDB:
		driverName, dsn = "mysql", testenv.MySQLDSN(t)
	case lockrewrite.SQLite:
		driverName, dsn = "sqlite", filepath.Join(t.TempDir(), "lock.db")+"?_pragma=journal_mode(wal)&_pragma=busy_timeout(5000)"
	}
	db, err := sql.Open(driverName, dsn)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	e := &lockEnv{server: server, db: db, table: fmt.Sprintf("lk_pred_%d_%d", time.Now().UnixNano()%1e9, rand.IntN(1e6))}
	ctx := context.Background()
	_, err = db.ExecContext(ctx, "CREATE TABLE "+e.table+" (id int PRIMARY KEY, v int NOT NULL)")
	require.NoError(t, err)
	t.Cleanup(func() { db.ExecContext(context.Background(), "DROP TABLE "+e.table) })
	_, err = db.ExecContext(ctx, "INSERT INTO "+e.table+" (id, v) VALUES (1, 0), (2, 0)")
	require.NoError(t, err)
	return e
}

// conn returns a dedicated session that is rolled back and closed at the end.
func (e *lockEnv) conn(t *testing.T) *sql.Conn {
	c, err := e.db.Conn(context.Background())
	require.NoError(t, err)
	t.Cleanup(func() {
		c.ExecContext(context.Background(), "ROLLBACK")
		c.Close()
	})
	return c
}

func (e *lockEnv) exec(t *testing.T, c *sql.Conn, q string) {
	t.Helper()
	_, err := c.ExecContext(context.Background(), q)
	require.NoError(t, err, q)
}

// lockRow runs, in c's open transaction, the SELECT of row id rewritten
// for ctx's lock request, with its timeout setting around it, and returns
// the server's error.
func (e *lockEnv) lockRow(t *testing.T, c *sql.Conn, ctx context.Context, id int) error {
	r, ok := locking.FromContext(ctx)
	require.True(t, ok)
	q := "SELECT v FROM " + e.table + " WHERE id = ?"
	if e.server == lockrewrite.Postgres {
		q = "SELECT v FROM " + e.table + " WHERE id = $1"
	}
	l, err := lockrewrite.Pessimistic(e.server, analyze.Analyze(e.server.Dialect(), q), r)
	require.NoError(t, err)
	require.True(t, l.Changed, "the statement got a locking clause")
	var saved string
	if s := l.Timeout; s != nil {
		require.NoError(t, c.QueryRowContext(context.Background(), s.Save).Scan(&saved))
		e.exec(t, c, s.Set)
		defer func() {
			q, args, err := s.Restore(saved)
			require.NoError(t, err)
			c.ExecContext(context.Background(), q, args...) // fails in an aborted PostgreSQL transaction; SET LOCAL ends with it
		}()
	}
	var v int
	return c.QueryRowContext(context.Background(), l.SQL, id).Scan(&v)
}

func (e *lockEnv) begin(t *testing.T, c *sql.Conn) {
	if e.server == lockrewrite.MariaDB {
		e.exec(t, c, "START TRANSACTION")
		return
	}
	e.exec(t, c, "BEGIN")
}

var rowLockServers = []lockrewrite.Server{lockrewrite.Postgres, lockrewrite.MariaDB}

// TestServersNoWait: a NOWAIT read of a row another transaction holds fails
// at once with an error IsLockNotAvailable matches.
func TestServersNoWait(t *testing.T) {
	for _, server := range rowLockServers {
		t.Run(server.String(), func(t *testing.T) {
			t.Parallel()
			e := openEnv(t, server)
			a, b := e.conn(t), e.conn(t)
			e.begin(t, a)
			require.NoError(t, e.lockRow(t, a, locking.ForUpdate(context.Background()), 1))
			e.begin(t, b)
			start := time.Now()
			err := e.lockRow(t, b, locking.ForUpdate(context.Background(), locking.NoWait), 1)
			elapsed := time.Since(start)
			require.Error(t, err)
			require.Less(t, elapsed, 100*time.Millisecond)
			require.True(t, locking.IsLockNotAvailable(err), "%v", err)
			require.False(t, locking.IsDeadlock(err))
			require.False(t, locking.IsRetryable(err))
			if server == lockrewrite.Postgres {
				require.False(t, locking.IsLockTimeout(err), "PostgreSQL's NOWAIT is told apart from lock_timeout: %v", err)
			}
			t.Logf("%s NOWAIT failed after %v: %v", server, elapsed, err)
		})
	}
}

// TestServersLockTimeout: a read waiting for a row another transaction
// holds gives up after its timeout with an error IsLockTimeout matches.
func TestServersLockTimeout(t *testing.T) {
	for _, server := range rowLockServers {
		t.Run(server.String(), func(t *testing.T) {
			t.Parallel()
			e := openEnv(t, server)
			a, b := e.conn(t), e.conn(t)
			e.begin(t, a)
			require.NoError(t, e.lockRow(t, a, locking.ForUpdate(context.Background()), 1))
			e.begin(t, b)
			start := time.Now()
			err := e.lockRow(t, b, locking.ForShare(context.Background(), locking.Timeout(time.Second)), 1)
			elapsed := time.Since(start)
			require.Error(t, err)
			require.InDelta(t, time.Second.Seconds(), elapsed.Seconds(), 0.5, "waited about the timeout")
			require.True(t, locking.IsLockTimeout(err), "%v", err)
			require.False(t, locking.IsRetryable(err))
			if server == lockrewrite.Postgres {
				require.False(t, locking.IsLockNotAvailable(err), "PostgreSQL's lock_timeout is told apart from NOWAIT: %v", err)
			}
			t.Logf("%s lock timeout after %v: %v", server, elapsed, err)
		})
	}
}

// TestServersDeadlock: two transactions locking two rows in opposite
// orders; the server picks one as the victim, whose error IsDeadlock and
// IsRetryable match.
func TestServersDeadlock(t *testing.T) {
	for _, server := range rowLockServers {
		t.Run(server.String(), func(t *testing.T) {
			t.Parallel()
			e := openEnv(t, server)
			a, b := e.conn(t), e.conn(t)
			lock := locking.ForUpdate(context.Background())
			e.begin(t, a)
			e.begin(t, b)
			require.NoError(t, e.lockRow(t, a, lock, 1))
			require.NoError(t, e.lockRow(t, b, lock, 2))
			var wg sync.WaitGroup
			errs := make([]error, 2)
			wg.Go(func() {
				if errs[0] = e.lockRow(t, a, lock, 2); errs[0] != nil {
					a.ExecContext(context.Background(), "ROLLBACK") // the victim's locks go: b proceeds
				}
			})
			time.Sleep(100 * time.Millisecond) // a waits for b's row
			errs[1] = e.lockRow(t, b, lock, 1)
			if errs[1] != nil {
				e.exec(t, b, "ROLLBACK") // the victim's locks go: a proceeds
			}
			wg.Wait()
			victims := 0
			for _, err := range errs {
				if err != nil {
					victims++
					require.True(t, locking.IsDeadlock(err), "%v", err)
					require.True(t, locking.IsRetryable(err))
					require.False(t, locking.IsLockTimeout(err))
					t.Logf("%s deadlock: %v", server, err)
				}
			}
			require.Equal(t, 1, victims, "one transaction is the deadlock victim: %v", errs)
		})
	}
}

// TestServersSerializationFailure: a transaction that read a row at its
// snapshot and then updates it after another transaction changed it fails
// with an error IsSerializationFailure and IsRetryable match (PostgreSQL
// SERIALIZABLE; MariaDB REPEATABLE READ with innodb_snapshot_isolation).
func TestServersSerializationFailure(t *testing.T) {
	for _, server := range rowLockServers {
		t.Run(server.String(), func(t *testing.T) {
			t.Parallel()
			e := openEnv(t, server)
			a, b := e.conn(t), e.conn(t)
			if server == lockrewrite.Postgres {
				e.exec(t, a, "BEGIN ISOLATION LEVEL SERIALIZABLE")
			} else {
				e.exec(t, a, "SET SESSION innodb_snapshot_isolation = ON")
				e.exec(t, a, "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ")
				e.exec(t, a, "START TRANSACTION")
			}
			var v int
			require.NoError(t, a.QueryRowContext(context.Background(), "SELECT v FROM "+e.table+" WHERE id = 1").Scan(&v))
			e.exec(t, b, "UPDATE "+e.table+" SET v = v + 1 WHERE id = 1")
			_, err := a.ExecContext(context.Background(), "UPDATE "+e.table+" SET v = v + 10 WHERE id = 1")
			require.Error(t, err)
			require.True(t, locking.IsSerializationFailure(err), "%v", err)
			require.True(t, locking.IsRetryable(err))
			require.False(t, locking.IsDeadlock(err))
			t.Logf("%s serialization failure: %v", server, err)
		})
	}
}

// sqliteBegin begins c's transaction as Grant does for a lock request:
// BEGIN IMMEDIATE with the request's busy_timeout around it.
func sqliteBegin(t *testing.T, e *lockEnv, c *sql.Conn, r locking.Request) error {
	b, err := lockrewrite.BeginFor(lockrewrite.SQLite, r)
	require.NoError(t, err)
	ctx := context.Background()
	if s := b.Timeout; s != nil {
		var saved string
		require.NoError(t, c.QueryRowContext(ctx, s.Save).Scan(&saved))
		e.exec(t, c, s.Set)
		defer func() {
			q, args, err := s.Restore(saved)
			require.NoError(t, err)
			e.exec(t, c, q)
			require.Empty(t, args)
		}()
	}
	_, err = c.ExecContext(ctx, b.SQL)
	return err
}

// TestSQLiteLocks: a transaction begun for a lock holds the database write
// lock; another one asking for it fails at once with NoWait
// (IsLockNotAvailable) or after its timeout (IsLockTimeout), and a WAL
// transaction writing after reading an old snapshot fails with
// SQLITE_BUSY_SNAPSHOT (IsSerializationFailure).
func TestSQLiteLocks(t *testing.T) {
	e := openEnv(t, lockrewrite.SQLite)
	a, b := e.conn(t), e.conn(t)
	require.NoError(t, sqliteBegin(t, e, a, locking.Request{Strength: locking.Update}))

	start := time.Now()
	err := sqliteBegin(t, e, b, locking.Request{Strength: locking.Update, Wait: locking.FailFast})
	require.Error(t, err)
	require.Less(t, time.Since(start), 100*time.Millisecond)
	require.True(t, locking.IsLockNotAvailable(err), "%v", err)

	start = time.Now()
	err = sqliteBegin(t, e, b, locking.Request{Strength: locking.Share, Timeout: time.Second})
	elapsed := time.Since(start)
	require.Error(t, err)
	require.InDelta(t, 1, elapsed.Seconds(), 0.5)
	require.True(t, locking.IsLockTimeout(err), "%v", err)
	require.False(t, locking.IsRetryable(err))
	e.exec(t, a, "ROLLBACK")

	// BUSY_SNAPSHOT: a reads (its snapshot), b commits a write, a writes.
	e.exec(t, a, "BEGIN")
	var v int
	require.NoError(t, a.QueryRowContext(context.Background(), "SELECT v FROM "+e.table+" WHERE id = 1").Scan(&v))
	e.exec(t, b, "UPDATE "+e.table+" SET v = v + 1 WHERE id = 1")
	_, err = a.ExecContext(context.Background(), "UPDATE "+e.table+" SET v = v + 10 WHERE id = 1")
	require.Error(t, err)
	require.True(t, locking.IsSerializationFailure(err), "%v", err)
	require.True(t, locking.IsRetryable(err))
	require.False(t, locking.IsLockTimeout(err))
}
