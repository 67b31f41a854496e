package compat_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
)

var sqlItemsDDL = map[dialect.Dialect]string{
	dialect.Postgres: `CREATE TABLE compat_sql_items (
		id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL, note TEXT,
		score DOUBLE PRECISION, created TIMESTAMPTZ, data BYTEA)`,
	dialect.MySQL: `CREATE TABLE compat_sql_items (
		id BIGINT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100) NOT NULL, note TEXT,
		score DOUBLE, created DATETIME(6), data BLOB)`,
	dialect.SQLite: `CREATE TABLE compat_sql_items (
		id INTEGER PRIMARY KEY, name TEXT NOT NULL, note TEXT,
		score REAL, created DATETIME, data BLOB)`,
}

// insertItem inserts a row and returns its id: through RETURNING on
// PostgreSQL, through Result.LastInsertId elsewhere.
func insertItem(t *testing.T, tg target, db interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, name string, note, score, created, data any) int64 {
	t.Helper()
	ctx := context.Background()
	q := tg.bind(`INSERT INTO compat_sql_items (name, note, score, created, data) VALUES (?, ?, ?, ?, ?)`)
	if tg.dialect == dialect.Postgres {
		var id int64
		require.NoError(t, db.QueryRowContext(ctx, q+" RETURNING id", name, note, score, created, data).Scan(&id))
		return id
	}
	res, err := db.ExecContext(ctx, q, name, note, score, created, data)
	require.NoError(t, err)
	id, err := res.LastInsertId()
	require.NoError(t, err)
	n, err := res.RowsAffected()
	require.NoError(t, err)
	require.Equal(t, int64(1), n)
	return id
}

func TestDatabaseSQL(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, tg target) {
		ctx := context.Background()
		db := tg.open(t, tg.dsn(t))
		table(t, db, "compat_sql_items", sqlItemsDDL[tg.dialect])
		count := func(t *testing.T) int {
			var n int
			require.NoError(t, db.QueryRowContext(ctx, `SELECT count(*) FROM compat_sql_items`).Scan(&n))
			return n
		}

		t.Run("CRUD", func(t *testing.T) {
			id := insertItem(t, tg, db, "ann", "first", 1.5, nil, nil)
			assert.Positive(t, id)
			insertItem(t, tg, db, "bob", nil, 2.5, nil, nil)

			rows, err := db.QueryContext(ctx, `SELECT id, name FROM compat_sql_items ORDER BY name`)
			require.NoError(t, err)
			var names []string
			for rows.Next() {
				var rid int64
				var name string
				require.NoError(t, rows.Scan(&rid, &name))
				names = append(names, name)
			}
			require.NoError(t, rows.Err())
			require.NoError(t, rows.Close())
			assert.Equal(t, []string{"ann", "bob"}, names)

			res, err := db.ExecContext(ctx, tg.bind(`UPDATE compat_sql_items SET score = ? WHERE id = ?`), 9.5, id)
			require.NoError(t, err)
			n, err := res.RowsAffected()
			require.NoError(t, err)
			assert.Equal(t, int64(1), n)

			res, err = db.ExecContext(ctx, tg.bind(`DELETE FROM compat_sql_items WHERE name = ?`), "bob")
			require.NoError(t, err)
			n, err = res.RowsAffected()
			require.NoError(t, err)
			assert.Equal(t, int64(1), n)
			assert.Equal(t, 1, count(t))
		})

		t.Run("QueryRow", func(t *testing.T) {
			var name string
			var score float64
			require.NoError(t, db.QueryRowContext(ctx, tg.bind(`SELECT name, score FROM compat_sql_items WHERE name = ?`), "ann").Scan(&name, &score))
			assert.Equal(t, "ann", name)
			assert.Equal(t, 9.5, score)

			err := db.QueryRowContext(ctx, tg.bind(`SELECT name FROM compat_sql_items WHERE name = ?`), "nobody").Scan(&name)
			assert.True(t, errors.Is(err, sql.ErrNoRows), "got %v", err)
		})

		t.Run("Prepared", func(t *testing.T) {
			ins, err := db.PrepareContext(ctx, tg.bind(`INSERT INTO compat_sql_items (name, score) VALUES (?, ?)`))
			require.NoError(t, err)
			defer ins.Close()
			for i, name := range []string{"p1", "p2", "p3"} {
				_, err := ins.ExecContext(ctx, name, float64(i))
				require.NoError(t, err)
			}
			sel, err := db.PrepareContext(ctx, tg.bind(`SELECT score FROM compat_sql_items WHERE name = ?`))
			require.NoError(t, err)
			defer sel.Close()
			for i, name := range []string{"p1", "p2", "p3"} {
				var score float64
				require.NoError(t, sel.QueryRowContext(ctx, name).Scan(&score))
				assert.Equal(t, float64(i), score)
			}
		})

		t.Run("Tx", func(t *testing.T) {
			before := count(t)
			tx, err := db.BeginTx(ctx, nil)
			require.NoError(t, err)
			insertItem(t, tg, tx, "committed", nil, nil, nil, nil)
			var inTx int
			require.NoError(t, tx.QueryRowContext(ctx, `SELECT count(*) FROM compat_sql_items`).Scan(&inTx))
			assert.Equal(t, before+1, inTx, "the transaction sees its own write")
			st, err := tx.PrepareContext(ctx, tg.bind(`UPDATE compat_sql_items SET note = ? WHERE name = ?`))
			require.NoError(t, err)
			_, err = st.ExecContext(ctx, "in tx", "committed")
			require.NoError(t, err)
			require.NoError(t, tx.Commit())
			assert.ErrorIs(t, tx.Commit(), sql.ErrTxDone)
			assert.Equal(t, before+1, count(t))

			tx, err = db.BeginTx(ctx, nil)
			require.NoError(t, err)
			insertItem(t, tg, tx, "rolled back", nil, nil, nil, nil)
			_, err = tx.ExecContext(ctx, tg.bind(`DELETE FROM compat_sql_items WHERE name = ?`), "committed")
			require.NoError(t, err)
			require.NoError(t, tx.Rollback())
			assert.Equal(t, before+1, count(t))
			var note string
			require.NoError(t, db.QueryRowContext(ctx, tg.bind(`SELECT note FROM compat_sql_items WHERE name = ?`), "committed").Scan(&note))
			assert.Equal(t, "in tx", note)
		})

		t.Run("NULL", func(t *testing.T) {
			id := insertItem(t, tg, db, "nulls", nil, nil, nil, nil)
			var note sql.NullString
			var score sql.NullFloat64
			var created sql.Null[time.Time]
			var data []byte
			var notePtr *string
			require.NoError(t, db.QueryRowContext(ctx, tg.bind(`SELECT note, score, created, data, note FROM compat_sql_items WHERE id = ?`), id).
				Scan(&note, &score, &created, &data, &notePtr))
			assert.False(t, note.Valid)
			assert.False(t, score.Valid)
			assert.False(t, created.Valid)
			assert.Nil(t, data)
			assert.Nil(t, notePtr)

			_, err := db.ExecContext(ctx, tg.bind(`UPDATE compat_sql_items SET note = ?, score = ? WHERE id = ?`),
				sql.NullString{String: "set", Valid: true}, sql.NullFloat64{}, id)
			require.NoError(t, err)
			require.NoError(t, db.QueryRowContext(ctx, tg.bind(`SELECT note, score FROM compat_sql_items WHERE id = ?`), id).Scan(&note, &score))
			assert.Equal(t, sql.NullString{String: "set", Valid: true}, note)
			assert.False(t, score.Valid)
		})

		t.Run("Time", func(t *testing.T) {
			want := time.Date(2024, 5, 6, 7, 8, 9, 123456000, time.UTC)
			id := insertItem(t, tg, db, "time", nil, nil, want, nil)
			var got time.Time
			require.NoError(t, db.QueryRowContext(ctx, tg.bind(`SELECT created FROM compat_sql_items WHERE id = ?`), id).Scan(&got))
			assert.True(t, want.Equal(got), "want %v, got %v", want, got)

			var n int
			require.NoError(t, db.QueryRowContext(ctx, tg.bind(`SELECT count(*) FROM compat_sql_items WHERE created = ?`), want).Scan(&n))
			assert.Equal(t, 1, n, "a time.Time argument matches the stored value")
		})

		t.Run("Bytes", func(t *testing.T) {
			want := []byte{0, 1, 2, 0x7f, 0x80, 0xfe, 0xff, '\'', '\\'}
			id := insertItem(t, tg, db, "bytes", nil, nil, nil, want)
			var got []byte
			require.NoError(t, db.QueryRowContext(ctx, tg.bind(`SELECT data FROM compat_sql_items WHERE id = ?`), id).Scan(&got))
			assert.Equal(t, want, got)
			var raw sql.RawBytes
			rows, err := db.QueryContext(ctx, tg.bind(`SELECT data FROM compat_sql_items WHERE id = ?`), id)
			require.NoError(t, err)
			require.True(t, rows.Next())
			require.NoError(t, rows.Scan(&raw))
			assert.Equal(t, want, []byte(raw))
			require.NoError(t, rows.Close())
		})

		t.Run("SessionState", func(t *testing.T) {
			// A fresh pool, so that the steps below decide which physical
			// connection each statement gets.
			db := tg.open(t, tg.dsn(t))
			conn, err := db.Conn(ctx)
			require.NoError(t, err)
			defer conn.Close()
			_, err = conn.ExecContext(ctx, "CREATE TEMPORARY TABLE compat_sql_tmp (x INT)")
			require.NoError(t, err)
			// Another session takes the idle physical connection: one not
			// pinned to conn.
			busy, err := db.QueryContext(ctx, "SELECT 1")
			require.NoError(t, err)
			defer busy.Close()
			_, err = conn.ExecContext(ctx, "INSERT INTO compat_sql_tmp VALUES (1)")
			require.NoError(t, err, "the temporary table pins the session to its physical connection")
			var n int
			require.NoError(t, conn.QueryRowContext(ctx, "SELECT count(*) FROM compat_sql_tmp").Scan(&n))
			assert.Equal(t, 1, n)
		})
	})
}
