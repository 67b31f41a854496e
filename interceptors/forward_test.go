package interceptors_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"testing"

	"github.com/ngrok/sqlmw"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/interceptors"
	"github.com/grantsql/grant/internal/fakedb"
)

// openWrapped opens the fake through a chain of one Counters and a
// pass-through interceptor, so every call crosses two layers.
func openWrapped(t *testing.T, fake *fakedb.DB) *sql.DB {
	t.Helper()
	db := sql.OpenDB(interceptors.Wrap(fake.Connector(), interceptors.NewCounters(), sqlmw.NullInterceptor{}))
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func openRaw(t *testing.T, fake *fakedb.DB) *sql.DB {
	t.Helper()
	db := sql.OpenDB(fake.Connector())
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// withRaw runs f on the driver connection database/sql holds for db.
func withRaw(t *testing.T, db *sql.DB, f func(dc driver.Conn)) {
	t.Helper()
	conn, err := db.Conn(context.Background())
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.Raw(func(dc any) error { f(dc.(driver.Conn)); return nil }))
}

// chainOf returns recorders a (and b with two layers) over the fake.
func chainOf(fake *fakedb.DB, layers int) []sqlmw.Interceptor {
	if layers == 1 {
		return []sqlmw.Interceptor{recorder{"a", fake}}
	}
	return []sqlmw.Interceptor{recorder{"a", fake}, recorder{"b", fake}}
}

// around is the log of chainOf(layers) around base calls.
func around(layers int, op string, base ...string) []string {
	if layers == 2 {
		return nested(op, base...)
	}
	return append(append([]string{"a>" + op}, base...), "a<"+op)
}

func TestNamedValueCheckerForwarded(t *testing.T) {
	ctx := context.Background()
	fake := fakedb.New("fake", fakedb.CapAll)
	db := openWrapped(t, fake)

	rows, err := db.QueryContext(ctx, "q", []int64{1, 2, 3}, fakedb.ConnArg("x"))
	require.NoError(t, err)
	require.NoError(t, rows.Close())
	args := fake.LastArgs()
	require.Len(t, args, 2)
	assert.Equal(t, []int64{1, 2, 3}, args[0].Value, "the custom type reaches the base unchanged")
	assert.Equal(t, "conn:x", args[1].Value)

	_, err = db.ExecContext(ctx, "e", []int64{4})
	require.NoError(t, err)
	assert.Equal(t, []int64{4}, fake.LastArgs()[0].Value)
}

func TestWithoutNamedValueCheckerDefaultConversion(t *testing.T) {
	ctx := context.Background()
	for name, open := range map[string]func(*testing.T, *fakedb.DB) *sql.DB{"raw": openRaw, "wrapped": openWrapped} {
		t.Run(name, func(t *testing.T) {
			fake := fakedb.New("fake", fakedb.CapAll&^fakedb.CapCheck)
			db := open(t, fake)
			_, err := db.ExecContext(ctx, "e", 5, int8(6), fakedb.ConnArg("x"))
			require.NoError(t, err)
			args := fake.LastArgs()
			require.Len(t, args, 3)
			assert.Equal(t, int64(5), args[0].Value)
			assert.Equal(t, int64(6), args[1].Value)
			assert.Equal(t, "x", args[2].Value)

			_, err = db.QueryContext(ctx, "q", []int64{1})
			require.Error(t, err)
			assert.Equal(t, "sql: converting argument $1 type: unsupported type []int64, a slice of int64", err.Error())
			assert.Equal(t, 0, fake.Count("conn.query"), "a rejected argument never reaches the base")
		})
	}
}

func TestSessionResetterAndValidatorForwarded(t *testing.T) {
	ctx := context.Background()
	query := func(db *sql.DB) error {
		rows, err := db.QueryContext(ctx, "q")
		if err != nil {
			return err
		}
		return rows.Close()
	}
	t.Run("reset on reuse", func(t *testing.T) {
		fake := fakedb.New("fake", fakedb.CapAll)
		db := openWrapped(t, fake)
		require.NoError(t, query(db))
		require.NoError(t, query(db))
		assert.Equal(t, 1, fake.Count("connect"))
		assert.Equal(t, 1, fake.Count("reset"), "database/sql resets the session before reusing it")
	})
	t.Run("reset says bad conn", func(t *testing.T) {
		fake := fakedb.New("fake", fakedb.CapAll)
		fake.FailOn("reset", "", 0, driver.ErrBadConn)
		db := openWrapped(t, fake)
		require.NoError(t, query(db))
		require.NoError(t, query(db))
		assert.Equal(t, 2, fake.Count("connect"), "the connection that failed its reset is replaced")
		assert.Equal(t, 1, fake.Count("conn.close"))
	})
	t.Run("invalid connection is not reused", func(t *testing.T) {
		fake := fakedb.New("fake", fakedb.CapAll)
		fake.Valid = false
		db := openWrapped(t, fake)
		require.NoError(t, query(db))
		require.NoError(t, query(db))
		assert.Equal(t, 2, fake.Count("connect"))
		assert.Equal(t, 0, fake.Count("reset"))
		withRaw(t, db, func(dc driver.Conn) { assert.False(t, dc.(driver.Validator).IsValid()) })
	})
	t.Run("fallbacks without the interfaces", func(t *testing.T) {
		fake := fakedb.New("fake", fakedb.CapExec|fakedb.CapQuery)
		db := openWrapped(t, fake)
		require.NoError(t, query(db))
		require.NoError(t, query(db))
		assert.Equal(t, 1, fake.Count("connect"))
		withRaw(t, db, func(dc driver.Conn) {
			assert.NoError(t, dc.(driver.SessionResetter).ResetSession(ctx))
			assert.True(t, dc.(driver.Validator).IsValid())
			assert.NoError(t, dc.(driver.Pinger).Ping(ctx))
		})
	})
}

func TestPingerForwarded(t *testing.T) {
	ctx := context.Background()
	t.Run("base pings", func(t *testing.T) {
		fake := fakedb.New("fake", fakedb.CapAll)
		db := sql.OpenDB(interceptors.Wrap(fake.Connector(), recorder{"a", fake}, recorder{"b", fake}))
		defer db.Close()
		require.NoError(t, db.PingContext(ctx))
		assert.Equal(t, append(nested("connect", "connect"), nested("ping", "ping")...), fake.Take())
	})
	t.Run("ping error", func(t *testing.T) {
		fake := fakedb.New("fake", fakedb.CapAll)
		fake.FailOn("ping", "", 0, &fakedb.Error{Op: "ping", Code: 3})
		err := openWrapped(t, fake).PingContext(ctx)
		var fe *fakedb.Error
		require.ErrorAs(t, err, &fe)
		assert.Equal(t, 3, fe.Code)
	})
	for layers := 1; layers <= 2; layers++ {
		t.Run(fmt.Sprintf("base without Pinger, %d layers", layers), func(t *testing.T) {
			fake := fakedb.New("fake", fakedb.CapExec|fakedb.CapQuery)
			db := sql.OpenDB(interceptors.Wrap(fake.Connector(), chainOf(fake, layers)...))
			defer db.Close()
			require.NoError(t, db.PingContext(ctx))
			assert.Equal(t, around(layers, "connect", "connect"), fake.Take(), "no ping reaches the chain or the base")
		})
	}
}

func TestExecerAbsentFallsBackToPrepare(t *testing.T) {
	ctx := context.Background()
	for layers := 1; layers <= 2; layers++ {
		t.Run(fmt.Sprintf("%d layers", layers), func(t *testing.T) {
			fake := fakedb.New("fake", fakedb.CapAll&^fakedb.CapExec)
			_, conn := openConn(t, interceptors.Wrap(fake.Connector(), chainOf(fake, layers)...))
			fake.Take()
			_, err := conn.ExecContext(ctx, "INSERT", 1)
			require.NoError(t, err)
			want := around(layers, "prepare", "conn.prepare INSERT")
			want = append(want, around(layers, "stmtExec", "stmt.exec INSERT")...)
			want = append(want, around(layers, "stmtClose", "stmt.close INSERT")...)
			assert.Equal(t, want, fake.Take(), "no ExecerContext: database/sql prepares")
			assert.Equal(t, int64(1), fake.LastArgs()[0].Value)
		})
	}
	t.Run("unwrapped", func(t *testing.T) {
		raw := fakedb.New("fake", fakedb.CapAll&^fakedb.CapExec)
		_, conn := openConn(t, raw.Connector())
		raw.Take()
		_, err := conn.ExecContext(ctx, "INSERT", 1)
		require.NoError(t, err)
		assert.Equal(t, []string{"conn.prepare INSERT", "stmt.exec INSERT", "stmt.close INSERT"}, raw.Take())
	})
}

func TestQueryerAbsentFallsBackToPrepare(t *testing.T) {
	ctx := context.Background()
	for layers := 1; layers <= 2; layers++ {
		t.Run(fmt.Sprintf("%d layers", layers), func(t *testing.T) {
			fake := fakedb.New("fake", 0)
			_, conn := openConn(t, interceptors.Wrap(fake.Connector(), chainOf(fake, layers)...))
			fake.Take()
			rows, err := conn.QueryContext(ctx, "q", 1)
			require.NoError(t, err)
			want := append(around(layers, "prepare", "conn.prepare q"), around(layers, "stmtQuery", "stmt.query q")...)
			assert.Equal(t, want, fake.Take())
			require.NoError(t, rows.Close())
			want = append(around(layers, "rowsClose", "rows.close"), around(layers, "stmtClose", "stmt.close q")...)
			assert.Equal(t, want, fake.Take())
		})
	}
}

// TestErrSkipFromBaseFallsBackToPrepare covers drivers such as
// go-sql-driver/mysql without interpolateParams, whose ExecContext answers
// driver.ErrSkip when the statement has arguments.
func TestErrSkipFromBaseFallsBackToPrepare(t *testing.T) {
	fake := fakedb.New("fake", fakedb.CapAll)
	fake.FailOn("conn.exec", "", 0, driver.ErrSkip)
	counters := interceptors.NewCounters()
	_, conn := openConn(t, interceptors.Wrap(fake.Connector(), counters))
	fake.Take()
	res, err := conn.ExecContext(context.Background(), "e", 1)
	require.NoError(t, err)
	n, err := res.RowsAffected()
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)
	assert.Equal(t, []string{"conn.exec e", "conn.prepare e", "stmt.exec e", "stmt.close e"}, fake.Take())
	s := counters.Snapshot()
	assert.Equal(t, int64(1), s.Prepares)
	assert.Zero(t, s.Errors, "driver.ErrSkip is no error")
}

func TestCountersIgnoreSkippedFastPath(t *testing.T) {
	fake := fakedb.New("fake", fakedb.CapAll)
	fake.FailOn("conn.exec", "", 0, driver.ErrSkip)
	counters := interceptors.NewCounters()
	_, conn := openConn(t, interceptors.Wrap(fake.Connector(), counters))
	_, err := conn.ExecContext(context.Background(), "e", 1)
	require.NoError(t, err)
	assert.Equal(t, int64(1), counters.Snapshot().Execs, "one statement ran on the node")
}
