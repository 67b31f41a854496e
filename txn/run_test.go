package txn_test

import (
	"context"
	"database/sql"
	"errors"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/txn"
)

var errBoom = errors.New("boom")

func TestRunCommitsOnNil(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		db, table := b.open(t)
		err := txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
			return b.insert(ctx, tx, table, 1)
		})
		require.NoError(t, err)
		assert.Equal(t, []int{1}, ids(t, db, table))
	})
}

func TestRunRollsBackOnError(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		db, table := b.open(t)
		err := txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
			require.NoError(t, b.insert(ctx, tx, table, 1))
			return errBoom
		})
		assert.Same(t, errBoom, err, "fn's error comes back unchanged")
		assert.Empty(t, ids(t, db, table))
	})
}

func TestRunRollsBackOnPanicAndRepanics(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		db, table := b.open(t)
		rec := newRecorder()
		type value struct{ n int }
		v := &value{42}
		func() {
			defer func() { assert.Same(t, v, recover(), "the original panic value") }()
			txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
				txn.AfterRollback(ctx, rec.add("rolled back"))
				txn.AfterCommit(ctx, rec.add("committed"))
				require.NoError(t, b.insert(ctx, tx, table, 1))
				panic(v)
			})
		}()
		assert.Empty(t, ids(t, db, table))
		assert.Equal(t, []string{"rolled back"}, rec.got())
		// The connection went back to the pool clean: a new transaction works.
		require.NoError(t, txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
			return b.insert(ctx, tx, table, 2)
		}))
		assert.Equal(t, []int{2}, ids(t, db, table))
	})
}

func TestRunRollsBackOnGoexit(t *testing.T) {
	ctx := context.Background()
	b := sqliteBackend()
	db, table := b.open(t)
	rec := newRecorder()
	done := make(chan struct{})
	go func() {
		defer close(done)
		txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
			txn.AfterRollback(ctx, rec.add("rolled back"))
			b.insert(ctx, tx, table, 1)
			txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
				txn.AfterRollback(ctx, rec.add("inner rolled back"))
				runtime.Goexit() // what t.FailNow does
				return nil
			})
			return nil
		})
	}()
	<-done
	assert.Empty(t, ids(t, db, table))
	assert.Equal(t, []string{"inner rolled back", "rolled back"}, rec.got())
}

func TestCommitFailureRunsAfterRollback(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		db, table := b.open(t)
		rec := newRecorder()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		err := txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
			txn.AfterCommit(ctx, rec.add("committed"))
			txn.AfterRollback(ctx, rec.add("rolled back"))
			require.NoError(t, b.insert(ctx, tx, table, 1))
			cancel() // database/sql then refuses the commit
			return nil
		})
		// database/sql refuses with the context's error, or with
		// sql.ErrTxDone once its watcher rolled back first.
		require.True(t, errors.Is(err, context.Canceled) || errors.Is(err, sql.ErrTxDone), "%v", err)
		assert.Equal(t, []string{"rolled back"}, rec.got())
		assert.Empty(t, ids(t, db, table))
	})
}

func TestCallbacksRunInOrderAfterTheOutermostCommit(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		db, table := b.open(t)
		rec := newRecorder()
		err := txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
			txn.AfterCommit(ctx, rec.add("c1"))
			txn.AfterRollback(ctx, rec.add("never: the transaction commits"))
			require.NoError(t, txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
				txn.AfterCommit(ctx, rec.add("c2 (released savepoint)"))
				return txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
					txn.AfterCommit(ctx, rec.add("c3 (depth 2)"))
					return nil
				})
			}))
			err := txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
				txn.AfterCommit(ctx, rec.add("never: its savepoint rolls back"))
				txn.AfterRollback(ctx, rec.add("r1 (savepoint rolled back)"))
				txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
					txn.AfterRollback(ctx, rec.add("r0 (released into a savepoint that rolls back)"))
					return nil
				})
				return errBoom
			})
			require.ErrorIs(t, err, errBoom)
			// The rolled-back savepoint's AfterRollback callbacks ran at once,
			// in registration order.
			assert.Equal(t, []string{"r1 (savepoint rolled back)", "r0 (released into a savepoint that rolls back)"}, rec.got())
			txn.AfterCommit(ctx, rec.add("c4"))
			assert.Empty(t, rec.got(), "nothing runs before the commit")
			return b.insert(ctx, tx, table, 1)
		})
		require.NoError(t, err)
		assert.Equal(t, []string{"c1", "c2 (released savepoint)", "c3 (depth 2)", "c4"}, rec.got())
	})
}

func TestAfterRollbackCallbacksRunInOrderAfterRollback(t *testing.T) {
	ctx := context.Background()
	db, _ := sqliteBackend().open(t)
	rec := newRecorder()
	err := txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
		txn.AfterRollback(ctx, rec.add("r1"))
		txn.AfterCommit(ctx, rec.add("never"))
		txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
			txn.AfterRollback(ctx, rec.add("r2 (released savepoint)"))
			return nil
		})
		txn.AfterRollback(ctx, rec.add("r3"))
		return errBoom
	})
	require.ErrorIs(t, err, errBoom)
	assert.Equal(t, []string{"r1", "r2 (released savepoint)", "r3"}, rec.got())
}

func TestCallbacksGetTheOutermostContext(t *testing.T) {
	ctx := context.WithValue(context.Background(), ctxMark{}, "outer")
	db, table := sqliteBackend().open(t)
	var inCallback []any
	err := txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
		return txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
			txn.AfterCommit(ctx, func(cbCtx context.Context) {
				_, inTx := txn.Current(cbCtx, db)
				inCallback = append(inCallback, cbCtx.Value(ctxMark{}), inTx)
				// A Run in a callback begins a new transaction.
				require.NoError(t, txn.Run(cbCtx, db, func(ctx context.Context, tx *sql.Tx) error {
					return sqliteBackend().insert(ctx, tx, table, 2)
				}))
			})
			return sqliteBackend().insert(ctx, tx, table, 1)
		})
	})
	require.NoError(t, err)
	assert.Equal(t, []any{"outer", false}, inCallback)
	assert.Equal(t, []int{1, 2}, ids(t, db, table))
}

type ctxMark struct{}

func TestAfterCommitOutsideATransaction(t *testing.T) {
	rec := newRecorder()
	txn.AfterCommit(context.Background(), rec.add("at once"))
	txn.AfterRollback(context.Background(), rec.add("never"))
	assert.Equal(t, []string{"at once"}, rec.got())
}

func TestCallbackPanicsAfterEveryCallbackRan(t *testing.T) {
	ctx := context.Background()
	b := sqliteBackend()
	db, table := b.open(t)
	rec := newRecorder()
	var got any
	func() {
		defer func() { got = recover() }()
		txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
			txn.AfterCommit(ctx, func(context.Context) { panic(errBoom) })
			txn.AfterCommit(ctx, rec.add("second"))
			txn.AfterCommit(ctx, func(context.Context) { panic("third") })
			return b.insert(ctx, tx, table, 1)
		})
	}()
	p, ok := got.(*txn.CallbackPanic)
	require.True(t, ok, "Run panics with a *CallbackPanic, got %#v", got)
	assert.Equal(t, "commit", p.After)
	assert.Same(t, errBoom, p.Value, "the first panic")
	assert.ErrorIs(t, p, errBoom)
	assert.Contains(t, string(p.Stack), "run_test.go", "the callback's stack")
	assert.Equal(t, []string{"second"}, rec.got())
	assert.Equal(t, []int{1}, ids(t, db, table), "the commit stands")
}

func TestLateCallbacksOnAnEndedTransaction(t *testing.T) {
	ctx := context.Background()
	db, _ := sqliteBackend().open(t)
	rec := newRecorder()
	var committedCtx, rolledBackCtx, savepointCtx context.Context
	require.NoError(t, txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
		committedCtx = ctx
		txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
			savepointCtx = ctx
			return errBoom
		})
		return nil
	}))
	txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
		rolledBackCtx = ctx
		return errBoom
	})
	txn.AfterCommit(committedCtx, rec.add("commit of a committed transaction: at once"))
	txn.AfterRollback(committedCtx, rec.add("never"))
	txn.AfterCommit(rolledBackCtx, rec.add("never"))
	txn.AfterRollback(rolledBackCtx, rec.add("rollback of a rolled-back transaction: at once"))
	txn.AfterCommit(savepointCtx, rec.add("never: its savepoint rolled back"))
	assert.Equal(t, []string{
		"commit of a committed transaction: at once",
		"rollback of a rolled-back transaction: at once",
	}, rec.got())
}
