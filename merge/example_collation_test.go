package merge_test

import (
	"context"
	"database/sql/driver"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/merge"
)

// rowsOf is a driver.Rows over fixed rows.
type rowsOf struct {
	cols []string
	data [][]driver.Value
}

func (r *rowsOf) Columns() []string { return r.cols }
func (r *rowsOf) Close() error      { return nil }
func (r *rowsOf) Next(dest []driver.Value) error {
	if len(r.data) == 0 {
		return io.EOF
	}
	copy(dest, r.data[0])
	r.data = r.data[1:]
	return nil
}

// source is a shard answering with rows.
func source(name string, cols []string, rows ...[]driver.Value) merge.Source {
	return merge.Source{Name: name, Open: func(context.Context) (driver.Rows, error) {
		return &rowsOf{cols: cols, data: rows}, nil
	}}
}

// Two MariaDB shards sorted by utf8mb4_general_ci, which ignores accents
// and case: each shard returns WEIGHT_STRING(name) in a hidden column, and
// the merge orders and groups by those weights, padded with the weight of
// a space (PAD SPACE).
func ExampleWeight() {
	cols := []string{"name", "n", "weight"}
	w := func(s string) []byte { // the weights general_ci gives these names
		return []byte(strings.ToUpper(strings.NewReplacer("é", "e", "É", "E").Replace(s)))
	}
	spec := merge.Spec{Dialect: dialect.MySQL, Visible: 2,
		GroupBy: []int{0}, GroupSorted: true, OrderBy: []merge.SortKey{{Column: 0}},
		Aggregates: []merge.Aggregate{{Func: merge.Count, Column: 1}},
		Weights:    []merge.Weight{{Column: 0, WeightColumn: 2, Pad: "20"}}}
	rows, err := merge.Open(context.Background(), spec, []merge.Source{
		source("s0", cols, []driver.Value{"eclair", int64(2), w("eclair")}, []driver.Value{"fig", int64(1), w("fig")}),
		source("s1", cols, []driver.Value{"Éclair ", int64(1), w("Éclair ")}, []driver.Value{"FIG", int64(3), w("FIG")}),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rows.Close()
	dest := make([]driver.Value, 2)
	for rows.Next(dest) == nil {
		fmt.Println(dest[0], dest[1])
	}
	// Output:
	// eclair 3
	// fig 4
}

// caseFirst ranks text upper case first, standing for a server collation.
type caseFirst struct{}

func (caseFirst) Rank(_ context.Context, _ string, values []string) ([]int, error) {
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	out := make([]int, len(values))
	for i, v := range values {
		out[i], _ = slices.BinarySearch(sorted, v)
	}
	return out, nil
}

// Text in a PostgreSQL ICU or libc collation is ordered by the server's
// ranks: the executor's Ranker runs one query per window of rows.
func ExampleServerCollation() {
	icu := merge.ServerCollation(`"und-x-icu"`)
	spec := merge.Spec{Dialect: dialect.Postgres, Ranker: caseFirst{},
		OrderBy: []merge.SortKey{{Column: 0, Collation: icu}}}
	rows, err := merge.Open(context.Background(), spec, []merge.Source{
		source("s0", []string{"name"}, []driver.Value{"Ab"}, []driver.Value{"b"}),
		source("s1", []string{"name"}, []driver.Value{"B"}, []driver.Value{"a"}),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rows.Close()
	dest := make([]driver.Value, 1)
	for rows.Next(dest) == nil {
		fmt.Println(dest[0])
	}
	// Output:
	// Ab
	// B
	// a
	// b
}
