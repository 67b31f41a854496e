package sanitize

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
)

func TestQuoterForPostgres(t *testing.T) {
	ctx := context.Background()
	conn := pgSession(t, "SJIS")
	q, err := QuoterFor(ctx, pg, conn)
	require.NoError(t, err)
	assert.Equal(t, Quoter{Dialect: pg, ClientEncoding: "SJIS", StandardConformingStrings: On}, q)

	// UNICODE is reported as it was set; the Quoter names it UTF8.
	_, err = conn.ExecContext(ctx, "SET client_encoding = 'UNICODE'")
	require.NoError(t, err)
	q, err = QuoterFor(ctx, pg, conn)
	require.NoError(t, err)
	assert.Equal(t, "UTF8", q.ClientEncoding)
	_, err = conn.ExecContext(ctx, "SET client_encoding = 'SJIS'")
	require.NoError(t, err)

	// In a transaction, with a setting changed for it alone.
	tx, err := conn.BeginTx(ctx, nil)
	require.NoError(t, err)
	_, err = tx.ExecContext(ctx, "SET LOCAL standard_conforming_strings = off")
	require.NoError(t, err)
	q, err = QuoterFor(ctx, pg, tx)
	require.NoError(t, err)
	assert.Equal(t, Quoter{Dialect: pg, ClientEncoding: "SJIS", StandardConformingStrings: Off}, q)
	require.NoError(t, tx.Rollback())
	q, err = QuoterFor(ctx, pg, conn)
	require.NoError(t, err)
	assert.Equal(t, On, q.StandardConformingStrings)

	// A Quoter read from the session quotes for it: the finding's payload.
	lit, err := q.Quote(`さ\' AS v, 666 AS marker -- `)
	require.NoError(t, err)
	vals, err := probe(t, conn, lit)
	require.NoError(t, err)
	assert.Equal(t, `さ\' AS v, 666 AS marker -- `, string(vals[0]))
}

func TestQuoterForMySQL(t *testing.T) {
	ctx := context.Background()
	q, err := QuoterFor(ctx, my, myConn(t, "", ""))
	require.NoError(t, err)
	assert.Equal(t, Quoter{Dialect: my, Charset: "utf8mb4"}, q)

	conn := mySession(t, "gbk", "SET SESSION sql_mode = 'ANSI,NO_BACKSLASH_ESCAPES'")
	q, err = QuoterFor(ctx, my, conn)
	require.NoError(t, err)
	assert.Equal(t, Quoter{Dialect: my, Charset: "gbk", NoBackslashEscapes: true, ANSIQuotes: true}, q)

	// The template lexer follows the session: "..." is an identifier.
	stmt, err := q.Array(`SELECT ? AS "v\", 1 AS marker`, "x' AS v, 666 AS marker -- ")
	require.NoError(t, err)
	var v string
	var marker int
	require.NoError(t, conn.QueryRowContext(ctx, stmt).Scan(&v, &marker))
	assert.Equal(t, "x' AS v, 666 AS marker -- ", v)
	assert.Equal(t, 1, marker)
}

func TestQuoterForOthers(t *testing.T) {
	ctx := context.Background()
	q, err := QuoterFor(ctx, sq, nil) // SQLite: nothing to read
	require.NoError(t, err)
	assert.Equal(t, Quoter{Dialect: sq}, q)
	_, err = QuoterFor(ctx, dialect.Unknown, nil)
	require.ErrorIs(t, err, ErrUnknownDialect)

	// The driver's error is kept: here, a transaction aborted by an error.
	conn := pgConn(t, "")
	tx, err := conn.BeginTx(ctx, nil)
	require.NoError(t, err)
	defer tx.Rollback()
	_, err = tx.ExecContext(ctx, "SELECT 1/0")
	require.Error(t, err)
	_, err = QuoterFor(ctx, pg, tx)
	var pgErr *pgconn.PgError
	require.ErrorAs(t, err, &pgErr)
	assert.Equal(t, "25P02", pgErr.Code)
	assert.Contains(t, err.Error(), "sanitize: reading the PostgreSQL session's settings")
}
