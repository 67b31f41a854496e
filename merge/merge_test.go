package merge

import (
	"context"
	"database/sql/driver"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/fakedb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConcatReturnsEveryRow(t *testing.T) {
	checkNoLeak(t)
	srcs := shardsOf([]string{"id", "name"}, nil,
		rowsOf(row(int64(1), []byte("a")), row(int64(5), []byte("e"))),
		rowsOf(),
		rowsOf(row(int64(2), []byte("b")), row(int64(3), []byte("c")), row(int64(4), []byte("d"))),
	)
	got := merged(t, Spec{Dialect: dialect.Postgres, ShardRowsInFlight: 1}, srcs)
	slices.SortFunc(got, func(a, b []driver.Value) int { return int(a[0].(int64) - b[0].(int64)) })
	assert.Equal(t, [][]driver.Value{
		row(int64(1), []byte("a")), row(int64(2), []byte("b")), row(int64(3), []byte("c")),
		row(int64(4), []byte("d")), row(int64(5), []byte("e")),
	}, got)
}

func TestOrderedMergeWithNullsTiesAndDesc(t *testing.T) {
	checkNoLeak(t)
	cols := []string{"n", "id"}
	// Shard order: n DESC, id ASC, with the dialect's NULL placement.
	pg := shardsOf(cols, nil,
		rowsOf(row(nil, int64(2)), row(int64(9), int64(1)), row(int64(3), int64(4))),
		rowsOf(row(nil, int64(5)), row(int64(9), int64(3)), row(int64(1), int64(6))),
	)
	spec := Spec{Dialect: dialect.Postgres, OrderBy: []SortKey{{Column: 0, Desc: true}, {Column: 1}}}
	got := merged(t, spec, pg)
	assert.Equal(t, [][]driver.Value{
		row(nil, int64(2)), row(nil, int64(5)), row(int64(9), int64(1)), row(int64(9), int64(3)),
		row(int64(3), int64(4)), row(int64(1), int64(6)),
	}, got, "PostgreSQL: NULLs first in DESC")

	my := shardsOf(cols, nil,
		rowsOf(row(int64(9), int64(1)), row(int64(3), int64(4)), row(nil, int64(2))),
		rowsOf(row(int64(9), int64(3)), row(int64(1), int64(6)), row(nil, int64(5))),
	)
	spec.Dialect = dialect.MySQL
	got = merged(t, spec, my)
	assert.Equal(t, [][]driver.Value{
		row(int64(9), int64(1)), row(int64(9), int64(3)), row(int64(3), int64(4)),
		row(int64(1), int64(6)), row(nil, int64(2)), row(nil, int64(5)),
	}, got, "MySQL: NULLs last in DESC")

	spec.OrderBy[0].Nulls = NullsFirst
	got = merged(t, spec, pg)
	assert.Equal(t, row(nil, int64(2)), got[0], "explicit NULLS FIRST")
}

func TestOrderedMergeDecimalTextComparesNumerically(t *testing.T) {
	cols := []string{"price"}
	types := []string{"DECIMAL"}
	srcs := shardsOf(cols, types,
		rowsOf(row([]byte("-10.5")), row([]byte("9.99")), row([]byte("100"))),
		rowsOf(row([]byte("-2")), row([]byte("10.00")), row([]byte("99.5"))),
	)
	got := merged(t, Spec{Dialect: dialect.MySQL, OrderBy: []SortKey{{Column: 0}}}, srcs)
	var texts []string
	for _, r := range got {
		texts = append(texts, string(r[0].([]byte)))
	}
	assert.Equal(t, []string{"-10.5", "-2", "9.99", "10.00", "99.5", "100"}, texts)
}

func TestOrderedMergeMySQLTextIsCaseInsensitive(t *testing.T) {
	srcs := shardsOf([]string{"name"}, []string{"VARCHAR"},
		rowsOf(row([]byte("apple")), row([]byte("Cherry"))),
		rowsOf(row([]byte("Banana")), row([]byte("_under"))),
	)
	got := merged(t, Spec{Dialect: dialect.MySQL, OrderBy: []SortKey{{Column: 0}}}, srcs)
	var texts []string
	for _, r := range got {
		texts = append(texts, string(r[0].([]byte)))
	}
	// general_ci weighs letters by their upper case, so '_' (0x5F) sorts after them.
	assert.Equal(t, []string{"apple", "Banana", "Cherry", "_under"}, texts)
}

func TestLimitOffsetStopsTheShards(t *testing.T) {
	checkNoLeak(t)
	var closed atomic.Int32
	gen := func(shard int64) func(int, []driver.Value) bool {
		return func(i int, dest []driver.Value) bool {
			dest[0] = int64(i)*3 + shard
			return true // endless: only the LIMIT ends the merge
		}
	}
	var srcs []Source
	for s := range 3 {
		srcs = append(srcs, fakeSource("s", fakedb.Rows{Sets: sets([]string{"n"}, nil), Gen: gen(int64(s)), Closed: &closed}, plain))
	}
	spec := Spec{Dialect: dialect.SQLite, OrderBy: []SortKey{{Column: 0}}, Offset: 5, Limit: i64(4)}
	got := merged(t, spec, srcs)
	assert.Equal(t, [][]driver.Value{row(int64(5)), row(int64(6)), row(int64(7)), row(int64(8))}, got)
	assert.Equal(t, int32(3), closed.Load(), "every shard's rows are closed")

	spec.Limit = i64(0)
	assert.Empty(t, merged(t, spec, srcs))
}

func TestHiddenColumnsAreNotReturned(t *testing.T) {
	srcs := shardsOf([]string{"id", "hidden_sort"}, nil,
		rowsOf(row(int64(10), int64(1)), row(int64(30), int64(3))),
		rowsOf(row(int64(20), int64(2))),
	)
	r, err := Open(context.Background(), Spec{Dialect: dialect.SQLite, Visible: 1, OrderBy: []SortKey{{Column: 1}}}, srcs)
	require.NoError(t, err)
	defer r.Close()
	assert.Equal(t, []string{"id"}, r.Columns())
	got, err := readAll(t, r)
	require.NoError(t, err)
	assert.Equal(t, [][]driver.Value{row(int64(10)), row(int64(20)), row(int64(30))}, got)
}

func TestDistinct(t *testing.T) {
	data := []([][]driver.Value){
		rowsOf(row("a", int64(1)), row("b", int64(1)), row("b", int64(2))),
		rowsOf(row("a", int64(1)), row("c", int64(1))),
		rowsOf(row("b", int64(1)), row("c", int64(1))),
	}
	want := [][]driver.Value{row("a", int64(1)), row("b", int64(1)), row("b", int64(2)), row("c", int64(1))}
	cols := []string{"s", "n"}

	sorted := Spec{Dialect: dialect.Postgres, Distinct: true, Visible: 2, OrderBy: []SortKey{{Column: 0}, {Column: 1}}}
	assert.Equal(t, "ordered merge → streaming distinct", sorted.Describe())
	assert.Equal(t, want, merged(t, sorted, shardsOf(cols, nil, data...)))

	hashed := Spec{Dialect: dialect.Postgres, Distinct: true}
	got := merged(t, hashed, shardsOf(cols, nil, data...))
	slices.SortFunc(got, func(a, b []driver.Value) int { return compareRowsForTest(a, b) })
	assert.Equal(t, want, got)

	hashed.MaxMemoryRows = 3
	r, err := Open(context.Background(), hashed, shardsOf(cols, nil, data...))
	require.NoError(t, err)
	defer r.Close()
	_, err = readAll(t, r)
	require.ErrorIs(t, err, ErrMemoryLimit)
	assert.Contains(t, err.Error(), "sharding.max_memory_rows")
}

func compareRowsForTest(a, b []driver.Value) int {
	for i := range a {
		if c := compareValues(a[i], b[i], rule{}); c != 0 {
			return c
		}
	}
	return 0
}

func TestSpecValidate(t *testing.T) {
	ok := Spec{Dialect: dialect.MySQL}
	require.NoError(t, ok.Validate())
	for name, s := range map[string]Spec{
		"no dialect":         {},
		"count distinct":     {Dialect: dialect.MySQL, Aggregates: []Aggregate{{Func: "count_distinct"}}},
		"unknown func":       {Dialect: dialect.MySQL, Aggregates: []Aggregate{{Func: "median"}}},
		"two aggs, one col":  {Dialect: dialect.MySQL, Aggregates: []Aggregate{{Func: Sum}, {Func: Max}}},
		"grouped agg":        {Dialect: dialect.MySQL, GroupBy: []int{0}, Aggregates: []Aggregate{{Func: Sum}}},
		"sorted, bad order":  {Dialect: dialect.MySQL, GroupBy: []int{0}, GroupSorted: true, OrderBy: []SortKey{{Column: 1}}},
		"negative limit":     {Dialect: dialect.MySQL, Limit: i64(-1)},
		"bad collation":      {Dialect: dialect.MySQL, Collation: "utf8mb4_bin"},
		"bad nulls":          {Dialect: dialect.MySQL, OrderBy: []SortKey{{Nulls: "middle"}}},
		"negative group col": {Dialect: dialect.MySQL, GroupBy: []int{-1}},
	} {
		assert.Error(t, s.Validate(), name)
	}
	err := (&Spec{Dialect: dialect.MySQL, Aggregates: []Aggregate{{Func: "count_distinct"}}}).Validate()
	assert.Contains(t, err.Error(), "cannot be merged")

	_, err = Open(context.Background(), Spec{Dialect: dialect.SQLite, OrderBy: []SortKey{{Column: 5}}},
		shardsOf([]string{"a"}, nil, rowsOf()))
	assert.ErrorContains(t, err, "ORDER BY column 5 is out of range")
}
