package txn_test

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

	"github.com/go-sql-driver/mysql"
	"github.com/grantsql/grant/locking"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/txn"
)

var errRetry = errors.New("try again")

func isErrRetry(err error) bool { return errors.Is(err, errRetry) }

func TestRetryRerunsTheWholeTransaction(t *testing.T) {
	ctx := context.Background()
	b := sqliteBackend()
	db, table := b.open(t)
	rec := newRecorder()
	attempts := 0
	err := txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
		attempts++
		n := attempts
		txn.AfterCommit(ctx, rec.add(fmt.Sprint("commit ", n)))
		txn.AfterRollback(ctx, rec.add(fmt.Sprint("rollback ", n)))
		require.NoError(t, b.insert(ctx, tx, table, n))
		if n < 3 {
			return fmt.Errorf("attempt %d: %w", n, errRetry)
		}
		return nil
	}, txn.Retries(5), txn.RetryOn(isErrRetry), txn.Backoff(time.Millisecond, 5*time.Millisecond))
	require.NoError(t, err)
	assert.Equal(t, 3, attempts)
	assert.Equal(t, []int{3}, ids(t, db, table), "only the last attempt's work")
	assert.Equal(t, []string{"rollback 1", "rollback 2", "commit 3"}, rec.got(),
		"a failed attempt drops its AfterCommit callbacks and runs its AfterRollback ones")
}

func TestRetriesUsedUp(t *testing.T) {
	ctx := context.Background()
	db, _ := sqliteBackend().open(t)
	attempts := 0
	err := txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
		attempts++
		return errRetry
	}, txn.Retries(2), txn.RetryOn(isErrRetry), txn.Backoff(0, 0))
	var re *txn.RetryError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 3, re.Attempts)
	assert.Equal(t, 3, attempts)
	assert.NoError(t, re.Stopped)
	assert.ErrorIs(t, err, errRetry)
	assert.Equal(t, "txn: giving up after 3 attempts: try again", err.Error())
}

func TestOnlyRetryableErrorsAreRetried(t *testing.T) {
	ctx := context.Background()
	db, _ := sqliteBackend().open(t)
	attempts := 0
	err := txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
		attempts++
		return errBoom
	}, txn.Retries(5), txn.RetryOn(isErrRetry))
	assert.Same(t, errBoom, err)
	assert.Equal(t, 1, attempts)
}

func TestNoRetriesUnlessAsked(t *testing.T) {
	ctx := context.Background()
	db, _ := sqliteBackend().open(t)
	attempts := 0
	err := txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
		attempts++
		return errRetry
	}, txn.RetryOn(isErrRetry))
	assert.Same(t, errRetry, err)
	assert.Equal(t, 1, attempts)
}

func TestOnlyTheOutermostRunRetries(t *testing.T) {
	ctx := context.Background()
	db, _ := sqliteBackend().open(t)
	outer, inner := 0, 0
	err := txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
		outer++
		return txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
			inner++
			if outer == 1 {
				return errRetry
			}
			return nil
		}, txn.Retries(10), txn.RetryOn(isErrRetry))
	}, txn.Retries(3), txn.RetryOn(isErrRetry), txn.Backoff(0, 0))
	require.NoError(t, err)
	assert.Equal(t, 2, outer)
	assert.Equal(t, 2, inner, "the nested Run ran once per attempt")
}

func TestBackoffEndsWithTheContext(t *testing.T) {
	db, _ := sqliteBackend().open(t)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
		return errRetry
	}, txn.Retries(3), txn.RetryOn(isErrRetry), txn.Backoff(time.Hour, time.Hour))
	assert.Less(t, time.Since(start), 10*time.Second)
	var re *txn.RetryError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 1, re.Attempts)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.ErrorIs(t, err, errRetry)
}

// The predicate sees COMMIT's error too.
func TestCommitErrorsGoThroughThePredicate(t *testing.T) {
	db, _ := sqliteBackend().open(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var seen []error
	err := txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
		cancel()
		return nil
	}, txn.Retries(3), txn.RetryOn(func(err error) bool {
		seen = append(seen, err)
		return true
	}))
	require.Len(t, seen, 1)
	assert.True(t, errors.Is(seen[0], context.Canceled) || errors.Is(seen[0], sql.ErrTxDone), "%v", seen[0])
	var re *txn.RetryError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, context.Canceled, re.Stopped, "the canceled context stops the retries")
}

func TestDefaultRetryable(t *testing.T) {
	assert.True(t, txn.DefaultRetryable(&pgconn.PgError{Code: "40001"}))
	assert.True(t, txn.DefaultRetryable(fmt.Errorf("wrapped: %w", &pgconn.PgError{Code: "40P01"})))
	assert.False(t, txn.DefaultRetryable(&pgconn.PgError{Code: "23505"}))
	assert.False(t, txn.DefaultRetryable(errBoom))
	assert.False(t, txn.DefaultRetryable(nil))
	// MySQL and MariaDB deadlocks, through locking.IsRetryable.
	assert.True(t, txn.DefaultRetryable(&mysql.MySQLError{Number: 1213}))
	assert.True(t, txn.DefaultRetryable(fmt.Errorf("grant: %w", locking.ErrStaleObject)))
	assert.False(t, txn.DefaultRetryable(&mysql.MySQLError{Number: 1062}))
}

// A PostgreSQL REPEATABLE READ transaction that updates a row another
// transaction changed after its snapshot fails with 40001; the retry, in a
// new snapshot, succeeds. The default predicate recognises it.
func TestPostgresSerializationFailureIsRetried(t *testing.T) {
	for _, b := range serverBackends() {
		if strings.HasSuffix(b.name, "postgres") {
			t.Run(b.name, func(t *testing.T) { testSerializationFailure(t, b) })
		}
	}
}

func testSerializationFailure(t *testing.T, b backend) {
	ctx := context.Background()
	db, table := b.open(t)
	require.NoError(t, b.insert(ctx, db, table, 1)) // v = 1
	attempts := 0
	var firstErr error
	err := txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
		attempts++
		var v int
		require.NoError(t, tx.QueryRowContext(ctx, `SELECT v FROM `+table+` WHERE id = 1`).Scan(&v))
		if attempts == 1 { // a concurrent update, committed after the snapshot
			_, err := db.ExecContext(txn.Detach(ctx), `UPDATE `+table+` SET v = v + 100 WHERE id = 1`)
			require.NoError(t, err)
		}
		_, err := tx.ExecContext(ctx, `UPDATE `+table+` SET v = $1 WHERE id = 1`, v+10)
		if attempts == 1 {
			firstErr = err
		}
		return err
	}, txn.Isolation(sql.LevelRepeatableRead), txn.Retries(3), txn.Backoff(time.Millisecond, 10*time.Millisecond))
	require.NoError(t, err)
	assert.Equal(t, "40001", pgCode(firstErr), "%v", firstErr)
	assert.Equal(t, 2, attempts)
	var v int
	require.NoError(t, db.QueryRow(`SELECT v FROM `+table+` WHERE id = 1`).Scan(&v))
	assert.Equal(t, 111, v, "the retry read the concurrent update")
}

// deadlock runs two transactions that lock rows 1 and 2 in opposite orders,
// both past their first lock before either takes its second, so the server
// must abort one of them. With nested, the second lock is taken inside a
// nested Run. It returns each Run's error, the attempts made and the final
// values of rows 1 and 2 (inserted as 1 and 2, each bump adds 1).
func deadlock(t *testing.T, b backend, nested bool, opts ...txn.Option) (errs [2]error, attempts int64, final [2]int) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, table := b.open(t)
	require.NoError(t, b.insert(ctx, db, table, 1))
	require.NoError(t, b.insert(ctx, db, table, 2))
	var n atomic.Int64
	var both sync.WaitGroup
	both.Add(2)
	var wg sync.WaitGroup
	for i := range 2 {
		first, second := 1+i, 2-i
		wg.Add(1)
		go func() {
			defer wg.Done()
			firstAttempt := true
			errs[i] = txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
				n.Add(1)
				bump := func(ctx context.Context, tx *sql.Tx, id int) error {
					_, err := tx.ExecContext(ctx, `UPDATE `+table+` SET v = v + 1 WHERE id = `+b.ph(1), id)
					return err
				}
				if err := bump(ctx, tx, first); err != nil {
					return err
				}
				if firstAttempt {
					firstAttempt = false
					both.Done()
					both.Wait()
				}
				if !nested {
					return bump(ctx, tx, second)
				}
				err := txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
					return bump(ctx, tx, second)
				})
				if err != nil && opts == nil {
					return nil // swallowed: the enclosing function goes on
				}
				return err
			}, opts...)
		}()
	}
	wg.Wait()
	for i := range final {
		require.NoError(t, db.QueryRowContext(ctx, `SELECT v FROM `+table+` WHERE id = `+b.ph(1), i+1).Scan(&final[i]))
	}
	return errs, n.Load(), final
}

// serverBackends are the backends on PostgreSQL and MariaDB, raw and
// through Grant.
func serverBackends() []backend {
	var out []backend
	for _, b := range backends() {
		if !strings.HasSuffix(b.name, "sqlite") {
			out = append(out, b)
		}
	}
	return out
}

func TestDeadlocksAreRetried(t *testing.T) {
	for _, b := range serverBackends() {
		for _, nested := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/nested=%v", b.name, nested), func(t *testing.T) {
				t.Parallel() // PostgreSQL takes deadlock_timeout (1 s) to find one
				errs, attempts, final := deadlock(t, b, nested, txn.Retries(3), txn.RetryOn(retryable), txn.Backoff(time.Millisecond, 20*time.Millisecond))
				assert.NoError(t, errs[0])
				assert.NoError(t, errs[1])
				// The server aborts one of the two, so at least one runs
				// again; on a loaded machine a retry can meet a second
				// deadlock, which is retried too. Whatever the count, each
				// transaction's bumps landed exactly once.
				assert.GreaterOrEqual(t, attempts, int64(3), "one of the two ran again")
				assert.LessOrEqual(t, attempts, int64(2+2*3), "within the retry budget")
				assert.Equal(t, [2]int{3, 4}, final, "each row bumped once by each transaction")
			})
		}
	}
}

// MySQL rolls back the whole transaction on a deadlock, savepoints
// included: a nested Run's deadlock leaves a transaction that can only roll
// back, even when the enclosing function ignores the error.
func TestMariaDBDeadlockInANestedRunLeavesARollbackOnlyTransaction(t *testing.T) {
	errs, attempts, _ := deadlock(t, mysqlBackend(), true)
	assert.Equal(t, int64(2), attempts)
	failed := errs[0]
	if failed == nil {
		failed = errs[1]
	} else {
		assert.NoError(t, errs[1])
	}
	require.ErrorIs(t, failed, txn.ErrRollbackOnly)
	assert.True(t, retryable(failed), "it still carries the deadlock: %v", failed)
}

// PostgreSQL aborts only the savepoint: the enclosing function may go on.
func TestPostgresDeadlockInANestedRunRollsBackTheSavepoint(t *testing.T) {
	errs, attempts, _ := deadlock(t, postgresBackend(), true)
	assert.Equal(t, int64(2), attempts)
	assert.NoError(t, errs[0])
	assert.NoError(t, errs[1])
}
