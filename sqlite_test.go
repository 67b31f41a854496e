package grant_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"modernc.org/sqlite"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
)

// sqliteCluster returns a one-database SQLite cluster in a temp directory.
func sqliteCluster(t testing.TB) *grant.Config {
	dsn := "file:" + filepath.Join(t.TempDir(), "app.db") + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)"
	return &grant.Config{
		Dialect:   dialect.SQLite,
		Databases: map[string]*config.Database{"main": {Primary: dsn}},
	}
}

func openSQLite(t testing.TB) *sql.DB {
	c, err := grant.NewConnector(sqliteCluster(t))
	require.NoError(t, err)
	db := sql.OpenDB(c)
	t.Cleanup(func() { db.Close() })
	return db
}

func TestSQLiteBasics(t *testing.T) {
	ctx := context.Background()
	db := openSQLite(t)
	_, err := db.ExecContext(ctx, `CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL)`)
	require.NoError(t, err)

	res, err := db.ExecContext(ctx, `INSERT INTO users (name, score) VALUES (?, ?)`, "ann", 1.5)
	require.NoError(t, err)
	id, err := res.LastInsertId()
	require.NoError(t, err)
	assert.Equal(t, int64(1), id)
	n, err := res.RowsAffected()
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)

	stmt, err := db.PrepareContext(ctx, `INSERT INTO users (name, score) VALUES (?, ?)`)
	require.NoError(t, err)
	for _, name := range []string{"bob", "cy"} {
		_, err = stmt.ExecContext(ctx, name, nil)
		require.NoError(t, err)
	}
	require.NoError(t, stmt.Close())

	var name string
	var score sql.NullFloat64
	require.NoError(t, db.QueryRowContext(ctx, `SELECT name, score FROM users WHERE id = ?`, 1).Scan(&name, &score))
	assert.Equal(t, "ann", name)
	assert.Equal(t, 1.5, score.Float64)

	err = db.QueryRowContext(ctx, `SELECT name FROM users WHERE id = ?`, 99).Scan(&name)
	assert.True(t, errors.Is(err, sql.ErrNoRows))

	rows, err := db.QueryContext(ctx, `SELECT id, name, score FROM users ORDER BY id`)
	require.NoError(t, err)
	types, err := rows.ColumnTypes()
	require.NoError(t, err)
	assert.Equal(t, "INTEGER", types[0].DatabaseTypeName())
	assert.Equal(t, "TEXT", types[1].DatabaseTypeName())
	var got []string
	for rows.Next() {
		var id int64
		require.NoError(t, rows.Scan(&id, &name, &score))
		got = append(got, name)
	}
	require.NoError(t, rows.Err())
	require.NoError(t, rows.Close())
	assert.Equal(t, []string{"ann", "bob", "cy"}, got)
}

func TestSQLiteTransactions(t *testing.T) {
	ctx := context.Background()
	db := openSQLite(t)
	_, err := db.ExecContext(ctx, `CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)`)
	require.NoError(t, err)

	tx, err := db.BeginTx(ctx, nil)
	require.NoError(t, err)
	_, err = tx.ExecContext(ctx, `INSERT INTO t (v) VALUES ('kept')`)
	require.NoError(t, err)
	var count int
	require.NoError(t, tx.QueryRowContext(ctx, `SELECT count(*) FROM t`).Scan(&count))
	assert.Equal(t, 1, count, "the transaction sees its own write")
	require.NoError(t, tx.Commit())
	assert.ErrorIs(t, tx.Commit(), sql.ErrTxDone)

	tx, err = db.BeginTx(ctx, nil)
	require.NoError(t, err)
	_, err = tx.ExecContext(ctx, `INSERT INTO t (v) VALUES ('dropped')`)
	require.NoError(t, err)
	require.NoError(t, tx.Rollback())

	require.NoError(t, db.QueryRowContext(ctx, `SELECT count(*) FROM t`).Scan(&count))
	assert.Equal(t, 1, count)

	_, err = db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable})
	var se *sqlite.Error
	if err != nil {
		assert.False(t, errors.As(err, &se), "an unsupported isolation level is the driver's plain error: %v", err)
	}
}

func TestSQLiteDriverErrorsUnwrap(t *testing.T) {
	ctx := context.Background()
	db := openSQLite(t)
	_, err := db.ExecContext(ctx, `CREATE TABLE u (id INTEGER PRIMARY KEY)`)
	require.NoError(t, err)
	_, err = db.ExecContext(ctx, `INSERT INTO u VALUES (1)`)
	require.NoError(t, err)
	_, err = db.ExecContext(ctx, `INSERT INTO u VALUES (1)`)
	var se *sqlite.Error
	require.ErrorAs(t, err, &se)
	assert.Contains(t, err.Error(), "UNIQUE constraint failed")
}
