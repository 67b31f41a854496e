package lockrewrite

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/locking"
)

func TestServerFor(t *testing.T) {
	require.Equal(t, Postgres, ServerFor(dialect.Postgres, "PostgreSQL 15.18"))
	require.Equal(t, SQLite, ServerFor(dialect.SQLite, ""))
	require.Equal(t, MariaDB, ServerFor(dialect.MySQL, "10.11.19-MariaDB-0+deb12u1-log"))
	require.Equal(t, MariaDB, ServerFor(dialect.MySQL, ""))
	require.Equal(t, MySQL, ServerFor(dialect.MySQL, "8.0.36"))
	require.Equal(t, Server(0), ServerFor(dialect.Unknown, ""))
	require.Equal(t, "unknown", Server(0).String())
	require.Equal(t, dialect.Unknown, Server(0).Dialect())
	for _, s := range []Server{Postgres, MariaDB, MySQL, SQLite} {
		require.True(t, s.Dialect().Valid(), s.String())
	}
}

func TestIdent(t *testing.T) {
	for _, c := range []struct {
		d          dialect.Dialect
		name, want string
	}{
		{dialect.Postgres, "lock_version", "lock_version"},
		{dialect.Postgres, "LockVersion", `"LockVersion"`},
		{dialect.Postgres, "order", `"order"`},
		{dialect.Postgres, "1st", `"1st"`},
		{dialect.Postgres, `we"ird`, `"we""ird"`},
		{dialect.MySQL, "LockVersion", "LockVersion"},
		{dialect.MySQL, "lock", "`lock`"},
		{dialect.MySQL, "a b", "`a b`"},
		{dialect.SQLite, "version", "version"},
		{dialect.SQLite, "a.b", `"a.b"`},
	} {
		require.Equal(t, c.want, ident(c.d, c.name), "%s %q", c.d, c.name)
	}
}

func TestVersionArgs(t *testing.T) {
	v := &Version{Arg: Arg{Index: 1}}
	args := []driver.NamedValue{{Ordinal: 1, Value: "a"}, {Name: "id", Ordinal: 2, Value: int64(5)}, {Ordinal: 3, Value: int64(10)}}
	got := v.Args(args, 7)
	require.Equal(t, []driver.NamedValue{
		{Ordinal: 1, Value: "a"}, {Ordinal: 2, Value: int64(7)}, {Name: "id", Ordinal: 3, Value: int64(5)}, {Ordinal: 4, Value: int64(10)},
	}, got)
	require.Equal(t, 2, args[1].Ordinal, "the input is not modified")

	require.Equal(t, []driver.NamedValue{{Ordinal: 1, Value: int64(7)}}, (&Version{Arg: Arg{Index: 3}}).Args(nil, 7), "an index past the end appends")
	require.Equal(t, int64(7), (&Version{Arg: Arg{Index: -1}}).Args(args, 7)[0].Value)
}

func TestSettingRestore(t *testing.T) {
	q, args, err := pgLockTimeout(time.Second).Restore("5s")
	require.NoError(t, err)
	require.Equal(t, "SELECT set_config('lock_timeout', $1, true)", q)
	require.Equal(t, []any{"5s"}, args)

	q, args, err = mysqlLockTimeout(1500 * time.Millisecond).Restore("50")
	require.NoError(t, err)
	require.Equal(t, "SET SESSION innodb_lock_wait_timeout = 50", q)
	require.Empty(t, args)

	_, _, err = sqliteBusyTimeout(0).Restore("5000; DROP TABLE t")
	require.Error(t, err, "a saved value that is not an integer is never spliced in")
	_, _, err = sqliteBusyTimeout(0).Restore("-1")
	require.Error(t, err)

	require.Equal(t, int64(2), mysqlLockTimeout(1001*time.Millisecond).Value, "seconds round up")
	require.Equal(t, int64(1), pgLockTimeout(time.Nanosecond).Value, "never 0, which would disable the timeout")
}

func TestBeginFor(t *testing.T) {
	for _, s := range []Server{Postgres, MariaDB, MySQL} {
		b, err := BeginFor(s, locking.Request{Strength: locking.Update})
		require.NoError(t, err)
		require.Nil(t, b, "%s locks rows, not the database", s)
	}
	b, err := BeginFor(SQLite, locking.Request{Strength: locking.Share, Of: []string{"t"}})
	require.NoError(t, err)
	require.Equal(t, &Begin{SQL: "BEGIN IMMEDIATE"}, b)
	b, err = BeginFor(SQLite, locking.Request{Strength: locking.Update, Timeout: 1500 * time.Microsecond})
	require.NoError(t, err)
	require.Equal(t, "PRAGMA busy_timeout = 2", b.Timeout.Set)
	b, err = BeginFor(SQLite, locking.Request{Strength: locking.Update, Wait: locking.FailFast, Timeout: time.Second})
	require.NoError(t, err)
	require.Equal(t, "PRAGMA busy_timeout = 0", b.Timeout.Set, "NOWAIT wins over a timeout")
	_, err = BeginFor(SQLite, locking.Request{Strength: locking.Update, Wait: locking.Skip})
	require.ErrorIs(t, err, locking.ErrCannotLock)
	_, err = BeginFor(SQLite, locking.Request{Strength: locking.KeyShare})
	require.ErrorIs(t, err, locking.ErrCannotLock)
}

func TestInvalidRequests(t *testing.T) {
	st := analyze.Analyze(dialect.Postgres, "SELECT * FROM t")
	for _, r := range []locking.Request{
		{},
		{Strength: 9},
		{Strength: locking.Update, Timeout: -time.Second},
		{Strength: locking.Update, Wait: 7},
		{Strength: locking.Update, Of: []string{"t", ""}},
	} {
		_, err := Pessimistic(Postgres, st, r)
		require.ErrorIs(t, err, locking.ErrCannotLock, "%+v", r)
	}
	// A request the server cannot honour is refused for any statement.
	upd := analyze.Analyze(dialect.MySQL, "UPDATE t SET a = 1")
	_, err := New(MariaDB, nil, 0).Lock(upd, locking.Request{Strength: locking.NoKeyUpdate})
	require.ErrorIs(t, err, locking.ErrCannotLock)
	l, err := New(MariaDB, nil, 0).Lock(upd, locking.Request{Strength: locking.Update})
	require.NoError(t, err)
	require.False(t, l.Changed || l.Locks)
	require.Same(t, upd, l.Statement)
}

func TestRefusalErrors(t *testing.T) {
	r := locking.Request{Strength: locking.Update}
	err := OutsideTx("SELECT 1", r)
	require.ErrorIs(t, err, locking.ErrLockOutsideTx)
	require.Contains(t, err.Error(), `"SELECT 1"`)
	require.ErrorIs(t, NoWriteLock("SELECT 1"), locking.ErrCannotLock)
	require.Contains(t, NoWriteLock("SELECT 1").Error(), "BEGIN IMMEDIATE")
	require.ErrorIs(t, ReadOnlyTx("SELECT 1", r), locking.ErrCannotLock)

	_, err = Pessimistic(Postgres, analyze.Analyze(dialect.Postgres, "SELECT count(*) FROM t"), r)
	var le *locking.Error
	require.True(t, errors.As(err, &le))
	require.Equal(t, "SELECT count(*) FROM t", le.Statement)
	require.Equal(t, `locking: cannot lock rows of "SELECT count(*) FROM t": PostgreSQL does not allow FOR UPDATE with aggregate functions`, err.Error())
}

func TestOptimisticWithoutColumn(t *testing.T) {
	st := analyze.Analyze(dialect.Postgres, "UPDATE accounts SET a = 1 WHERE id = $1")
	for _, cfg := range []*locking.Config{nil, {}, {VersionColumns: map[string]string{"users": "v"}}} {
		_, err := Optimistic(st, cfg)
		require.ErrorIs(t, err, locking.ErrCannotCheckVersion)
		require.Contains(t, err.Error(), "table accounts has no version column")
	}
}

// TestRewritesAnalyzeAsExpected checks, over the corpora, that a rewritten
// SELECT is understood as a locking read (so routing sends it to the
// primary) and a rewritten UPDATE or DELETE still fully parses, with one
// more parameter.
func TestRewritesAnalyzeAsExpected(t *testing.T) {
	for _, c := range lockCorpora {
		for _, cc := range readCorpus(t, "lock", c.file) {
			st := analyze.Analyze(c.server.Dialect(), cc.sql)
			for _, rs := range cc.requests {
				l, err := Pessimistic(c.server, st, parseRequest(t, rs))
				if err != nil || !l.Changed {
					continue
				}
				require.NotNil(t, l.Statement.Locking, "%s: %s", cc.name, l.SQL)
				require.False(t, l.Statement.Read, "%s", cc.name)
				require.True(t, l.Statement.Full, "%s: %s", cc.name, l.Statement.NotFull)
				require.Equal(t, st.Params, l.Statement.Params)
			}
		}
	}
	for _, s := range []Server{Postgres, MariaDB, SQLite} {
		for _, cc := range readCorpus(t, "version", s.Dialect().String()) {
			v, err := Optimistic(analyze.Analyze(s.Dialect(), cc.sql), versionConfig())
			if err != nil || !v.Changed {
				continue
			}
			require.True(t, v.Statement.Full, "%s: %s", cc.name, v.Statement.NotFull)
			require.Equal(t, analyze.Analyze(s.Dialect(), cc.sql).Kind, v.Statement.Kind)
		}
	}
}

func TestRewriterCaches(t *testing.T) {
	w := New(Postgres, &locking.Config{VersionColumn: "v"}, 64)
	sel := analyze.Analyze(dialect.Postgres, "SELECT * FROM t WHERE id = $1")
	r := locking.Request{Strength: locking.Update, Of: []string{"t"}}
	a, err := w.Lock(sel, r)
	require.NoError(t, err)
	b, err := w.Lock(sel, locking.Request{Strength: locking.Update, Of: []string{"t"}})
	require.NoError(t, err)
	require.Same(t, a, b, "the same text and request is served from the cache")
	c, err := w.Lock(sel, locking.Request{Strength: locking.Update, Of: []string{"t"}, Wait: locking.FailFast})
	require.NoError(t, err)
	require.NotSame(t, a, c)
	require.Equal(t, "SELECT * FROM t WHERE id = $1 FOR UPDATE OF t NOWAIT", c.SQL)

	agg := analyze.Analyze(dialect.Postgres, "SELECT count(*) FROM t")
	_, err1 := w.Lock(agg, r)
	_, err2 := w.Lock(agg, r)
	require.Error(t, err1)
	require.Same(t, err1, err2, "refusals are cached too")

	upd := analyze.Analyze(dialect.Postgres, "UPDATE t SET a = $1 WHERE id = $2")
	v1, err := w.Version(upd)
	require.NoError(t, err)
	v2, err := w.Version(upd)
	require.NoError(t, err)
	require.Same(t, v1, v2)
	require.Equal(t, 4, w.Len())

	// Bounded: many texts keep at most the capacity.
	for i := range 1000 {
		_, err := w.Lock(analyze.Analyze(dialect.Postgres, fmt.Sprintf("SELECT * FROM t WHERE id = %d", i)), r)
		require.NoError(t, err)
	}
	require.LessOrEqual(t, w.Len(), 64)
	require.Equal(t, Postgres, w.Server())
}

func TestRewriterConcurrent(t *testing.T) {
	w := New(MariaDB, &locking.Config{VersionColumn: "v"}, 32)
	stmts := make([]*analyze.Statement, 100)
	for i := range stmts {
		stmts[i] = analyze.Analyze(dialect.MySQL, fmt.Sprintf("SELECT * FROM t WHERE id = %d", i))
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 2000 {
				st := stmts[(i*7+g)%len(stmts)]
				l, err := w.Lock(st, locking.Request{Strength: locking.Share})
				if err != nil || l.SQL != st.SQL+" LOCK IN SHARE MODE" {
					t.Errorf("%v %v", l, err)
					return
				}
			}
		})
	}
	wg.Wait()
	require.LessOrEqual(t, w.Len(), 32)
}

func TestLongStatementsAreNotCached(t *testing.T) {
	w := New(Postgres, &locking.Config{VersionColumn: "v"}, 0)
	long := "SELECT * FROM t WHERE a IN (" + fmt.Sprint(make([]int, 10000)) + ")"
	st := analyze.Analyze(dialect.Postgres, long)
	_, _ = w.Lock(st, locking.Request{Strength: locking.Update})
	require.Zero(t, w.Len())
}

func TestDialectMismatch(t *testing.T) {
	_, err := Pessimistic(Postgres, analyze.Analyze(dialect.MySQL, "SELECT 1"), locking.Request{Strength: locking.Update})
	require.ErrorIs(t, err, locking.ErrCannotLock)
}
