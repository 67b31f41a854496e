package grant_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/testenv"
)

func pgTarget(t *testing.T) target {
	return target{d: dialect.Postgres, primary: testenv.PostgresDSN(t), ph: dollar}
}

// TestPgxArgumentTypes: arguments database/sql's default converter refuses
// reach pgx unchanged, as they do without Grant.
func TestPgxArgumentTypes(t *testing.T) {
	tg := pgTarget(t)
	ctx := context.Background()
	db, _ := tg.open(t)
	tbl := tg.table(t, db, "grant_pgx_args", "id BIGINT PRIMARY KEY, tags TEXT[]")
	_, err := db.ExecContext(ctx, "INSERT INTO "+tbl+" VALUES (1, $1), (2, $2), (3, $3)",
		[]string{"a", "b"}, []string{"c"}, pgtype.FlatArray[string]{"d"})
	require.NoError(t, err)

	var n int
	require.NoError(t, db.QueryRowContext(ctx, "SELECT count(*) FROM "+tbl+" WHERE id = ANY($1)", []int64{1, 3, 99}).Scan(&n))
	assert.Equal(t, 2, n)
	var tags []string
	m := pgtype.NewMap()
	require.NoError(t, db.QueryRowContext(ctx, "SELECT tags FROM "+tbl+" WHERE id = $1", 1).Scan(m.SQLScanner(&tags)))
	assert.Equal(t, []string{"a", "b"}, tags)
}

// TestPgxCopyFromThroughRaw: the real *stdlib.Conn is reachable through
// sql.Conn.Raw, so pgx's CopyFrom works through Grant.
func TestPgxCopyFromThroughRaw(t *testing.T) {
	tg := pgTarget(t)
	ctx := context.Background()
	db, _ := tg.open(t, grant.WithCounters())
	tbl := tg.table(t, db, "grant_pgx_copy", "id BIGINT PRIMARY KEY, name TEXT")
	conn, err := db.Conn(ctx)
	require.NoError(t, err)
	defer conn.Close()
	var copied int64
	err = conn.Raw(func(dc any) error {
		return dc.(*grant.Conn).Raw(ctx, func(real any) error {
			pc := real.(*stdlib.Conn).Conn()
			rows := [][]any{{int64(1), "a"}, {int64(2), "b"}, {int64(3), "c"}}
			var err error
			copied, err = pc.CopyFrom(ctx, pgx.Identifier{tbl}, []string{"id", "name"}, pgx.CopyFromRows(rows))
			return err
		})
	})
	require.NoError(t, err)
	assert.Equal(t, int64(3), copied)
	var n int
	require.NoError(t, db.QueryRowContext(ctx, "SELECT count(*) FROM "+tbl).Scan(&n))
	assert.Equal(t, 3, n)

	// Inside a transaction Raw reaches the transaction's own connection.
	tx, err := conn.BeginTx(ctx, nil)
	require.NoError(t, err)
	_, err = tx.ExecContext(ctx, "INSERT INTO "+tbl+" VALUES (4, 'd')")
	require.NoError(t, err)
	err = conn.Raw(func(dc any) error {
		return dc.(*grant.Conn).Raw(ctx, func(real any) error {
			return real.(*stdlib.Conn).Conn().QueryRow(ctx, "SELECT count(*) FROM "+tbl).Scan(&n)
		})
	})
	require.NoError(t, err)
	assert.Equal(t, 4, n, "Raw inside a transaction sees its uncommitted row")
	require.NoError(t, tx.Rollback())
}

// TestPgxPreparedAndNull covers typed NULLs and a reused prepared statement.
func TestPgxPreparedAndNull(t *testing.T) {
	tg := pgTarget(t)
	ctx := context.Background()
	db, _ := tg.open(t)
	st, err := db.PrepareContext(ctx, "SELECT $1::int8 + 1, $2::text IS NULL")
	require.NoError(t, err)
	defer st.Close()
	for i := int64(0); i < 3; i++ {
		var v int64
		var isNull bool
		require.NoError(t, st.QueryRowContext(ctx, i, sql.NullString{}).Scan(&v, &isNull))
		assert.Equal(t, i+1, v)
		assert.True(t, isNull)
	}
}
