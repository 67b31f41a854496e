package merge

import (
	"database/sql/driver"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/grantsql/grant/dialect"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Shard columns of the scalar aggregate tests, as the planner rewrites
// SELECT COUNT(*), SUM(x), MIN(x), MAX(x), AVG(x):
// 0 COUNT(*), 1 SUM(x), 2 MIN(x), 3 MAX(x), 4 AVG(x), hidden 5 SUM(x), 6 COUNT(x).
var scalarSpec = Spec{
	Visible: 5,
	Aggregates: []Aggregate{
		{Func: Count, Column: 0}, {Func: Sum, Column: 1}, {Func: Min, Column: 2}, {Func: Max, Column: 3},
		{Func: Avg, Column: 4, SumColumn: 5, CountColumn: 6},
	},
}

var scalarCols = []string{"count", "sum", "min", "max", "avg", "avg_sum", "avg_count"}

func TestScalarAggregatePostgres(t *testing.T) {
	spec := scalarSpec
	spec.Dialect = dialect.Postgres
	// PostgreSQL over an int4 column: COUNT int8, SUM int8, AVG numeric (text).
	got := merged(t, spec, shardsOf(scalarCols, []string{"INT8", "INT8", "INT4", "INT4", "NUMERIC", "INT8", "INT8"},
		rowsOf(row(int64(2), int64(3), int64(1), int64(2), "1.5000000000000000", int64(3), int64(2))),
		rowsOf(row(int64(0), nil, nil, nil, nil, nil, int64(0))),
		rowsOf(row(int64(1), int64(-7), int64(-7), int64(-7), "-7.0000000000000000", int64(-7), int64(1))),
	))
	require.Len(t, got, 1)
	// AVG = -4/3, at the scale PostgreSQL picks for that quotient.
	assert.Equal(t, row(int64(3), int64(-4), int64(-7), int64(2), "-1.3333333333333333"), got[0])
}

func TestScalarAggregateMySQLDecimals(t *testing.T) {
	spec := scalarSpec
	spec.Dialect = dialect.MySQL
	// MySQL over DECIMAL(10,2): SUM and AVG are DECIMAL ([]byte), AVG with 4 more digits.
	got := merged(t, spec, shardsOf(scalarCols, []string{"BIGINT", "DECIMAL", "DECIMAL", "DECIMAL", "DECIMAL", "DECIMAL", "BIGINT"},
		rowsOf(row(int64(2), []byte("10.50"), []byte("0.25"), []byte("10.25"), []byte("5.250000"), []byte("10.50"), int64(2))),
		rowsOf(row(int64(1), []byte("9.50"), []byte("9.50"), []byte("9.50"), []byte("9.500000"), []byte("9.50"), int64(1))),
		rowsOf(row(int64(0), nil, nil, nil, nil, nil, int64(0))),
	))
	require.Len(t, got, 1)
	assert.Equal(t, row(int64(3), []byte("20.00"), []byte("0.25"), []byte("10.25"), []byte("6.666667")), got[0])
}

func TestScalarAggregateSQLiteAndEmpty(t *testing.T) {
	spec := scalarSpec
	spec.Dialect = dialect.SQLite
	got := merged(t, spec, shardsOf(scalarCols, nil,
		rowsOf(row(int64(2), int64(3), int64(1), int64(2), 1.5, int64(3), int64(2))),
		rowsOf(row(int64(1), int64(4), int64(4), int64(4), 4.0, int64(4), int64(1))),
	))
	assert.Equal(t, [][]driver.Value{row(int64(3), int64(7), int64(1), int64(4), 7.0/3)}, got)

	// Every shard empty: still one row, COUNT 0 and the rest NULL.
	empty := rowsOf(row(int64(0), nil, nil, nil, nil, nil, int64(0)))
	got = merged(t, spec, shardsOf(scalarCols, nil, empty, empty))
	assert.Equal(t, [][]driver.Value{row(int64(0), nil, nil, nil, nil)}, got)

	spec.Offset = 1
	assert.Empty(t, merged(t, spec, shardsOf(scalarCols, nil, empty, empty)), "OFFSET applies after aggregation")
}

func TestGroupByStreamingAndInMemory(t *testing.T) {
	// SELECT g, COUNT(*), SUM(x) ... GROUP BY g, shards ordered by g.
	cols := []string{"g", "count", "sum"}
	data := []([][]driver.Value){
		rowsOf(row(nil, int64(1), int64(5)), row("a", int64(2), int64(3)), row("c", int64(1), int64(1))),
		rowsOf(row("a", int64(1), int64(10)), row("b", int64(4), nil)),
		rowsOf(row(nil, int64(2), int64(1)), row("c", int64(3), int64(2))),
	}
	want := [][]driver.Value{
		row(nil, int64(3), int64(6)), row("a", int64(3), int64(13)), row("b", int64(4), nil), row("c", int64(4), int64(3)),
	}
	aggs := []Aggregate{{Func: Count, Column: 1}, {Func: Sum, Column: 2}}

	streaming := Spec{Dialect: dialect.SQLite, GroupBy: []int{0}, GroupSorted: true, OrderBy: []SortKey{{Column: 0}}, Aggregates: aggs}
	assert.Equal(t, "ordered merge → streaming group", streaming.Describe())
	assert.Equal(t, want, merged(t, streaming, shardsOf(cols, nil, data...)))

	streaming.Limit = i64(2)
	assert.Equal(t, want[:2], merged(t, streaming, shardsOf(cols, nil, data...)))

	// The same groups in memory, ordered by SUM DESC (NULL last in SQLite DESC), then g.
	inMemory := Spec{Dialect: dialect.SQLite, GroupBy: []int{0}, Aggregates: aggs,
		OrderBy: []SortKey{{Column: 2, Desc: true}, {Column: 0}}}
	assert.Equal(t, "concat → group in memory → sort", inMemory.Describe())
	assert.Equal(t, [][]driver.Value{want[1], want[0], want[3], want[2]}, merged(t, inMemory, shardsOf(cols, nil, data...)))

	inMemory.MaxMemoryRows = 2
	r, err := Open(t.Context(), inMemory, shardsOf(cols, nil, data...))
	require.NoError(t, err)
	defer r.Close()
	_, err = readAll(t, r)
	require.ErrorIs(t, err, ErrMemoryLimit)
	assert.Contains(t, err.Error(), "more than 2 rows")
}

func TestGroupByCaseInsensitiveMySQL(t *testing.T) {
	// MariaDB's default collation puts 'a' and 'A ' in one group.
	cols := []string{"name", "count"}
	spec := Spec{Dialect: dialect.MySQL, GroupBy: []int{0}, Aggregates: []Aggregate{{Func: Count, Column: 1}}}
	got := merged(t, spec, shardsOf(cols, []string{"VARCHAR", "BIGINT"},
		rowsOf(row([]byte("a"), int64(1))),
		rowsOf(row([]byte("A "), int64(2)), row([]byte("b"), int64(1))),
	))
	require.Len(t, got, 2)
	counts := map[string]int64{}
	for _, r := range got {
		counts[strings.ToLower(strings.TrimSpace(string(r[0].([]byte))))] = r[1].(int64)
	}
	assert.Equal(t, map[string]int64{"a": 3, "b": 1}, counts)

	spec.Collation = CollationBinary
	got = merged(t, spec, shardsOf(cols, []string{"VARCHAR", "BIGINT"},
		rowsOf(row([]byte("a"), int64(1))),
		rowsOf(row([]byte("A "), int64(2))),
	))
	assert.Len(t, got, 2)
}

func TestNumberSum(t *testing.T) {
	sum := func(vs ...driver.Value) driver.Value {
		var n number
		for _, v := range vs {
			require.NoError(t, n.add(v))
		}
		return n.value()
	}
	assert.Nil(t, sum(nil, nil))
	assert.Equal(t, int64(6), sum(int64(1), nil, int64(5)))
	assert.Equal(t, "18446744073709551614", sum(int64(math.MaxInt64), int64(math.MaxInt64), nil), "overflow continues exactly")
	assert.Equal(t, []byte("3.50"), sum([]byte("1.5"), []byte("2.00")), "keeps the largest scale")
	assert.Equal(t, "-0.001", sum("1.000", "-1.001"))
	assert.Equal(t, "123456789012345678901234567890.5", sum("123456789012345678901234567890", "0.5"))
	assert.Equal(t, "3.5", sum(int64(1), "2.5"), "integers join decimals")
	assert.Equal(t, 3.5, sum(int64(1), 2.5), "a float makes a float, as in SQLite")
	assert.Equal(t, "NaN", sum("1", "NaN"))
	assert.Equal(t, "Infinity", sum("1", "Infinity"))
	var n number
	assert.Error(t, n.add("abc"))
}

func TestPostgresAverageScale(t *testing.T) {
	for _, c := range []struct {
		sum   string
		count int64
		want  string
	}{
		{"3", 2, "1.5000000000000000"},
		{"6", 3, "2.0000000000000000"},
		{"3", 4, "0.75000000000000000000"},
		{"200000", 2, "100000.000000000000"},
		{"4.0", 2, "2.0000000000000000"},
		{"0", 5, "0.00000000000000000000"},
		{"-2", 3, "-0.66666666666666666667"},
		{"0.005", 1, "0.00500000000000000000"},
	} {
		a := aggregator{dialect: dialect.Postgres}
		var s aggState
		require.NoError(t, s.sum.add(c.sum))
		require.NoError(t, s.count.add(c.count))
		s.avgForm = formText
		assert.Equal(t, c.want, a.average(&s), "%s/%d", c.sum, c.count)
	}
}

func TestSpecJSON(t *testing.T) {
	s := Spec{
		Dialect: dialect.MySQL, Visible: 2, OrderBy: []SortKey{{Column: 0, Desc: true, Nulls: NullsLast}},
		GroupBy: []int{0}, GroupSorted: true, Limit: i64(10), Offset: 5,
		Aggregates: []Aggregate{{Func: Avg, Column: 1, SumColumn: 2, CountColumn: 3}},
	}
	b, err := json.Marshal(s)
	require.NoError(t, err)
	assert.JSONEq(t, `{"dialect":"mysql","visible":2,"order_by":[{"column":0,"desc":true,"nulls":"last"}],
		"group_by":[0],"group_sorted":true,"aggregates":[{"func":"avg","column":1,"sum_column":2,"count_column":3}],
		"offset":5,"limit":10}`, string(b))
	var back Spec
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, s, back)
	assert.Equal(t, "ordered merge → streaming group → limit", s.Describe())
}
