package analyze

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/grantsql/grant/dialect"
	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"
)

// oracleSchema gives the SQLite oracle the tables the test statements use.
var oracleSchema = []string{
	"CREATE TABLE users (id INTEGER PRIMARY KEY, created_at, updated_at, deleted_at, name, email, age)",
	"CREATE INDEX idx_email ON users (email)",
	"CREATE TABLE t (id INTEGER PRIMARY KEY, a, b, c, d, e, x, load)",
	"CREATE TABLE u (id INTEGER PRIMARY KEY, a, b)",
	"CREATE TABLE tags (id INTEGER PRIMARY KEY, name UNIQUE)",
	`CREATE TABLE "order" (id INTEGER PRIMARY KEY, total)`,
	"CREATE TABLE [my table] (a, b, c, d, e)",
}

// TestSQLiteOracle runs every statement the analyzer calls a read on a real
// SQLite connection with PRAGMA query_only on: none may try to write.
// (Statements that fail for other reasons, such as syntax, are ignored.)
func TestSQLiteOracle(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open("sqlite", "file:oracle?mode=memory&cache=shared")
	require.NoError(t, err)
	defer db.Close()
	db.SetMaxOpenConns(1)
	conn, err := db.Conn(ctx)
	require.NoError(t, err)
	defer conn.Close()
	for _, s := range oracleSchema {
		_, err := conn.ExecContext(ctx, s)
		require.NoError(t, err, s)
	}
	_, err = conn.ExecContext(ctx, "PRAGMA query_only = ON")
	require.NoError(t, err)
	// The oracle itself: a write is refused with an error we recognise.
	require.True(t, isReadOnlyError(execAll(ctx, conn, "DELETE FROM t")))

	var stmts []string
	for _, c := range classCases {
		stmts = append(stmts, c.sql)
	}
	for _, c := range readCorpus(t, dialect.SQLite) {
		stmts = append(stmts, c.sql)
	}
	stmts = append(stmts,
		"SELECT * FROM users WHERE id IN (SELECT id FROM t) ORDER BY 1 LIMIT 3",
		"WITH x AS (SELECT 1 AS n) SELECT n FROM x",
		"PRAGMA user_version",
		"PRAGMA user_version = 3",
		"INSERT INTO tags (name) VALUES ('x')",
		"SELECT * FROM t WHERE a = 1 -- ; DELETE FROM t",
		"SELECT 1; DELETE FROM t",
		"EXPLAIN QUERY PLAN DELETE FROM t",
		"SELECT 'x' /* ; DELETE FROM t */",
		"VALUES (1), (2)",
	)
	reads := 0
	for _, q := range stmts {
		st := Analyze(dialect.SQLite, q)
		if !st.Read {
			continue
		}
		reads++
		err := execAll(ctx, conn, q)
		if err != nil && isReadOnlyError(err) {
			t.Errorf("analyzed as a read, but SQLite refuses it under query_only: %q: %v", q, err)
		}
	}
	require.Greater(t, reads, 20)
}

// execAll runs q, reading up to 100 of the rows it returns (a recursive
// CTE may return rows forever).
func execAll(ctx context.Context, conn *sql.Conn, q string) error {
	rows, err := conn.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	for n := 0; n < 100 && rows.Next(); n++ {
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return err
	}
	return rows.Close()
}

func isReadOnlyError(err error) bool {
	s := strings.ToLower(err.Error())
	return strings.Contains(s, "readonly") || strings.Contains(s, "read-only") || strings.Contains(s, "query_only")
}
