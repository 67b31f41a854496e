package merge

import (
	"context"
	"database/sql/driver"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
)

// Shard columns of SELECT g, COUNT(DISTINCT x), SUM(DISTINCT x), COUNT(*),
// AVG(DISTINCT x) ... GROUP BY g, x: 0 g, 1 COUNT(DISTINCT x), 2 SUM(DISTINCT x),
// 3 COUNT(*), 4 AVG(DISTINCT x), hidden 5 SUM(DISTINCT x), 6 COUNT(DISTINCT x), 7 x.
var distinctCols = []string{"g", "cd", "sd", "c", "ad", "ad_sum", "ad_count", "x"}

func distinctSpec(d dialect.Dialect, grouped bool) Spec {
	s := Spec{Dialect: d, Visible: 5, Aggregates: []Aggregate{
		{Func: Count, Column: 1, Distinct: true, ArgColumn: 7},
		{Func: Sum, Column: 2, Distinct: true, ArgColumn: 7},
		{Func: Count, Column: 3},
		{Func: Avg, Column: 4, SumColumn: 5, CountColumn: 6, Distinct: true, ArgColumn: 7},
	}}
	if grouped {
		s.GroupBy = []int{0}
	}
	return s
}

// sub is one shard row of the group g and the value x: its count is
// the rows of (g, x) on that shard.
func sub(g any, x any, count int64) []driver.Value {
	if x == nil {
		return row(g, int64(0), nil, count, nil, nil, int64(0), nil)
	}
	return row(g, int64(1), x, count, float64(x.(int64)), x, int64(1), x)
}

func TestDistinctAggregatesScalar(t *testing.T) {
	got := merged(t, distinctSpec(dialect.SQLite, false), shardsOf(distinctCols, nil,
		rowsOf(sub("a", int64(1), 2), sub("a", int64(2), 1), sub("a", nil, 3)),
		rowsOf(sub("a", int64(2), 4), sub("a", int64(5), 1)),
		rowsOf(),
	))
	require.Len(t, got, 1)
	// Distinct values 1, 2, 5: count 3, sum 8, avg 8/3; rows 11.
	assert.Equal(t, row("a", int64(3), int64(8), int64(11), 8.0/3), got[0])
}

func TestDistinctAggregatesEmpty(t *testing.T) {
	got := merged(t, distinctSpec(dialect.SQLite, false), shardsOf(distinctCols, nil, rowsOf(), rowsOf()))
	require.Len(t, got, 1)
	assert.Equal(t, row(nil, int64(0), nil, int64(0), nil), got[0])
	got = merged(t, distinctSpec(dialect.SQLite, false), shardsOf(distinctCols, nil, rowsOf(sub("a", nil, 2)), rowsOf()))
	assert.Equal(t, row("a", int64(0), nil, int64(2), nil), got[0], "only NULLs: COUNT 0, SUM and AVG NULL")
}

func TestDistinctAggregatesGrouped(t *testing.T) {
	for _, sorted := range []bool{false, true} {
		spec := distinctSpec(dialect.SQLite, true)
		if sorted {
			spec.OrderBy, spec.GroupSorted = []SortKey{{Column: 0}}, true
		}
		got := merged(t, spec, shardsOf(distinctCols, nil,
			rowsOf(sub("a", int64(1), 1), sub("a", int64(3), 1), sub("b", int64(3), 2)),
			rowsOf(sub("a", int64(3), 5), sub("b", nil, 1), sub("b", int64(4), 1)),
		))
		assert.ElementsMatch(t, [][]driver.Value{
			row("a", int64(2), int64(4), int64(7), 2.0),
			row("b", int64(2), int64(7), int64(4), 3.5),
		}, got, "sorted %v", sorted)
	}
}

// The distinct values of text compare as GROUP BY compares them: MySQL's
// default collation folds case, and numbers compare by value.
func TestDistinctAggregatesCompareLikeGroupBy(t *testing.T) {
	spec := Spec{Dialect: dialect.MySQL, Visible: 1, Aggregates: []Aggregate{{Func: Count, Column: 0, Distinct: true, ArgColumn: 1}}}
	got := merged(t, spec, shardsOf([]string{"cd", "x"}, []string{"BIGINT", "VARCHAR"},
		rowsOf(row(int64(1), []byte("Paid")), row(int64(1), []byte("new"))),
		rowsOf(row(int64(1), []byte("paid ")), row(int64(1), []byte("NEW")), row(int64(1), []byte("void"))),
	))
	assert.Equal(t, row(int64(3)), got[0])

	spec = Spec{Dialect: dialect.Postgres, Visible: 1, Aggregates: []Aggregate{{Func: Sum, Column: 0, Distinct: true, ArgColumn: 1}}}
	got = merged(t, spec, shardsOf([]string{"sd", "x"}, []string{"NUMERIC", "NUMERIC"},
		rowsOf(row("1.50", "1.50"), row("2", "2")),
		rowsOf(row("1.5", "1.5"), row("-3.00", "-3.00")),
	))
	assert.Equal(t, row("0.50"), got[0])
}

func TestDistinctAggregatesMemoryLimit(t *testing.T) {
	spec := distinctSpec(dialect.SQLite, true)
	spec.MaxMemoryRows = 3
	srcs := shardsOf(distinctCols, nil,
		rowsOf(sub("a", int64(1), 1), sub("a", int64(2), 1)),
		rowsOf(sub("b", int64(3), 1), sub("b", int64(4), 1)),
	)
	r, err := Open(context.Background(), spec, srcs)
	require.NoError(t, err)
	defer r.Close()
	_, err = readAll(t, r)
	require.ErrorIs(t, err, ErrMemoryLimit)
	assert.Contains(t, err.Error(), "DISTINCT")
	assert.Contains(t, err.Error(), "sharding.max_memory_rows = 3")

	// Streaming, one group's values at a time fit.
	spec.OrderBy, spec.GroupSorted = []SortKey{{Column: 0}}, true
	got := merged(t, spec, shardsOf(distinctCols, nil,
		rowsOf(sub("a", int64(1), 1), sub("a", int64(2), 1), sub("b", int64(3), 1)),
		rowsOf(sub("b", int64(4), 1), sub("b", int64(5), 1)),
	))
	assert.Len(t, got, 2)
}

func TestDistinctAggregateValidate(t *testing.T) {
	s := Spec{Dialect: dialect.SQLite, Aggregates: []Aggregate{{Func: Max, Column: 0, Distinct: true, ArgColumn: 1}}}
	assert.ErrorContains(t, s.Validate(), "MIN and MAX need no distinct values")
	s.Aggregates = []Aggregate{{Func: Count, Column: 0, Distinct: true}}
	assert.ErrorContains(t, s.Validate(), "arg_column")
	s.Aggregates = []Aggregate{{Func: Count, Column: 0, Distinct: true, ArgColumn: 1}}
	assert.NoError(t, s.Validate())
	assert.Equal(t, "concat → aggregate → distinct values in memory", s.Describe())
}
