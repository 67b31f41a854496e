package interceptors_test

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/ngrok/sqlmw"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"modernc.org/sqlite"

	"github.com/grantsql/grant/interceptors"
)

// sqliteConnector returns a connector for a new SQLite file. modernc's
// *sqlite.Driver has no OpenConnector (it is no driver.DriverContext);
// sqlite.NewConnector is its driver.Connector.
func sqliteConnector(tb testing.TB) driver.Connector {
	tb.Helper()
	c, err := sqlite.NewConnector(filepath.Join(tb.TempDir(), "test.db"))
	require.NoError(tb, err)
	return c
}

func openSQLite(tb testing.TB, c driver.Connector, chain ...sqlmw.Interceptor) *sql.DB {
	tb.Helper()
	db := sql.OpenDB(interceptors.Wrap(c, chain...))
	db.SetMaxOpenConns(1)
	tb.Cleanup(func() { _ = db.Close() })
	return db
}

// jsonLogger returns a Debug-level JSON slog.Logger writing to buf.
func jsonLogger(buf *bytes.Buffer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: level}))
}

func records(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	dec := json.NewDecoder(buf)
	for dec.More() {
		var rec map[string]any
		require.NoError(t, dec.Decode(&rec))
		out = append(out, rec)
	}
	return out
}

// workload runs a fixed set of statements on a SQLite database.
func workload(t *testing.T, db *sql.DB) {
	ctx := context.Background()
	exec := func(q string, args ...any) {
		t.Helper()
		res, err := db.ExecContext(ctx, q, args...)
		require.NoError(t, err)
		_, err = res.RowsAffected()
		require.NoError(t, err)
	}
	exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
	for i, name := range []string{"a", "b", "c"} {
		exec("INSERT INTO t (id, name) VALUES (?, ?)", i+1, name)
	}

	rows, err := db.QueryContext(ctx, "SELECT id, name FROM t ORDER BY id")
	require.NoError(t, err)
	var got []string
	for rows.Next() {
		var id int
		var name string
		require.NoError(t, rows.Scan(&id, &name))
		got = append(got, fmt.Sprintf("%d %s", id, name))
	}
	require.NoError(t, rows.Err())
	require.NoError(t, rows.Close())
	assert.Equal(t, []string{"1 a", "2 b", "3 c"}, got)

	ins, err := db.PrepareContext(ctx, "INSERT INTO t (id, name) VALUES (?, ?)")
	require.NoError(t, err)
	for _, id := range []int{4, 5} {
		_, err = ins.ExecContext(ctx, id, fmt.Sprint("n", id))
		require.NoError(t, err)
	}
	require.NoError(t, ins.Close())
	sel, err := db.PrepareContext(ctx, "SELECT name FROM t WHERE id = ?")
	require.NoError(t, err)
	for id, want := range map[int]string{1: "a", 5: "n5"} {
		var name string
		require.NoError(t, sel.QueryRowContext(ctx, id).Scan(&name))
		assert.Equal(t, want, name)
	}
	require.NoError(t, sel.Close())

	tx, err := db.BeginTx(ctx, nil)
	require.NoError(t, err)
	_, err = tx.ExecContext(ctx, "INSERT INTO t (id, name) VALUES (?, ?)", 10, "committed")
	require.NoError(t, err)
	require.NoError(t, tx.Commit())
	tx, err = db.BeginTx(ctx, nil)
	require.NoError(t, err)
	_, err = tx.ExecContext(ctx, "INSERT INTO t (id, name) VALUES (?, ?)", 11, "rolled back")
	require.NoError(t, err)
	require.NoError(t, tx.Rollback())

	var n int
	require.NoError(t, db.QueryRowContext(ctx, "SELECT count(*) FROM t").Scan(&n))
	assert.Equal(t, 6, n, "3 inserts, 2 prepared, 1 committed; the rolled back one is gone")

	_, err = db.ExecContext(ctx, "INSERT INTO nosuch VALUES (1)")
	require.ErrorContains(t, err, "no such table: nosuch")
	_, err = db.QueryContext(ctx, "SELECT * FROM nosuch WHERE id = ?", 1)
	require.ErrorContains(t, err, "no such table: nosuch")
}

func TestSQLiteCountersAndLogger(t *testing.T) {
	var buf bytes.Buffer
	counters := interceptors.NewCounters()
	logger := interceptors.Logger(jsonLogger(&buf, slog.LevelDebug), interceptors.LogOptions{Node: "sqlite-0"})
	workload(t, openSQLite(t, sqliteConnector(t), counters, logger))

	assert.Equal(t, interceptors.CounterSnapshot{
		Connects: 1, Queries: 5, Execs: 9, Prepares: 2, Begins: 2, Commits: 1, Rollbacks: 1, Rows: 6, Errors: 2,
	}, counters.Snapshot())

	recs := records(t, &buf)
	ops := map[string]int{}
	var failed []map[string]any
	for _, rec := range recs {
		op, _ := rec["op"].(string)
		ops[op]++
		assert.Equal(t, "sqlite-0", rec["node"])
		assert.Equal(t, "grant "+op, rec["msg"])
		assert.IsType(t, float64(0), rec["duration"], "duration in nanoseconds")
		assert.NotContains(t, rec, "args", "arguments are off by default")
		switch op {
		case "begin", "commit", "rollback":
			assert.NotContains(t, rec, "statement")
		default:
			assert.NotEmpty(t, rec["statement"])
		}
		if rec["level"] == "ERROR" {
			failed = append(failed, rec)
			continue
		}
		assert.Equal(t, "DEBUG", rec["level"])
		assert.NotContains(t, rec, "error")
	}
	assert.Equal(t, map[string]int{
		"exec": 7, "stmt exec": 2, "query": 3, "stmt query": 2, "prepare": 2, "begin": 2, "commit": 1, "rollback": 1,
	}, ops)
	require.Len(t, failed, 2)
	assert.Equal(t, "exec", failed[0]["op"])
	assert.Equal(t, "INSERT INTO nosuch VALUES (1)", failed[0]["statement"])
	assert.Contains(t, failed[0]["error"], "no such table: nosuch")
	assert.Equal(t, "query", failed[1]["op"])
	assert.Contains(t, failed[1]["error"], "no such table: nosuch")
}

func TestSQLiteLoggerArgs(t *testing.T) {
	ctx := context.Background()
	var buf bytes.Buffer
	logger := interceptors.Logger(jsonLogger(&buf, slog.LevelDebug), interceptors.LogOptions{Node: "n", Args: true})
	db := openSQLite(t, sqliteConnector(t), logger)
	_, err := db.ExecContext(ctx, "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)")
	require.NoError(t, err)
	_, err = db.ExecContext(ctx, "INSERT INTO t VALUES (?, ?)", 1, "secret")
	require.NoError(t, err)
	st, err := db.PrepareContext(ctx, "SELECT name FROM t WHERE id = ?")
	require.NoError(t, err)
	defer st.Close()
	var name string
	require.NoError(t, st.QueryRowContext(ctx, 1).Scan(&name))

	recs := records(t, &buf)
	require.Len(t, recs, 4)
	assert.NotContains(t, recs[0], "args", "a statement without arguments has none")
	assert.Equal(t, []any{float64(1), "secret"}, recs[1]["args"])
	assert.Equal(t, "prepare", recs[2]["op"])
	assert.NotContains(t, recs[2], "args")
	assert.Equal(t, "stmt query", recs[3]["op"])
	assert.Equal(t, []any{float64(1)}, recs[3]["args"])
}

func TestSQLiteLoggerLevels(t *testing.T) {
	ctx := context.Background()
	var buf bytes.Buffer
	logger := interceptors.Logger(jsonLogger(&buf, slog.LevelDebug), interceptors.LogOptions{Level: slog.LevelWarn})
	db := openSQLite(t, sqliteConnector(t), logger)
	_, err := db.ExecContext(ctx, "CREATE TABLE t (id INTEGER)")
	require.NoError(t, err)
	recs := records(t, &buf)
	require.Len(t, recs, 1)
	assert.Equal(t, "WARN", recs[0]["level"])

	buf.Reset()
	quiet := interceptors.Logger(jsonLogger(&buf, slog.LevelInfo), interceptors.LogOptions{})
	db = openSQLite(t, sqliteConnector(t), quiet)
	_, err = db.ExecContext(ctx, "CREATE TABLE t (id INTEGER)")
	require.NoError(t, err)
	assert.Zero(t, buf.Len(), "Debug records are dropped by an Info handler")
	_, err = db.ExecContext(ctx, "SELECT * FROM nosuch")
	require.Error(t, err)
	recs = records(t, &buf)
	require.Len(t, recs, 1)
	assert.Equal(t, "ERROR", recs[0]["level"])
	assert.Contains(t, recs[0]["error"], "no such table")
}

func TestSQLiteUnwrapAndRows(t *testing.T) {
	ctx := context.Background()
	c := sqliteConnector(t)
	db := openSQLite(t, interceptors.Wrap(c, interceptors.NewCounters()), sqlmw.NullInterceptor{})
	_, err := db.ExecContext(ctx, "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, price DECIMAL(10,2))")
	require.NoError(t, err)
	_, err = db.ExecContext(ctx, "INSERT INTO t VALUES (1, 'a', 2.5)")
	require.NoError(t, err)

	withRaw(t, db, func(dc driver.Conn) {
		base := interceptors.Unwrap(dc)
		assert.Equal(t, "*sqlite.conn", fmt.Sprintf("%T", base))
		raw, err := base.(driver.QueryerContext).QueryContext(ctx, "SELECT * FROM t", nil)
		require.NoError(t, err)
		defer raw.Close()
		wrapped, err := dc.(driver.QueryerContext).QueryContext(ctx, "SELECT * FROM t", nil)
		require.NoError(t, err)
		defer wrapped.Close()
		assert.Equal(t, raw.Columns(), wrapped.Columns())
		assert.Equal(t, hasColumnScanner(raw), hasColumnScanner(wrapped),
			"the column scanner only when the base has it")
	})

	rawDB := openSQLite(t, c)
	assert.Equal(t, columnTypes(t, rawDB, "SELECT * FROM t"), columnTypes(t, db, "SELECT * FROM t"))
}
