package txn_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/txn"
)

func TestNestedRunsUseSavepoints(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		db, table := b.open(t)
		err := txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
			require.NoError(t, b.insert(ctx, tx, table, 1))
			// Depth 1 commits with its depth-2 child; the depth-3
			// grandchild fails and is returned to depth 2, which goes on.
			require.NoError(t, txn.Run(ctx, db, func(ctx context.Context, tx2 *sql.Tx) error {
				assert.Same(t, tx, tx2, "the same transaction")
				require.NoError(t, b.insert(ctx, tx, table, 2))
				return txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
					require.NoError(t, b.insert(ctx, tx, table, 3))
					err := txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
						require.NoError(t, b.insert(ctx, tx, table, 4))
						return errBoom
					})
					assert.Same(t, errBoom, err, "the nested error comes back unchanged")
					return b.insert(ctx, tx, table, 5)
				})
			}))
			// A sibling at depth 1 that fails: only its own work is undone.
			err := txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
				require.NoError(t, b.insert(ctx, tx, table, 6))
				return errBoom
			})
			require.ErrorIs(t, err, errBoom)
			assert.Equal(t, []int{1, 2, 3, 5}, ids(t, tx, table))
			return b.insert(ctx, tx, table, 7)
		})
		require.NoError(t, err)
		assert.Equal(t, []int{1, 2, 3, 5, 7}, ids(t, db, table))
	})
}

func TestOuterRollbackUndoesReleasedSavepoints(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		db, table := b.open(t)
		err := txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
			require.NoError(t, txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
				return b.insert(ctx, tx, table, 1)
			}))
			return errBoom
		})
		require.ErrorIs(t, err, errBoom)
		assert.Empty(t, ids(t, db, table))
	})
}

func TestManySiblingSavepoints(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		db, table := b.open(t)
		err := txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
			for i := range 20 {
				err := txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
					if err := b.insert(ctx, tx, table, i); err != nil {
						return err
					}
					if i%2 == 1 {
						return errBoom
					}
					return nil
				})
				if i%2 == 1 {
					require.ErrorIs(t, err, errBoom)
				} else {
					require.NoError(t, err)
				}
			}
			return nil
		})
		require.NoError(t, err)
		assert.Equal(t, []int{0, 2, 4, 6, 8, 10, 12, 14, 16, 18}, ids(t, db, table))
	})
}

func TestNestedPanicRollsBackTheSavepointOnly(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		db, table := b.open(t)
		rec := newRecorder()
		err := txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
			require.NoError(t, b.insert(ctx, tx, table, 1))
			func() {
				defer func() { assert.Equal(t, "inner", recover()) }()
				txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
					txn.AfterRollback(ctx, rec.add("savepoint rolled back"))
					require.NoError(t, b.insert(ctx, tx, table, 2))
					panic("inner")
				})
			}()
			assert.Equal(t, []string{"savepoint rolled back"}, rec.got())
			return b.insert(ctx, tx, table, 3)
		})
		require.NoError(t, err)
		assert.Equal(t, []int{1, 3}, ids(t, db, table))
	})
}

func TestAnotherDatabaseIsNotNested(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		db1, t1 := b.open(t)
		db2, t2 := b.open(t) // another *sql.DB, maybe of the same server
		rec := newRecorder()
		err := txn.Run(ctx, db1, func(ctx context.Context, tx1 *sql.Tx) error {
			require.NoError(t, b.insert(ctx, tx1, t1, 1))
			require.NoError(t, txn.Run(ctx, db2, func(ctx context.Context, tx2 *sql.Tx) error {
				assert.NotSame(t, tx1, tx2)
				txn.AfterCommit(ctx, rec.add("db2 committed"))
				// db1 is still the enclosing transaction of db1, even
				// from inside db2's: this nests in tx1.
				require.NoError(t, txn.Run(ctx, db1, func(ctx context.Context, tx *sql.Tx) error {
					assert.Same(t, tx1, tx)
					txn.AfterCommit(ctx, rec.add("db1's savepoint committed"))
					return b.insert(ctx, tx, t1, 2)
				}))
				cur, ok := txn.Current(ctx, db1)
				assert.True(t, ok)
				assert.Same(t, tx1, cur)
				cur, ok = txn.Current(ctx, db2)
				assert.True(t, ok)
				assert.Same(t, tx2, cur)
				return b.insert(ctx, tx2, t2, 10)
			}))
			// db2's transaction committed on its own, before db1's.
			assert.Equal(t, []string{"db2 committed"}, rec.got())
			return errBoom
		})
		require.ErrorIs(t, err, errBoom)
		assert.Empty(t, ids(t, db1, t1), "db1 rolled back, savepoint included")
		assert.Equal(t, []int{10}, ids(t, db2, t2), "db2 committed independently")
		assert.Empty(t, rec.got(), "db1's callbacks were dropped by its rollback")
	})
}

func TestAnotherConnOfTheSamePoolIsNotNested(t *testing.T) {
	ctx := context.Background()
	b := postgresBackend()
	db, table := b.open(t)
	conn, err := db.Conn(ctx)
	require.NoError(t, err)
	defer conn.Close()
	err = txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
		require.NoError(t, txn.Run(ctx, conn, func(ctx context.Context, tx2 *sql.Tx) error {
			assert.NotSame(t, tx, tx2)
			return b.insert(ctx, tx2, table, 1)
		}))
		return errBoom
	})
	require.ErrorIs(t, err, errBoom)
	assert.Equal(t, []int{1}, ids(t, db, table))
}

func TestDetachBeginsAnIndependentTransaction(t *testing.T) {
	for _, b := range []backend{postgresBackend(), mysqlBackend()} {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			db, table := b.open(t)
			err := txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
				require.NoError(t, b.insert(ctx, tx, table, 1))
				require.NoError(t, txn.Run(txn.Detach(ctx), db, func(ctx context.Context, tx2 *sql.Tx) error {
					assert.NotSame(t, tx, tx2)
					return b.insert(ctx, tx2, table, 2) // an audit record
				}))
				return errBoom
			})
			require.ErrorIs(t, err, errBoom)
			assert.Equal(t, []int{2}, ids(t, db, table))
		})
	}
}

func TestCurrent(t *testing.T) {
	ctx := context.Background()
	db, _ := sqliteBackend().open(t)
	_, ok := txn.Current(ctx, db)
	assert.False(t, ok)
	var stale context.Context
	require.NoError(t, txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
		stale = ctx
		cur, ok := txn.Current(ctx, db)
		assert.True(t, ok)
		assert.Same(t, tx, cur)
		_, ok = txn.Current(txn.Detach(ctx), db)
		assert.False(t, ok)
		return nil
	}))
	_, ok = txn.Current(stale, db)
	assert.False(t, ok, "the transaction has ended")
}

func TestStaleContextBeginsANewTransaction(t *testing.T) {
	ctx := context.Background()
	b := sqliteBackend()
	db, table := b.open(t)
	var stale context.Context
	require.NoError(t, txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
		stale = ctx
		return nil
	}))
	err := txn.Run(stale, db, func(ctx context.Context, tx *sql.Tx) error {
		return b.insert(ctx, tx, table, 1)
	})
	require.NoError(t, err)
	assert.Equal(t, []int{1}, ids(t, db, table))
}

func TestNestedRunOnAnOuterContextIsRefused(t *testing.T) {
	ctx := context.Background()
	db, _ := sqliteBackend().open(t)
	ran := false
	err := txn.Run(ctx, db, func(outer context.Context, tx *sql.Tx) error {
		return txn.Run(outer, db, func(inner context.Context, tx *sql.Tx) error {
			err := txn.Run(outer, db, func(context.Context, *sql.Tx) error {
				ran = true
				return nil
			})
			assert.ErrorIs(t, err, txn.ErrNotInnermost)
			return nil
		})
	})
	require.NoError(t, err)
	assert.False(t, ran)
}

func TestNestedRunStillOpenWhenTheTransactionEnds(t *testing.T) {
	ctx := context.Background()
	b := sqliteBackend()
	db, table := b.open(t)
	entered, release, innerDone := make(chan struct{}), make(chan struct{}), make(chan error)
	err := txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
		require.NoError(t, b.insert(ctx, tx, table, 1))
		go func() {
			innerDone <- txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
				close(entered)
				<-release
				return nil
			})
		}()
		<-entered
		return nil // wrong: the goroutine's nested Run is still open
	})
	require.ErrorIs(t, err, txn.ErrRollbackOnly)
	require.ErrorIs(t, err, txn.ErrNotInnermost)
	close(release)
	require.ErrorIs(t, <-innerDone, txn.ErrNotInnermost)
	assert.Empty(t, ids(t, db, table))
}

func TestNestedRunCannotChangeTheTransactionsOptions(t *testing.T) {
	ctx := context.Background()
	db, _ := postgresBackend().open(t)
	err := txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
		err := txn.Run(ctx, db, func(context.Context, *sql.Tx) error { return nil }, txn.Isolation(sql.LevelSerializable))
		assert.ErrorIs(t, err, txn.ErrNestedOptions)
		err = txn.Run(ctx, db, func(context.Context, *sql.Tx) error { return nil }, txn.ReadOnly())
		assert.ErrorIs(t, err, txn.ErrNestedOptions)
		// Retry options are ignored in a nested Run.
		return txn.Run(ctx, db, func(context.Context, *sql.Tx) error { return nil }, txn.Retries(3))
	}, txn.Isolation(sql.LevelRepeatableRead))
	require.NoError(t, err)

	err = txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
		// The same options are fine.
		return txn.Run(ctx, db, func(context.Context, *sql.Tx) error { return nil },
			txn.Isolation(sql.LevelSerializable), txn.ReadOnly())
	}, txn.Isolation(sql.LevelSerializable), txn.ReadOnly())
	require.NoError(t, err)
}
