package txn_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/go-sql-driver/mysql"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/txn"
)

func TestPostgresSeesTheIsolationLevel(t *testing.T) {
	ctx := context.Background()
	db, _ := postgresBackend().open(t)
	for level, want := range map[sql.IsolationLevel]string{
		sql.LevelDefault:         "read committed",
		sql.LevelReadUncommitted: "read uncommitted",
		sql.LevelReadCommitted:   "read committed",
		sql.LevelRepeatableRead:  "repeatable read",
		sql.LevelSerializable:    "serializable",
	} {
		var got, ro string
		err := txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
			require.NoError(t, tx.QueryRowContext(ctx, `SHOW transaction_isolation`).Scan(&got))
			return tx.QueryRowContext(ctx, `SHOW transaction_read_only`).Scan(&ro)
		}, txn.Isolation(level))
		require.NoError(t, err)
		assert.Equal(t, want, got, level.String())
		assert.Equal(t, "off", ro)
	}
}

func TestPostgresReadOnlyRejectsWrites(t *testing.T) {
	ctx := context.Background()
	b := postgresBackend()
	db, table := b.open(t)
	var ro, level string
	err := txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
		require.NoError(t, tx.QueryRowContext(ctx, `SHOW transaction_read_only`).Scan(&ro))
		require.NoError(t, tx.QueryRowContext(ctx, `SHOW transaction_isolation`).Scan(&level))
		return b.insert(ctx, tx, table, 1)
	}, txn.ReadOnly(), txn.Isolation(sql.LevelSerializable))
	assert.Equal(t, "on", ro)
	assert.Equal(t, "serializable", level)
	assert.Equal(t, "25006", pgCode(err), "read_only_sql_transaction: %v", err)
	assert.Empty(t, ids(t, db, table))
}

// MariaDB's @@tx_isolation shows the session's level, not the one BEGIN set
// for the transaction, so these tests watch what the level does instead.
func TestIsolationLevelsBehave(t *testing.T) {
	for _, b := range []backend{postgresBackend(), mysqlBackend()} {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			db, table := b.open(t)
			require.NoError(t, b.insert(ctx, db, table, 1))
			read := func(ctx context.Context, q execer) (v int) {
				rows, err := q.QueryContext(ctx, `SELECT v FROM `+table+` WHERE id = 1`)
				require.NoError(t, err)
				defer rows.Close()
				require.True(t, rows.Next())
				require.NoError(t, rows.Scan(&v))
				return v
			}
			set := func(v int) {
				_, err := db.ExecContext(ctx, `UPDATE `+table+` SET v = `+b.ph(1)+` WHERE id = 1`, v)
				require.NoError(t, err)
			}
			// READ COMMITTED sees a commit made after its first read;
			// REPEATABLE READ does not.
			for level, seesCommit := range map[sql.IsolationLevel]bool{
				sql.LevelReadCommitted:  true,
				sql.LevelRepeatableRead: false,
			} {
				set(1)
				var first, second int
				require.NoError(t, txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
					first = read(ctx, tx)
					set(2)
					second = read(ctx, tx)
					return nil
				}, txn.Isolation(level)))
				assert.Equal(t, 1, first, level.String())
				if seesCommit {
					assert.Equal(t, 2, second, level.String())
				} else {
					assert.Equal(t, 1, second, level.String())
				}
			}
		})
	}
}

func TestMariaDBReadUncommittedSeesUncommittedWrites(t *testing.T) {
	ctx := context.Background()
	b := mysqlBackend()
	db, table := b.open(t)
	require.NoError(t, b.insert(ctx, db, table, 1))
	other, err := db.BeginTx(ctx, nil)
	require.NoError(t, err)
	defer other.Rollback()
	_, err = other.ExecContext(ctx, `UPDATE `+table+` SET v = 5 WHERE id = 1`)
	require.NoError(t, err)
	for level, want := range map[sql.IsolationLevel]int{sql.LevelReadUncommitted: 5, sql.LevelReadCommitted: 1} {
		var v int
		require.NoError(t, txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
			return tx.QueryRowContext(ctx, `SELECT v FROM `+table+` WHERE id = 1`).Scan(&v)
		}, txn.Isolation(level)))
		assert.Equal(t, want, v, level.String())
	}
}

// Under SERIALIZABLE InnoDB turns a plain SELECT into a locking read: a
// writer of the row read then waits for the lock.
func TestMariaDBSerializableLocksWhatItReads(t *testing.T) {
	ctx := context.Background()
	b := mysqlBackend()
	db, table := b.open(t)
	require.NoError(t, b.insert(ctx, db, table, 1))
	other, err := db.Conn(ctx)
	require.NoError(t, err)
	defer other.Close()
	_, err = other.ExecContext(ctx, `SET SESSION innodb_lock_wait_timeout = 1`)
	require.NoError(t, err)
	for level, blocks := range map[sql.IsolationLevel]bool{sql.LevelSerializable: true, sql.LevelRepeatableRead: false} {
		require.NoError(t, txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
			var v int
			require.NoError(t, tx.QueryRowContext(ctx, `SELECT v FROM `+table+` WHERE id = 1`).Scan(&v))
			_, err := other.ExecContext(ctx, `UPDATE `+table+` SET v = v + 1 WHERE id = 1`)
			var me *mysql.MySQLError
			if blocks {
				require.True(t, errors.As(err, &me), "%v", err)
				assert.Equal(t, uint16(1205), me.Number, "lock wait timeout: %v", err)
			} else {
				assert.NoError(t, err)
			}
			return nil
		}, txn.Isolation(level)))
	}
}

func TestMariaDBReadOnlyRejectsWrites(t *testing.T) {
	ctx := context.Background()
	b := mysqlBackend()
	db, table := b.open(t)
	err := txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
		return b.insert(ctx, tx, table, 1)
	}, txn.ReadOnly())
	var me *mysql.MySQLError
	require.True(t, errors.As(err, &me), "%v", err)
	assert.Equal(t, uint16(1792), me.Number, "ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION: %v", err)
	assert.Empty(t, ids(t, db, table))
}

// modernc.org/sqlite accepts an isolation level and read-only mode and
// ignores both: a SQLite transaction is serializable, and writable.
func TestSQLiteAcceptsAndIgnoresOptions(t *testing.T) {
	ctx := context.Background()
	b := sqliteBackend()
	db, table := b.open(t)
	err := txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
		return b.insert(ctx, tx, table, 1)
	}, txn.Isolation(sql.LevelSerializable), txn.ReadOnly())
	require.NoError(t, err)
	assert.Equal(t, []int{1}, ids(t, db, table))
}
