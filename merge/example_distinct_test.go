package merge_test

import (
	"context"
	"database/sql/driver"
	"fmt"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/merge"
)

// SELECT country, COUNT(DISTINCT status), COUNT(*) FROM orders GROUP BY
// country on two shards: each shard groups by country and status, returns
// status in a hidden column, and the merge counts each status once per
// country, whichever shards hold it.
func ExampleAggregate_distinct() {
	cols := []string{"country", "count_distinct", "count", "status"}
	spec := merge.Spec{Dialect: dialect.Postgres, Visible: 3,
		GroupBy: []int{0}, OrderBy: []merge.SortKey{{Column: 0}},
		Aggregates: []merge.Aggregate{
			{Func: merge.Count, Column: 1, Distinct: true, ArgColumn: 3},
			{Func: merge.Count, Column: 2},
		}}
	rows, err := merge.Open(context.Background(), spec, []merge.Source{
		source("s0", cols,
			[]driver.Value{"fr", int64(1), int64(2), "paid"},
			[]driver.Value{"fr", int64(1), int64(1), "new"},
			[]driver.Value{"us", int64(0), int64(1), nil}),
		source("s1", cols,
			[]driver.Value{"fr", int64(1), int64(4), "paid"},
			[]driver.Value{"us", int64(1), int64(3), "paid"}),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rows.Close()
	dest := make([]driver.Value, 3)
	for rows.Next(dest) == nil {
		fmt.Println(dest[0], dest[1], dest[2])
	}
	// Output:
	// fr 2 7
	// us 1 4
}
