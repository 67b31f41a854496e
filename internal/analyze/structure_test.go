package analyze

import (
	"testing"

	"github.com/grantsql/grant/dialect"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// splice replaces span sp of s with repl, the way a rewriter would.
func splice(s string, sp Span, repl string) string { return s[:sp.Start] + repl + s[sp.End:] }

func TestSpansSplice(t *testing.T) {
	sql := "SELECT id /* keep */ FROM t WHERE a = $1 ORDER BY id LIMIT 10 OFFSET 20 -- tail"
	st := Analyze(pgD, sql)
	require.True(t, st.Full, st.NotFull)
	l := st.Select.Limit
	assert.Equal(t, "LIMIT 10 OFFSET 20", st.Text(l.Span))
	got := splice(sql, l.Span, "LIMIT 30")
	assert.Equal(t, "SELECT id /* keep */ FROM t WHERE a = $1 ORDER BY id LIMIT 30 -- tail", got)

	sql = "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4) RETURNING id"
	st = Analyze(pgD, sql)
	ins := st.Insert
	require.NotNil(t, ins)
	assert.Equal(t, "($1, $2), ($3, $4)", st.Text(*ins.ValuesSpan))
	assert.Equal(t, "(a, b)", st.Text(*ins.ColumnsSpan))
	assert.Equal(t, "($3, $4)", st.Text(ins.Rows[1].Span))
	assert.Equal(t, 3, ins.Rows[1].Values[0].Value.Ordinal)
	assert.Equal(t, "RETURNING id", st.Text(ins.Returning.Span))
	assert.Equal(t, "INSERT INTO t (a, b) VALUES ($3, $4) RETURNING id",
		splice(sql, *ins.ValuesSpan, st.Text(ins.Rows[1].Span)))
}

func TestSubqueryPlaces(t *testing.T) {
	st := Analyze(pgD, `SELECT (SELECT max(x) FROM a) AS m FROM b JOIN (SELECT * FROM c) cc ON cc.id = b.id
		WHERE EXISTS (SELECT 1 FROM d WHERE d.b = b.id) GROUP BY 1 HAVING count(*) > (SELECT 1 FROM e)`)
	require.True(t, st.Full, st.NotFull)
	var clauses []string
	for _, s := range st.Select.Subqueries {
		clauses = append(clauses, s.Clause)
	}
	assert.Equal(t, []string{"select", "join", "where", "having"}, clauses)
	assert.Equal(t, []string{"a", "b", "c", "d", "e"}, st.TableNames())
	assert.True(t, st.Select.From[1].Derived)
	assert.Equal(t, "cc", st.Select.From[1].Alias)
}

func TestCTEScope(t *testing.T) {
	st := Analyze(pgD, "WITH users AS (SELECT * FROM accounts) SELECT * FROM users, public.users")
	require.True(t, st.Full)
	assert.Equal(t, []string{"accounts", "public.users"}, st.TableNames())
	assert.True(t, st.Select.From[0].CTE)
	assert.False(t, st.Select.From[1].CTE)
}

func TestSelectItems(t *testing.T) {
	st := Analyze(myD, "SELECT t.*, COUNT(DISTINCT a) c, SUM(b) / 2, `x` AS 'y', MAX(z) OVER () FROM t")
	require.True(t, st.Full, st.NotFull)
	it := st.Select.Items
	assert.Equal(t, ItemQualifiedStar, it[0].Kind)
	assert.Equal(t, "t", it[0].Qualifier)
	assert.Equal(t, ItemAggregate, it[1].Kind)
	assert.Equal(t, &Aggregate{Func: "count", Distinct: true, Arg: Span{27, 28}, Text: "a"}, it[1].Agg)
	assert.Equal(t, "c", it[1].Alias)
	assert.True(t, it[2].Complex)
	assert.Equal(t, ItemColumn, it[3].Kind)
	assert.Equal(t, "y", it[3].Alias)
	assert.True(t, it[4].Window)
	assert.False(t, it[4].HasAggregate)
	assert.True(t, st.Select.ComplexAggregate)
	assert.True(t, st.Select.Window)
}

func TestPlaceholderOrdinals(t *testing.T) {
	st := Analyze(myD, "UPDATE t SET a = ?, b = ? WHERE id IN (?, ?) LIMIT ?")
	require.True(t, st.Full)
	u := st.Update
	assert.Equal(t, 1, u.Set[0].Value.Value.Ordinal)
	assert.Equal(t, 2, u.Set[1].Value.Value.Ordinal)
	assert.Equal(t, CondIn, u.Where.Conjuncts[0].Kind)
	assert.Equal(t, 4, u.Where.Conjuncts[0].Values[1].Value.Ordinal)
	assert.Equal(t, 5, u.Limit.Count.Value.Ordinal)
	assert.Equal(t, 5, st.Params)
}

// TestNotFull lists constructs the structural parser does not claim to
// understand; classification must still be right.
func TestNotFull(t *testing.T) {
	for _, c := range []struct {
		d    dialect.Dialect
		sql  string
		kind Kind
	}{
		{myD, "DELETE t1 FROM t1 JOIN t2 ON t1.id = t2.id", KindDelete},
		{myD, "UPDATE t1 JOIN t2 ON t1.id = t2.id SET t1.a = 1", KindUpdate},
		{pgD, "UPDATE t SET (a, b) = (1, 2)", KindUpdate},
		{pgD, "DELETE FROM t WHERE CURRENT OF c", KindDelete},
		{pgD, "WITH RECURSIVE t(n) AS (SELECT 1) SEARCH DEPTH FIRST BY n SET o SELECT * FROM t", KindSelect},
		{myD, "SELECT a FROM t INTO OUTFILE '/tmp/x' FIELDS TERMINATED BY ','", KindSelect},
		{myD, "SELECT /*! STRAIGHT_JOIN */ a FROM t", KindSelect},
		{pgD, "SELECT 1; SELECT 2", KindSelect},
		{pgD, "SHOW ALL", KindShow},
	} {
		st := Analyze(c.d, c.sql)
		assert.False(t, st.Full, c.sql)
		assert.NotEmpty(t, st.NotFull, c.sql)
		assert.Equal(t, c.kind, st.Kind, c.sql)
		assert.Nil(t, st.Select, c.sql)
		if c.d == myD {
			assert.NotEmpty(t, st.Tables, c.sql)
		}
	}
}
