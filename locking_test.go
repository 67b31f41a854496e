package grant_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/locking"
	"github.com/grantsql/grant/txn"
)

// openLocking opens tg's one-database cluster with lock_version as every
// table's version column.
func openLocking(t *testing.T, tg target) *sql.DB {
	t.Helper()
	c, err := grant.NewConnector(&grant.Config{Dialect: tg.d,
		Databases: map[string]*config.Database{"main": {Primary: tg.primary}},
		Locking:   &locking.Config{VersionColumn: "lock_version"}})
	require.NoError(t, err)
	db := sql.OpenDB(c)
	t.Cleanup(func() { db.Close() })
	return db
}

// bind rewrites ? placeholders as tg's.
func (tg target) bind(q string) string {
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString(tg.ph(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// A SKIP LOCKED job queue: 8 workers take jobs one at a time, each in a
// transaction that locks the first job not done; every one of 300 jobs runs
// exactly once.
func TestLockingSkipLockedQueue(t *testing.T) {
	forEachDialect(t, func(t *testing.T, tg target) {
		db := openLocking(t, tg)
		ctx := context.Background()
		if tg.d == dialect.SQLite {
			tx, err := db.BeginTx(locking.ForUpdate(ctx, locking.SkipLocked), nil)
			require.Error(t, err, "SQLite has no row locks to skip")
			assert.ErrorIs(t, err, locking.ErrCannotLock)
			assert.Nil(t, tx)
			return
		}
		jobs := tg.table(t, db, "lk_jobs", "id INT PRIMARY KEY, done INT NOT NULL")
		runs := tg.table(t, db, "lk_runs", "job INT NOT NULL, worker INT NOT NULL")
		var values []string
		for i := 1; i <= 300; i++ {
			values = append(values, fmt.Sprintf("(%d, 0)", i))
		}
		_, err := db.Exec("INSERT INTO " + jobs + " VALUES " + strings.Join(values, ", "))
		require.NoError(t, err)

		take := locking.ForUpdate(ctx, locking.SkipLocked)
		work := func(w int) (bool, error) {
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				return false, err
			}
			defer tx.Rollback()
			var id int
			err = tx.QueryRowContext(take, "SELECT id FROM "+jobs+" WHERE done = 0 ORDER BY id LIMIT 1").Scan(&id)
			if errors.Is(err, sql.ErrNoRows) {
				return false, tx.Commit()
			}
			if err != nil {
				return false, err
			}
			if _, err := tx.ExecContext(ctx, tg.bind("INSERT INTO "+runs+" VALUES (?, ?)"), id, w); err != nil {
				return false, err
			}
			if _, err := tx.ExecContext(ctx, tg.bind("UPDATE "+jobs+" SET done = 1 WHERE id = ?"), id); err != nil {
				return false, err
			}
			return true, tx.Commit()
		}
		var wg sync.WaitGroup
		perWorker := make([]int, 8)
		errc := make(chan error, 8)
		for w := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					more, err := work(w)
					if err != nil {
						errc <- fmt.Errorf("worker %d: %w", w, err)
						return
					}
					if !more {
						return
					}
					perWorker[w]++
				}
			}()
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			t.Error(err)
		}
		var total, distinct int
		require.NoError(t, db.QueryRow("SELECT COUNT(*), COUNT(DISTINCT job) FROM "+runs).Scan(&total, &distinct))
		assert.Equal(t, 300, total, "runs")
		assert.Equal(t, 300, distinct, "jobs run")
		busy := 0
		for _, n := range perWorker {
			if n > 0 {
				busy++
			}
		}
		t.Logf("jobs per worker: %v", perWorker)
		assert.Greater(t, busy, 1, "the workers share the queue")
	})
}

// holdLock locks row id of table in a transaction of its own and returns
// the function that releases it.
func holdLock(t *testing.T, tg target, db *sql.DB, table string, id int) func() {
	t.Helper()
	ctx := context.Background()
	tx, err := db.BeginTx(locking.ForUpdate(ctx), nil)
	require.NoError(t, err)
	var v int
	require.NoError(t, tx.QueryRowContext(locking.ForUpdate(ctx), tg.bind("SELECT v FROM "+table+" WHERE id = ?"), id).Scan(&v))
	return func() { require.NoError(t, tx.Rollback()) }
}

// NOWAIT on a locked row fails at once with IsLockNotAvailable; Timeout(1s)
// waits about a second and fails with IsLockTimeout. The connection's own
// lock timeout is back afterwards.
func TestLockingNoWaitAndTimeout(t *testing.T) {
	forEachDialect(t, func(t *testing.T, tg target) {
		db := openLocking(t, tg)
		ctx := context.Background()
		tbl := tg.table(t, db, "lk_wait", "id INT PRIMARY KEY, v INT NOT NULL")
		_, err := db.Exec("INSERT INTO " + tbl + " VALUES (1, 10), (2, 20)")
		require.NoError(t, err)
		release := holdLock(t, tg, db, tbl, 1)
		defer release()

		try := func(lctx context.Context) (time.Duration, error) {
			start := time.Now()
			tx, err := db.BeginTx(lctx, nil)
			if err != nil {
				return time.Since(start), err
			}
			defer tx.Rollback()
			var v int
			err = tx.QueryRowContext(lctx, tg.bind("SELECT v FROM "+tbl+" WHERE id = ?"), 1).Scan(&v)
			return time.Since(start), err
		}
		took, err := try(locking.ForUpdate(ctx, locking.NoWait))
		require.Error(t, err)
		assert.True(t, locking.IsLockNotAvailable(err), "NOWAIT: %v", err)
		assert.False(t, locking.IsRetryable(err))
		t.Logf("NOWAIT failed after %v: %v", took, err)
		assert.Less(t, took, time.Second)

		took, err = try(locking.ForUpdate(ctx, locking.Timeout(time.Second)))
		require.Error(t, err)
		assert.True(t, locking.IsLockTimeout(err), "Timeout(1s): %v", err)
		t.Logf("Timeout(1s) failed after %v: %v", took, err)
		assert.GreaterOrEqual(t, took, 900*time.Millisecond)
		assert.Less(t, took, 10*time.Second)

		if tg.d != dialect.SQLite {
			// An unlocked row is locked and read with the same request.
			tx, err := db.BeginTx(ctx, nil)
			require.NoError(t, err)
			var v int
			require.NoError(t, tx.QueryRowContext(locking.ForUpdate(ctx, locking.Timeout(time.Second)),
				tg.bind("SELECT v FROM "+tbl+" WHERE id = ?"), 2).Scan(&v))
			assert.Equal(t, 20, v)
			require.NoError(t, tx.Commit())
		}
	})
}

// The lock timeout set around a statement is restored after it: the next
// statement of the transaction waits as long as the session's setting says.
func TestLockingTimeoutRestored(t *testing.T) {
	forEachDialect(t, func(t *testing.T, tg target) {
		if tg.d != dialect.Postgres {
			t.Skip("PostgreSQL sets lock_timeout around the statement; MariaDB's WAIT n is part of the clause; SQLite's is at BEGIN")
		}
		db := openLocking(t, tg)
		ctx := context.Background()
		tbl := tg.table(t, db, "lk_restore", "id INT PRIMARY KEY, v INT NOT NULL")
		_, err := db.Exec("INSERT INTO " + tbl + " VALUES (1, 10)")
		require.NoError(t, err)
		tx, err := db.BeginTx(ctx, nil)
		require.NoError(t, err)
		defer tx.Rollback()
		var before, after string
		require.NoError(t, tx.QueryRowContext(ctx, "SHOW lock_timeout").Scan(&before))
		rows, err := tx.QueryContext(locking.ForUpdate(ctx, locking.Timeout(1500*time.Millisecond)), "SELECT v FROM "+tbl)
		require.NoError(t, err)
		require.NoError(t, rows.Close())
		require.NoError(t, tx.QueryRowContext(ctx, "SHOW lock_timeout").Scan(&after))
		assert.Equal(t, before, after)
	})
}

// Locking reads are refused before reaching a server where their locks
// would mean nothing: outside a transaction, in a READ ONLY one, and for
// statements that cannot take a locking clause.
func TestLockingRefusals(t *testing.T) {
	forEachDialect(t, func(t *testing.T, tg target) {
		db := openLocking(t, tg)
		ctx := context.Background()
		tbl := tg.table(t, db, "lk_refuse", "id INT PRIMARY KEY, v INT NOT NULL")
		lctx := locking.ForUpdate(ctx)

		_, err := db.QueryContext(lctx, "SELECT v FROM "+tbl)
		require.ErrorIs(t, err, locking.ErrLockOutsideTx)
		assert.Contains(t, err.Error(), "SELECT v FROM "+tbl)

		tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
		require.NoError(t, err)
		_, err = tx.QueryContext(lctx, "SELECT v FROM "+tbl)
		require.ErrorIs(t, err, locking.ErrCannotLock)
		require.NoError(t, tx.Rollback())

		if tg.d == dialect.SQLite {
			// A transaction not begun with the lock holds no write lock.
			tx, err := db.BeginTx(ctx, nil)
			require.NoError(t, err)
			_, err = tx.QueryContext(lctx, "SELECT v FROM "+tbl)
			require.ErrorIs(t, err, locking.ErrCannotLock)
			assert.Contains(t, err.Error(), "SELECT v FROM "+tbl)
			require.NoError(t, tx.Rollback())
			return
		}
		tx, err = db.BeginTx(ctx, nil)
		require.NoError(t, err)
		defer tx.Rollback()
		refused := []string{
			"SELECT v FROM " + tbl + " UNION SELECT id FROM " + tbl,
			"SELECT v FROM " + tbl + " FOR UPDATE",
		}
		if tg.d == dialect.Postgres {
			// PostgreSQL cannot lock the rows of an aggregate; MySQL locks
			// the rows it reads.
			refused = append(refused, "SELECT COUNT(*) FROM "+tbl, "SELECT DISTINCT v FROM "+tbl)
		}
		for _, q := range refused {
			_, err := tx.QueryContext(lctx, q)
			require.ErrorIs(t, err, locking.ErrCannotLock, q)
			assert.Contains(t, err.Error(), q)
		}
		// Statements other than SELECT run unchanged under a lock request.
		_, err = tx.ExecContext(lctx, "UPDATE "+tbl+" SET v = v + 1")
		require.NoError(t, err)
	})
}

// Two transactions lock two rows in opposite orders: the server breaks the
// deadlock by failing one with IsDeadlock (retryable), and txn.Run's retry
// then completes both.
func TestLockingDeadlockRetried(t *testing.T) {
	forEachDialect(t, func(t *testing.T, tg target) {
		if tg.d == dialect.SQLite {
			t.Skip("SQLite has one write lock per database: no deadlock between row locks")
		}
		db := openLocking(t, tg)
		ctx := context.Background()
		tbl := tg.table(t, db, "lk_dead", "id INT PRIMARY KEY, v INT NOT NULL")
		_, err := db.Exec("INSERT INTO " + tbl + " VALUES (1, 0), (2, 0)")
		require.NoError(t, err)

		var deadlocks atomic.Int32
		var first sync.WaitGroup // both hold their first lock before taking the second
		first.Add(2)
		var once [2]sync.Once
		lock := func(ctx context.Context, tx *sql.Tx, id int) error {
			var v int
			return tx.QueryRowContext(locking.ForUpdate(ctx), tg.bind("SELECT v FROM "+tbl+" WHERE id = ?"), id).Scan(&v)
		}
		side := func(g, a, b int) error {
			attempt := 0
			return txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
				attempt++
				if err := lock(ctx, tx, a); err != nil {
					return err
				}
				once[g].Do(first.Done)
				if attempt == 1 {
					first.Wait()
				}
				if err := lock(ctx, tx, b); err != nil {
					if locking.IsDeadlock(err) {
						deadlocks.Add(1)
						assert.True(t, locking.IsRetryable(err))
					}
					return err
				}
				_, err := tx.ExecContext(ctx, tg.bind("UPDATE "+tbl+" SET v = v + 1 WHERE id IN (?, ?)"), a, b)
				return err
			}, txn.Retries(5))
		}
		var wg sync.WaitGroup
		errs := make([]error, 2)
		wg.Add(2)
		go func() { defer wg.Done(); errs[0] = side(0, 1, 2) }()
		go func() { defer wg.Done(); errs[1] = side(1, 2, 1) }()
		wg.Wait()
		require.NoError(t, errs[0])
		require.NoError(t, errs[1])
		assert.GreaterOrEqual(t, deadlocks.Load(), int32(1), "a deadlock was provoked")
		var sum int
		require.NoError(t, db.QueryRow("SELECT SUM(v) FROM "+tbl).Scan(&sum))
		assert.Equal(t, 4, sum, "both sides committed once")
	})
}

// 12 goroutines increment one counter 10 times each with optimistic
// locking: a stale read is retried, and the counter ends at exactly 120.
func TestLockingExpectVersionCounter(t *testing.T) {
	forEachDialect(t, func(t *testing.T, tg target) {
		db := openLocking(t, tg)
		ctx := context.Background()
		tbl := tg.table(t, db, "lk_counter", "id INT PRIMARY KEY, v INT NOT NULL, lock_version BIGINT NOT NULL")
		_, err := db.Exec("INSERT INTO " + tbl + " VALUES (1, 0, 0)")
		require.NoError(t, err)

		var stale atomic.Int32
		increment := func() error {
			for {
				var v int
				var version int64
				if err := db.QueryRowContext(ctx, "SELECT v, lock_version FROM "+tbl+" WHERE id = 1").Scan(&v, &version); err != nil {
					return err
				}
				res, err := db.ExecContext(locking.ExpectVersion(ctx, version), tg.bind("UPDATE "+tbl+" SET v = ? WHERE id = 1"), v+1)
				var se *locking.StaleObjectError
				switch {
				case errors.As(err, &se):
					stale.Add(1)
					if se.Version != version || !strings.Contains(se.Table, "lk_counter") {
						return fmt.Errorf("stale object error %+v for version %d", se, version)
					}
					continue
				case locking.IsRetryable(err) || locking.IsLockTimeout(err):
					continue // SQLite: another writer held the database
				case err != nil:
					return err
				}
				if n, _ := res.RowsAffected(); n != 1 {
					return fmt.Errorf("%d rows affected", n)
				}
				return nil
			}
		}
		var wg sync.WaitGroup
		errc := make(chan error, 12)
		for range 12 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 10 {
					if err := increment(); err != nil {
						errc <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			t.Error(err)
		}
		var v int
		var version int64
		require.NoError(t, db.QueryRow("SELECT v, lock_version FROM "+tbl+" WHERE id = 1").Scan(&v, &version))
		assert.Equal(t, 120, v)
		assert.Equal(t, int64(120), version)
		t.Logf("stale objects seen: %d", stale.Load())
		assert.Positive(t, stale.Load(), "concurrent increments saw stale objects")
	})
}

// An UPDATE .. RETURNING and a DELETE check the version too; a SELECT runs
// unchanged.
func TestLockingExpectVersionShapes(t *testing.T) {
	forEachDialect(t, func(t *testing.T, tg target) {
		db := openLocking(t, tg)
		ctx := context.Background()
		tbl := tg.table(t, db, "lk_shapes", "id INT PRIMARY KEY, v INT NOT NULL, lock_version BIGINT NOT NULL")
		_, err := db.Exec("INSERT INTO " + tbl + " VALUES (1, 0, 3), (2, 0, 7)")
		require.NoError(t, err)

		if tg.d != dialect.MySQL {
			var v int
			err := db.QueryRowContext(locking.ExpectVersion(ctx, 3), "UPDATE "+tbl+" SET v = 5 WHERE id = 1 RETURNING v").Scan(&v)
			require.NoError(t, err)
			assert.Equal(t, 5, v)
			err = db.QueryRowContext(locking.ExpectVersion(ctx, 3), "UPDATE "+tbl+" SET v = 6 WHERE id = 1 RETURNING v").Scan(&v)
			require.ErrorIs(t, err, locking.ErrStaleObject)
		}
		_, err = db.ExecContext(locking.ExpectVersion(ctx, 6), tg.bind("DELETE FROM "+tbl+" WHERE id = ?"), 2)
		require.ErrorIs(t, err, locking.ErrStaleObject)
		res, err := db.ExecContext(locking.ExpectVersion(ctx, 7), tg.bind("DELETE FROM "+tbl+" WHERE id = ?"), 2)
		require.NoError(t, err)
		n, _ := res.RowsAffected()
		assert.EqualValues(t, 1, n)

		// A SELECT under an expected version runs unchanged.
		var count int
		require.NoError(t, db.QueryRowContext(locking.ExpectVersion(ctx, 1), "SELECT COUNT(*) FROM "+tbl).Scan(&count))
		assert.Equal(t, 1, count)
	})
}

// A locking read on several shards, inside a transaction, locks every
// shard's rows; transactions that each lock all the shards' rows and then
// write to all of them (a two-phase commit) never deadlock, since the
// shards are locked in one order.
func TestLockingFanOutInTransaction(t *testing.T) {
	forEachDialect(t, func(t *testing.T, tg target) {
		if tg.d == dialect.SQLite {
			t.Skip("SQLite has no row locks; a sharded SQLite transaction locks each database at BEGIN IMMEDIATE")
		}
		sc := newShardCluster(t, tg, 2)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		_, err := sc.db.ExecContext(ctx, "CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT NOT NULL, total INT NOT NULL)")
		require.NoError(t, err)
		for c := range 8 {
			_, err := sc.db.ExecContext(ctx, tg.bind("INSERT INTO orders (id, customer_id, total) VALUES (?, ?, 0)"), c+1, c)
			require.NoError(t, err)
		}

		tx1, err := sc.db.BeginTx(ctx, nil)
		require.NoError(t, err)
		rows, err := tx1.QueryContext(locking.ForUpdate(ctx), "SELECT id FROM orders ORDER BY id")
		require.NoError(t, err)
		n := 0
		for rows.Next() {
			n++
		}
		require.NoError(t, rows.Err())
		assert.Equal(t, 8, n)
		for _, customer := range []int{0, 1} { // one on each shard
			tx2, err := sc.db.BeginTx(ctx, nil)
			require.NoError(t, err)
			var id int
			err = tx2.QueryRowContext(locking.ForUpdate(ctx, locking.NoWait),
				tg.bind("SELECT id FROM orders WHERE customer_id = ?"), customer).Scan(&id)
			assert.True(t, locking.IsLockNotAvailable(err), "customer %d: %v", customer, err)
			require.NoError(t, tx2.Rollback())
		}
		require.NoError(t, tx1.Rollback())

		var wg sync.WaitGroup
		errc := make(chan error, 4)
		for g := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 10 {
					err := txn.Run(ctx, sc.db, func(ctx context.Context, tx *sql.Tx) error {
						rows, err := tx.QueryContext(locking.ForUpdate(ctx), "SELECT id, total FROM orders ORDER BY id")
						if err != nil {
							return err
						}
						if err := rows.Close(); err != nil {
							return err
						}
						_, err = tx.ExecContext(ctx, "UPDATE orders SET total = total + 1")
						return err
					})
					if err != nil {
						errc <- fmt.Errorf("goroutine %d, round %d: %w", g, i, err)
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			t.Error(err)
		}
		var sum int
		require.NoError(t, sc.db.QueryRowContext(ctx, "SELECT SUM(total) FROM orders").Scan(&sum))
		assert.Equal(t, 8*40, sum)
	})
}
