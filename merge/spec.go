package merge

import (
	"fmt"
	"strings"

	"github.com/grantsql/grant/dialect"
)

// Defaults applied when a Spec leaves the corresponding field zero.
const (
	// DefaultShardRowsInFlight is the read-ahead of one shard's reader, in rows.
	DefaultShardRowsInFlight = 256
	// DefaultMaxMemoryRows caps the groups or distinct keys held in memory.
	DefaultMaxMemoryRows = 100_000
)

// Spec tells Open how to combine per-shard row streams into one. It is plain
// data (it prints as JSON for plan golden files and for grant explain); column
// references are indexes into the rewritten select list that every shard
// returns. The planner writes the shard SQL so that it agrees with the Spec;
// the package documentation lists what each field requires of that SQL.
type Spec struct {
	// Dialect decides where NULLs sort by default and the default collation of
	// text columns. It must be valid.
	Dialect dialect.Dialect `json:"dialect"`

	// Visible is the number of leading columns returned to the caller. The
	// columns after them are hidden: ORDER BY expressions missing from the
	// select list, and the SUM and COUNT parts of AVG. Zero means all columns.
	Visible int `json:"visible,omitempty"`

	// Hidden is the number of trailing hidden columns when the width of the
	// select list is not known before the shards answer (SELECT * followed
	// by hidden ORDER BY columns): the visible columns are then all but the
	// last Hidden, and an OrderBy column may be given from the end, -1 being
	// the last. Visible must be zero when Hidden is set.
	Hidden int `json:"hidden,omitempty"`

	// OrderBy is the order of the result. Every shard query must carry the
	// same ORDER BY, so the shard streams are merged with a k-way merge.
	// After a grouping held in memory, the groups are sorted by it instead.
	OrderBy []SortKey `json:"order_by,omitempty"`

	// GroupBy lists the columns of the GROUP BY key. With Aggregates and no
	// GroupBy, the result is exactly one row.
	GroupBy []int `json:"group_by,omitempty"`

	// GroupSorted says that the shard streams arrive ordered by OrderBy and
	// that the leading len(GroupBy) keys of OrderBy are the GroupBy columns
	// (in any order and direction): groups are then folded while streaming.
	// Otherwise groups are collected in memory, up to MaxMemoryRows.
	GroupSorted bool `json:"group_sorted,omitempty"`

	// Aggregates says how to combine the per-shard partial aggregates.
	// Columns that are neither grouped nor aggregated keep the value of the
	// first row seen for their group.
	Aggregates []Aggregate `json:"aggregates,omitempty"`

	// Having drops the merged groups for which it is not true (HAVING
	// across shards); Computed writes expressions over the merged columns
	// (expressions over aggregates). Both are evaluated once per merged
	// group, HAVING first, before DISTINCT, ORDER BY, OFFSET and LIMIT; they
	// need Aggregates or GroupBy (see expr.go).
	Having   *Expr      `json:"having,omitempty"`
	Computed []Computed `json:"computed,omitempty"`

	// Distinct removes duplicate rows, comparing the visible columns only.
	Distinct bool `json:"distinct,omitempty"`

	// Offset is the number of result rows to skip after merging,
	// grouping and DISTINCT. Shard queries carry LIMIT Offset+Limit and no OFFSET.
	Offset int64 `json:"offset,omitempty"`
	// Limit caps the number of rows returned after Offset; nil means no limit.
	Limit *int64 `json:"limit,omitempty"`

	// Collation is the comparison of text values for ordering, grouping,
	// DISTINCT, MIN and MAX. Empty means the dialect default (see Collation).
	Collation Collation `json:"collation,omitempty"`
	// ColumnCollations overrides Collation per column index; empty entries
	// keep Collation. It may be shorter than the column list.
	ColumnCollations []Collation `json:"column_collations,omitempty"`
	// Weights makes columns compare by the server's collation weights held
	// in hidden columns (see Weight), overriding their collation.
	Weights []Weight `json:"weights,omitempty"`

	// Ranker ranks text under the collations made by ServerCollation. It
	// is not data (plans print without it): the executor sets it on the
	// plan it runs. Open fails when a collation needs it and it is nil.
	Ranker Ranker `json:"-"`

	// MaxMemoryRows caps the groups (GROUP BY in memory) and the distinct
	// keys (DISTINCT without a matching ORDER BY) held at once; past it Next
	// fails with an error matching ErrMemoryLimit. Zero means
	// DefaultMaxMemoryRows and a negative value means no cap. It is the
	// configuration key sharding.max_memory_rows.
	MaxMemoryRows int `json:"max_memory_rows,omitempty"`

	// ShardRowsInFlight bounds the rows each shard's reader holds ahead of
	// the merge. Zero means DefaultShardRowsInFlight.
	ShardRowsInFlight int `json:"shard_rows_in_flight,omitempty"`
}

// SortKey is one ORDER BY term.
type SortKey struct {
	// Column is the index of the ordered column in the shard rows.
	Column int `json:"column"`
	// Desc sorts in descending order.
	Desc bool `json:"desc,omitempty"`
	// Nulls places NULLs; empty means the dialect default.
	Nulls Nulls `json:"nulls,omitempty"`
	// Collation, when set, is the text collation of this key, overriding
	// the column's (ColumnCollations, Collation, the dialect default).
	Collation Collation `json:"collation,omitempty"`
}

// Nulls places NULL values in an ordering.
type Nulls string

// The NULL placements. With NullsDefault, PostgreSQL sorts NULLs as larger
// than any value (last in ASC, first in DESC); MySQL and SQLite sort them as
// smaller (first in ASC, last in DESC).
const (
	NullsDefault Nulls = ""
	NullsFirst   Nulls = "first"
	NullsLast    Nulls = "last"
)

// Collation is how text values compare.
type Collation string

// The collations. The default (empty) is CollationBinary for PostgreSQL (as
// its "C" collation) and SQLite (BINARY), and for MySQL CollationNoCase on
// columns whose database type is textual (CHAR, VARCHAR, TEXT, ENUM, SET, or
// unknown) and CollationBinary on the others (BINARY, VARBINARY, BLOB).
// The planner sets the collation of every text column it knows from the
// servers' catalogs, and MySQL columns compare by their weights (Weight);
// the others are in collation.go.
const (
	CollationDefault Collation = ""
	// CollationBinary compares bytes.
	CollationBinary Collation = "binary"
	// CollationNoCase compares the Unicode upper case of each character and
	// ignores trailing spaces, like MySQL's and MariaDB's *_general_ci.
	CollationNoCase Collation = "nocase"
)

// Func is an aggregate function.
type Func string

// The aggregates that merge from per-shard partial results.
const (
	// Count adds the shards' COUNT(...) values; no rows count as 0.
	Count Func = "count"
	// Sum adds the shards' SUM(...) values exactly; all NULL gives NULL.
	Sum Func = "sum"
	// Min keeps the smallest non-NULL value.
	Min Func = "min"
	// Max keeps the largest non-NULL value.
	Max Func = "max"
	// Avg divides the merged SumColumn by the merged CountColumn and writes
	// the quotient into Column, in the Go type and scale the shards used there.
	Avg Func = "avg"
)

// Aggregate combines one aggregate column across shards.
type Aggregate struct {
	// Func is the aggregate function.
	Func Func `json:"func"`
	// Column is the output column. For Avg, the shards return the original
	// AVG(x) there: its metadata and value type are the ones one database
	// reports, and its value is replaced by the merged average.
	Column int `json:"column"`
	// SumColumn is the column holding SUM(x), for Avg only.
	SumColumn int `json:"sum_column,omitempty"`
	// CountColumn is the column holding COUNT(x), for Avg only.
	CountColumn int `json:"count_column,omitempty"`
	// Distinct makes Count, Sum and Avg take each value of their argument
	// once per group (COUNT(DISTINCT x) and the like). The shards group by
	// x too, so each sends each of its values of x once per group, in
	// column ArgColumn, with the shard's own aggregate of that one value
	// (1 or 0 for COUNT, x for SUM) in Column (for Avg, in SumColumn and
	// CountColumn). The merge adds a row's aggregate only when its x is new
	// in the group, comparing x as GROUP BY compares a column (collation,
	// weights, numbers by value); NULL is never counted.
	Distinct bool `json:"distinct,omitempty"`
	// ArgColumn is the column holding x, for Distinct only.
	ArgColumn int `json:"arg_column,omitempty"`
}

// Validate checks what can be checked without the shard columns: a valid
// dialect, known aggregate functions, non-negative indexes and bounds, one
// aggregate per output column, no aggregate on a grouped column, and, when
// GroupSorted, an OrderBy that starts with the GroupBy columns. Open calls it
// and then checks the indexes against the shards' column count.
func (s *Spec) Validate() error {
	if !s.Dialect.Valid() {
		return fmt.Errorf("merge: spec has no valid dialect (%v)", s.Dialect)
	}
	if s.Visible < 0 || s.Hidden < 0 || s.Offset < 0 || (s.Limit != nil && *s.Limit < 0) {
		return fmt.Errorf("merge: negative visible, hidden, offset or limit in spec")
	}
	if s.Visible > 0 && s.Hidden > 0 {
		return fmt.Errorf("merge: spec sets both visible and hidden")
	}
	for _, k := range s.OrderBy {
		if k.Column < -s.Hidden {
			return fmt.Errorf("merge: ORDER BY column %d is before the %d hidden columns counted from the end", k.Column, s.Hidden)
		}
		if k.Nulls != NullsDefault && k.Nulls != NullsFirst && k.Nulls != NullsLast {
			return fmt.Errorf("merge: unknown NULLS placement %q", k.Nulls)
		}
	}
	collations := append([]Collation{s.Collation}, s.ColumnCollations...)
	for _, k := range s.OrderBy {
		collations = append(collations, k.Collation)
	}
	for _, c := range collations {
		if !c.valid() {
			return fmt.Errorf("merge: unknown collation %q (want binary, nocase, binary_pad, ascii_nocase, rtrim or server:NAME)", c)
		}
	}
	if err := s.validateWeights(); err != nil {
		return err
	}
	grouped := map[int]bool{}
	for _, g := range s.GroupBy {
		if g < 0 {
			return fmt.Errorf("merge: negative GROUP BY column %d", g)
		}
		grouped[g] = true
	}
	outputs := map[int]bool{}
	for _, a := range s.Aggregates {
		if err := a.validate(); err != nil {
			return err
		}
		if outputs[a.Column] || grouped[a.Column] {
			return fmt.Errorf("merge: column %d is the output of two aggregates or of a GROUP BY key and an aggregate", a.Column)
		}
		outputs[a.Column] = true
	}
	if err := s.validateExprs(grouped, outputs); err != nil {
		return err
	}
	if s.GroupSorted {
		if len(s.GroupBy) == 0 || len(s.OrderBy) < len(s.GroupBy) {
			return fmt.Errorf("merge: group_sorted needs GROUP BY columns leading the ORDER BY")
		}
		for _, k := range s.OrderBy[:len(s.GroupBy)] {
			if !grouped[k.Column] {
				return fmt.Errorf("merge: group_sorted needs the first %d ORDER BY keys to be the GROUP BY columns; column %d is not grouped", len(s.GroupBy), k.Column)
			}
		}
	}
	return nil
}

func (a Aggregate) validate() error {
	if a.Column < 0 || a.SumColumn < 0 || a.CountColumn < 0 || a.ArgColumn < 0 {
		return fmt.Errorf("merge: negative column in aggregate %s", a.Func)
	}
	switch a.Func {
	case Min, Max:
		if a.Distinct {
			return fmt.Errorf("merge: distinct %s: MIN and MAX need no distinct values; merge them as plain %s", a.Func, a.Func)
		}
		return nil
	case Count, Sum, Avg:
		if a.Distinct && a.ArgColumn == a.Column {
			return fmt.Errorf("merge: distinct %s in column %d needs its argument in another column (arg_column)", a.Func, a.Column)
		}
		return nil
	}
	if strings.Contains(strings.ToLower(string(a.Func)), "distinct") {
		return fmt.Errorf("merge: %s cannot be merged from per-shard results (a value may occur on several shards); it is supported only when the GROUP BY key contains the shard key", a.Func)
	}
	return fmt.Errorf("merge: unknown aggregate %q (want count, sum, min, max or avg)", a.Func)
}

// Describe names the merge strategy the Spec selects, stage by stage, for
// plan output: for example "ordered merge → streaming group → limit".
func (s *Spec) Describe() string {
	var parts []string
	aggregating := len(s.Aggregates) > 0 || len(s.GroupBy) > 0
	switch {
	case aggregating && len(s.GroupBy) == 0:
		parts = append(parts, "concat", "aggregate")
		parts = s.appendAfterMerge(parts)
	case aggregating && s.GroupSorted:
		parts = append(parts, "ordered merge", "streaming group")
		parts = s.appendAfterMerge(parts)
	case aggregating:
		parts = append(parts, "concat", "group in memory")
		parts = s.appendAfterMerge(parts)
		if len(s.OrderBy) > 0 {
			parts = append(parts, "sort")
		}
	case len(s.OrderBy) > 0:
		parts = append(parts, "ordered merge")
	default:
		parts = append(parts, "concat")
	}
	for _, a := range s.Aggregates {
		if a.Distinct {
			parts = append(parts, "distinct values in memory")
			break
		}
	}
	if s.Distinct {
		switch {
		case s.Visible == 0 && !(aggregating && len(s.GroupBy) == 0):
			parts = append(parts, "distinct") // streaming when ORDER BY covers every column
		case s.streamDistinct(s.Visible):
			parts = append(parts, "streaming distinct")
		default:
			parts = append(parts, "distinct in memory")
		}
	}
	if s.Offset > 0 || s.Limit != nil {
		parts = append(parts, "limit")
	}
	return strings.Join(parts, " → ")
}

// streamDistinct reports whether equal rows over the first visible columns
// arrive adjacent: the leading OrderBy keys cover them, or there is one row.
func (s *Spec) streamDistinct(visible int) bool {
	if len(s.Aggregates) > 0 && len(s.GroupBy) == 0 {
		return true
	}
	return coversPrefix(s.OrderBy, visible)
}

// coversPrefix reports whether the leading keys of order cover columns
// 0..n-1 before any other column appears.
func coversPrefix(order []SortKey, n int) bool {
	seen := make(map[int]bool, n)
	for _, k := range order {
		if len(seen) == n {
			break
		}
		if k.Column >= n {
			return false
		}
		seen[k.Column] = true
	}
	return len(seen) == n
}

func (s *Spec) maxMemoryRows() int {
	switch {
	case s.MaxMemoryRows == 0:
		return DefaultMaxMemoryRows
	case s.MaxMemoryRows < 0:
		return int(^uint(0) >> 1)
	}
	return s.MaxMemoryRows
}

func (s *Spec) rowsInFlight() int {
	if s.ShardRowsInFlight <= 0 {
		return DefaultShardRowsInFlight
	}
	return s.ShardRowsInFlight
}
