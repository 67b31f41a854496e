package txn_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/txn"
)

func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// A failed statement aborts a PostgreSQL transaction; the rollback to the
// nested Run's savepoint makes it usable again.
func TestPostgresTransactionUsableAfterAnErrorInASavepoint(t *testing.T) {
	ctx := context.Background()
	b := postgresBackend()
	db, table := b.open(t)
	err := txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
		require.NoError(t, b.insert(ctx, tx, table, 1))
		err := txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
			return b.insert(ctx, tx, table, 1) // duplicate key
		})
		assert.Equal(t, "23505", pgCode(err), "the server's error, as pgx made it: %v", err)
		return b.insert(ctx, tx, table, 2)
	})
	require.NoError(t, err)
	assert.Equal(t, []int{1, 2}, ids(t, db, table))
}

// A nested function that swallows a statement's error and returns nil
// cannot release its savepoint (the transaction is aborted): the nested Run
// rolls the savepoint back and returns the release's error.
func TestPostgresSwallowedErrorFailsTheRelease(t *testing.T) {
	ctx := context.Background()
	b := postgresBackend()
	db, table := b.open(t)
	rec := newRecorder()
	err := txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
		require.NoError(t, b.insert(ctx, tx, table, 1))
		err := txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
			txn.AfterCommit(ctx, rec.add("never"))
			txn.AfterRollback(ctx, rec.add("savepoint rolled back"))
			b.insert(ctx, tx, table, 1) // fails; the error is dropped
			return nil
		})
		assert.Equal(t, "25P02", pgCode(err), "in_failed_sql_transaction: %v", err)
		return b.insert(ctx, tx, table, 2)
	})
	require.NoError(t, err)
	assert.Equal(t, []int{1, 2}, ids(t, db, table))
	assert.Equal(t, []string{"savepoint rolled back"}, rec.got())
}

// A commit that the server refuses (a deferred constraint) returns the
// server's error and runs the AfterRollback callbacks.
func TestPostgresCommitRefusedByTheServer(t *testing.T) {
	ctx := context.Background()
	b := postgresBackend()
	db, table := b.open(t)
	_, err := db.Exec(`ALTER TABLE ` + table + ` ADD CONSTRAINT ` + table + `_v UNIQUE (v) DEFERRABLE INITIALLY DEFERRED`)
	require.NoError(t, err)
	rec := newRecorder()
	err = txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
		txn.AfterCommit(ctx, rec.add("committed"))
		txn.AfterRollback(ctx, rec.add("rolled back"))
		require.NoError(t, b.insert(ctx, tx, table, 1))
		_, err := tx.ExecContext(ctx, `INSERT INTO `+table+` (id, v) VALUES (2, 1)`) // checked at COMMIT
		return err
	})
	assert.Equal(t, "23505", pgCode(err), "%v", err)
	assert.Equal(t, []string{"rolled back"}, rec.got())
	assert.Empty(t, ids(t, db, table))
}
