package analyze

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/grantsql/grant/dialect"
)

func TestEffects(t *testing.T) {
	for _, c := range []struct {
		d    dialect.Dialect
		sql  string
		want Effects
	}{
		{dialect.Postgres, "SELECT 1", ReplicaSafe},
		{dialect.Postgres, "INSERT INTO t VALUES (1)", Writes | NeedsPrimary | LeavesResults},
		{dialect.Postgres, "SELECT nextval('s')", Writes | NeedsPrimary | LeavesResults},
		{dialect.Postgres, "SELECT currval('s')", NeedsPrimary | ReplicaSafe | ReadsResults},
		{dialect.Postgres, "SELECT pg_backend_pid()", NeedsPrimary | PinsSession | SideEffects},
		{dialect.MySQL, "SELECT CONNECTION_ID()", NeedsPrimary | PinsSession | SideEffects},
		{dialect.MySQL, "SET STATEMENT max_statement_time=1 FOR SELECT * FROM t", ReplicaSafe},
		{dialect.MySQL, "SET STATEMENT max_statement_time=1, sql_mode='' FOR UPDATE t SET a = 1", Writes | NeedsPrimary | LeavesResults},
		{dialect.MySQL, "SELECT FOUND_ROWS()", NeedsPrimary | ReplicaSafe | ReadsResults},
		{dialect.MySQL, "SELECT @@identity", NeedsPrimary | ReplicaSafe | ReadsResults},
		{dialect.Postgres, "SELECT * FROM t FOR UPDATE", NeedsPrimary | LocksRows},
		{dialect.Postgres, "SELECT pg_advisory_lock(1)", NeedsPrimary | PinsSession | SideEffects},
		{dialect.Postgres, "SELECT pg_advisory_lock(1), nextval('s')", Writes | NeedsPrimary | PinsSession | LeavesResults | SideEffects},
		{dialect.Postgres, "SELECT wfn()", ReplicaSafe | UnknownCalls},
		{dialect.Postgres, "SELECT * FROM t ORDER BY app.wfn(t.id)", ReplicaSafe | UnknownCalls},
		{dialect.Postgres, "SELECT count(*), lower(name), now()::date, cast(x AS numeric(10,2)) FROM t", ReplicaSafe},
		{dialect.Postgres, "WITH a(x, y) AS (SELECT 1, 2) SELECT * FROM a", ReplicaSafe},
		{dialect.Postgres, "SELECT * FROM generate_series(1, 3)", ReplicaSafe},
		{dialect.SQLite, "PRAGMA table_info(users)", ReplicaSafe},
		{dialect.Postgres, "WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d FOR UPDATE", Writes | NeedsPrimary | LocksRows},
		{dialect.Postgres, "SELECT 1; DELETE FROM t", Writes | NeedsPrimary},
		{dialect.Postgres, "SET search_path = app", NeedsPrimary | PinsSession | ReplicaSafe},
		{dialect.Postgres, "SET LOCAL work_mem = '1MB'", NeedsPrimary | ReplicaSafe},
		{dialect.Postgres, "BEGIN", NeedsPrimary | ReplicaSafe},
		{dialect.Postgres, "LISTEN ch", NeedsPrimary | PinsSession},
		{dialect.Postgres, "DECLARE c CURSOR FOR SELECT 1", NeedsPrimary | PinsSession},
		{dialect.Postgres, "LOCK TABLE t IN SHARE MODE", NeedsPrimary},
		{dialect.Postgres, "RESET ALL", NeedsPrimary | PinsSession},
		{dialect.Postgres, "", NeedsPrimary | ReplicaSafe},
		{dialect.Postgres, "NOTIFY ch", Writes | NeedsPrimary},
		{dialect.Postgres, "EXECUTE p", Writes | NeedsPrimary | PinsSession},
		{dialect.Postgres, "VACUUM t", Writes | NeedsPrimary},
		{dialect.Postgres, "COPY t FROM STDIN", Writes | NeedsPrimary},
		{dialect.Postgres, "COMMIT PREPARED 'x'", Writes | NeedsPrimary},
		{dialect.Postgres, "SELECT * INTO t2 FROM t", Writes | NeedsPrimary},
		{dialect.Postgres, "SELECT pg_terminate_backend(42)", Writes | NeedsPrimary},
		{dialect.Postgres, "EXPLAIN DELETE FROM t", ReplicaSafe},
		{dialect.Postgres, "EXPLAIN (COSTS off) UPDATE t SET a = 1", ReplicaSafe},
		{dialect.Postgres, "EXPLAIN ANALYZE DELETE FROM t", Writes | NeedsPrimary},
		{dialect.Postgres, "EXPLAIN (ANALYZE, BUFFERS) UPDATE t SET a = 1", Writes | NeedsPrimary},
		{dialect.Postgres, "EXPLAIN (ANALYZE false) UPDATE t SET a = 1", ReplicaSafe},
		{dialect.MySQL, "SELECT LAST_INSERT_ID()", NeedsPrimary | ReplicaSafe | ReadsResults},
		{dialect.MySQL, "SELECT LAST_INSERT_ID(42)", NeedsPrimary | PinsSession},
		{dialect.MySQL, "SELECT GET_LOCK('a', 1)", NeedsPrimary | PinsSession | SideEffects},
		{dialect.MySQL, "SELECT @x := 1", NeedsPrimary | PinsSession},
		{dialect.MySQL, "FROBNICATE the widgets", Writes | NeedsPrimary},
		{dialect.SQLite, "SELECT changes()", NeedsPrimary | ReplicaSafe | ReadsResults},
	} {
		st := Analyze(c.d, c.sql)
		assert.Equal(t, c.want, st.Effects, "%s %q", c.d, c.sql)
	}
}

// The configuration decides where a function that is not built in runs.
func TestEffectsOfConfiguredFunctions(t *testing.T) {
	o := &Options{PrimaryFunction: func(name string) bool { return name == "wfn" || name == "app.audit" }}
	st := AnalyzeWith(dialect.Postgres, "SELECT wfn()", o)
	assert.Equal(t, Writes|NeedsPrimary, st.Effects)
	assert.Contains(t, st.Reason, "routing.primary_functions")
	st = AnalyzeWith(dialect.Postgres, "SELECT id FROM t WHERE app.audit(id)", o)
	assert.Equal(t, Writes|NeedsPrimary, st.Effects)
	st = AnalyzeWith(dialect.Postgres, "SELECT other()", o)
	assert.Equal(t, ReplicaSafe|UnknownCalls, st.Effects, "unknown functions stay on replicas by default")
	o.UnknownOnPrimary = true
	st = AnalyzeWith(dialect.Postgres, "SELECT other()", o)
	assert.Equal(t, NeedsPrimary|UnknownCalls, st.Effects)
	assert.Contains(t, st.Reason, "routing.unknown_functions: primary")
	st = AnalyzeWith(dialect.Postgres, "SELECT lower(name) FROM t", o)
	assert.Equal(t, ReplicaSafe, st.Effects, "built-ins stay on replicas")
}
