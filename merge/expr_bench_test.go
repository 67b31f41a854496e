package merge

import (
	"testing"

	"github.com/grantsql/grant/dialect"
)

// groupBenchSpec: GROUP BY name ORDER BY name over 4 shards × 25,000 rows,
// groups of 4 rows, COUNT in column 0; column 2 is free for an expression.
func groupBenchSpec() Spec {
	return Spec{Dialect: dialect.Postgres, OrderBy: []SortKey{{Column: 1}}, GroupBy: []int{1}, GroupSorted: true,
		Aggregates: []Aggregate{{Func: Count, Column: 0}}}
}

// BenchmarkGroupPlain4 is the baseline of BenchmarkGroupHavingComputed4.
func BenchmarkGroupPlain4(b *testing.B) {
	benchMerge(b, groupBenchSpec(), benchSources(4, make([]byte, 8), nil))
}

// BenchmarkGroupHavingComputed4 adds HAVING count > 3 (every group kept)
// and a computed column count * 2 - 1 on each merged group.
func BenchmarkGroupHavingComputed4(b *testing.B) {
	s := groupBenchSpec()
	s.Having = op(OpGt, col(0), val(int64(3)))
	s.Computed = []Computed{{Column: 2, Expr: op(OpSub, op(OpMul, col(0), val(int64(2))), val(int64(1)))}}
	benchMerge(b, s, benchSources(4, make([]byte, 8), nil))
}
