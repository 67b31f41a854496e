package grant_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/testenv"
)

// TestMySQLMultipleResultSets: a multi-statement call returns every result
// set through Grant, as database/sql's NextResultSet expects.
func TestMySQLMultipleResultSets(t *testing.T) {
	tg := target{d: dialect.MySQL, primary: withParam(testenv.MySQLDSN(t), "multiStatements=true"), ph: qmark}
	ctx := context.Background()
	db, _ := tg.open(t)
	rows, err := db.QueryContext(ctx, "SELECT 1 AS a; SELECT 'x' AS b, 'y' AS c")
	require.NoError(t, err)
	defer rows.Close()
	var sets [][]string
	for {
		cols, err := rows.Columns()
		require.NoError(t, err)
		sets = append(sets, cols)
		for rows.Next() {
		}
		if !rows.NextResultSet() {
			break
		}
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, [][]string{{"a"}, {"b", "c"}}, sets)
}

// TestMySQLUnsignedAndLastInsertID: go-sql-driver/mysql's own argument
// conversion (uint64 above int64) applies through Grant.
func TestMySQLUnsignedAndLastInsertID(t *testing.T) {
	tg := target{d: dialect.MySQL, primary: testenv.MySQLDSN(t), ph: qmark}
	ctx := context.Background()
	db, _ := tg.open(t)
	tbl := tg.table(t, db, "grant_my_unsigned", "id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, big BIGINT UNSIGNED")
	res, err := db.ExecContext(ctx, "INSERT INTO "+tbl+" (big) VALUES (?)", uint64(1<<63+5))
	require.NoError(t, err)
	id, err := res.LastInsertId()
	require.NoError(t, err)
	assert.Equal(t, int64(1), id)
	var big uint64
	require.NoError(t, db.QueryRowContext(ctx, "SELECT big FROM "+tbl+" WHERE id = ?", id).Scan(&big))
	assert.Equal(t, uint64(1<<63+5), big)
}
