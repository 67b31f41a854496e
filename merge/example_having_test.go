package merge_test

import (
	"context"
	"database/sql/driver"
	"fmt"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/merge"
)

// SELECT country, COUNT(*), SUM(qty) / COUNT(*) AS mean FROM orders GROUP
// BY country HAVING COUNT(*) > 2 on two MySQL shards: the shards return
// every group with NULL for mean and SUM(qty) in a hidden column; the merge
// adds up each group, drops those HAVING rejects, then divides as MySQL
// does (an integer quotient is a DECIMAL with four more fraction digits).
func ExampleExpr_having() {
	cols := []string{"country", "count", "mean", "sum"}
	count := &merge.Expr{Op: merge.OpColumn, Column: 1, Text: "COUNT(*)"}
	sum := &merge.Expr{Op: merge.OpColumn, Column: 3, Text: "SUM(qty)"}
	spec := merge.Spec{Dialect: dialect.MySQL, Visible: 3,
		GroupBy: []int{0}, OrderBy: []merge.SortKey{{Column: 0}}, GroupSorted: true,
		Aggregates: []merge.Aggregate{{Func: merge.Count, Column: 1}, {Func: merge.Sum, Column: 3}},
		Having: &merge.Expr{Op: merge.OpGt, Text: "COUNT(*) > 2",
			Args: []*merge.Expr{count, {Op: merge.OpValue, Value: int64(2)}}},
		Computed: []merge.Computed{{Column: 2, Expr: &merge.Expr{Op: merge.OpDiv, Text: "SUM(qty) / COUNT(*)",
			Args: []*merge.Expr{sum, count}}}},
	}
	rows, err := merge.Open(context.Background(), spec, []merge.Source{
		source("s0", cols,
			[]driver.Value{"de", int64(1), nil, []byte("4")},
			[]driver.Value{"fr", int64(2), nil, []byte("7")}),
		source("s1", cols,
			[]driver.Value{"de", int64(1), nil, []byte("5")},
			[]driver.Value{"fr", int64(1), nil, []byte("3")}),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rows.Close()
	dest := make([]driver.Value, 3)
	for rows.Next(dest) == nil {
		fmt.Printf("%v %v %s\n", dest[0], dest[1], dest[2])
	}
	fmt.Println(spec.Describe())
	// Output:
	// fr 3 3.3333
	// ordered merge → streaming group → having → compute
}
