package grant_test

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/big"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// shardResult is what a query returned: its column names, the columns'
// database type names and its rows, []byte values turned into strings.
type shardResult struct {
	cols  []string
	types []string
	rows  [][]any
}

// queryer is a *sql.DB, *sql.Conn or *sql.Tx.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// runQuery runs a read and collects its result.
func runQuery(ctx context.Context, db queryer, q string, args ...any) (shardResult, error) {
	var r shardResult
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return r, err
	}
	defer rows.Close()
	if r.cols, err = rows.Columns(); err != nil {
		return r, err
	}
	cts, err := rows.ColumnTypes()
	if err != nil {
		return r, err
	}
	for _, ct := range cts {
		r.types = append(r.types, ct.DatabaseTypeName())
	}
	for rows.Next() {
		vals := make([]any, len(r.cols))
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return r, err
		}
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				vals[i] = string(b)
			}
		}
		r.rows = append(r.rows, vals)
	}
	return r, rows.Err()
}

// compareOpts says how two results compare.
type compareOpts struct {
	ordered bool // the rows' order is fixed by the query; otherwise compared as multisets
	approx  bool // numbers compare with a relative tolerance of 1e-9 (AVG)
	types   bool // the columns' database type names must match too
}

// compareResults fails t unless got (through Grant) and want (the
// reference) hold the same columns and the same values, row by row.
func compareResults(t *testing.T, label string, got, want shardResult, o compareOpts) {
	t.Helper()
	assert.Equal(t, want.cols, got.cols, "%s: column names", label)
	if o.types {
		assert.Equal(t, want.types, got.types, "%s: column database types", label)
	}
	g, w := got.rows, want.rows
	if !o.ordered {
		g, w = sortedRows(g), sortedRows(w)
	}
	if !assert.Len(t, g, len(w), "%s: rows\ngot:  %s\nwant: %s", label, showRows(g, 0), showRows(w, 0)) {
		return
	}
	for i := range w {
		require.Len(t, g[i], len(w[i]), "%s: row %d", label, i)
		for j := range w[i] {
			if !sameValue(g[i][j], w[i][j], o.approx) {
				t.Errorf("%s: row %d column %q: got %#v, want %#v\ngot:  %s\nwant: %s",
					label, i, want.cols[j], g[i][j], w[i][j], showRows(g, i), showRows(w, i))
				return
			}
		}
	}
}

// showRows formats up to 8 rows of a result from row at (less 2) for a
// failure message.
func showRows(rows [][]any, at int) string {
	var b strings.Builder
	from := max(0, at-2)
	fmt.Fprintf(&b, "%d rows, from row %d: ", len(rows), from)
	for i := from; i < len(rows) && i < from+8; i++ {
		b.WriteString(rowKey(rows[i]) + " | ")
	}
	return b.String()
}

// sameValue reports whether two scanned values are the same SQL value:
// NULL only equals NULL; numbers of any Go type, and decimal text, compare
// by value (with a relative tolerance when either is a float64 or approx
// is set); a time equals a time, or text naming the same instant; text
// equals the same text.
func sameValue(a, b any, approx bool) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	if ta, ok := asTime(a); ok {
		tb, ok := asTime(b)
		return ok && ta.Equal(tb)
	}
	if _, ok := b.(time.Time); ok {
		return false
	}
	ra, fa, oka := asNumber(a)
	rb, fb, okb := asNumber(b)
	if oka && okb {
		if !approx && !fa && !fb {
			return ra.Cmp(rb) == 0
		}
		x, _ := ra.Float64()
		y, _ := rb.Float64()
		return math.Abs(x-y) <= 1e-9*math.Max(1, math.Max(math.Abs(x), math.Abs(y)))
	}
	return fmt.Sprint(a) == fmt.Sprint(b)
}

var decimalText = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$`)

// asNumber returns v as an exact rational, and whether it was a float.
func asNumber(v any) (r *big.Rat, isFloat, ok bool) {
	switch x := v.(type) {
	case int64:
		return new(big.Rat).SetInt64(x), false, true
	case uint64:
		return new(big.Rat).SetUint64(x), false, true
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, true, false
		}
		return new(big.Rat).SetFloat64(x), true, true
	case string:
		if decimalText.MatchString(x) {
			r, ok := new(big.Rat).SetString(x)
			return r, false, ok
		}
	}
	return nil, false, false
}

// timeLayouts are the text forms of times the drivers return when a
// column has no time type (SQLite expressions).
var timeLayouts = []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", time.DateTime, "2006-01-02T15:04:05"}

// asTime returns v as a time: a time.Time, or text in a known layout.
func asTime(v any) (time.Time, bool) {
	switch x := v.(type) {
	case time.Time:
		return x, true
	case string:
		for _, l := range timeLayouts {
			if t, err := time.Parse(l, x); err == nil {
				return t, true
			}
		}
	}
	return time.Time{}, false
}

// rowKey is a canonical text of a row for sorting multisets: numbers by
// value, times as UTC instants.
func rowKey(r []any) string {
	parts := make([]string, len(r))
	for i, v := range r {
		switch {
		case v == nil:
			parts[i] = "NULL"
		default:
			if t, ok := asTime(v); ok {
				parts[i] = t.UTC().Format(time.RFC3339Nano)
			} else if n, _, ok := asNumber(v); ok {
				f, _ := n.Float64()
				parts[i] = fmt.Sprintf("%.9g", f)
			} else {
				parts[i] = fmt.Sprintf("%q", fmt.Sprint(v))
			}
		}
	}
	return strings.Join(parts, ", ")
}

// sortedRows returns a copy of rows sorted by rowKey.
func sortedRows(rows [][]any) [][]any {
	out := slices.Clone(rows)
	slices.SortStableFunc(out, func(a, b []any) int { return cmp.Compare(rowKey(a), rowKey(b)) })
	return out
}

// execAffected runs a statement and returns its rows affected.
func execAffected(t *testing.T, ctx context.Context, db interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, q string, args ...any) int64 {
	t.Helper()
	res, err := db.ExecContext(ctx, q, args...)
	require.NoError(t, err, "%.200s", q)
	n, err := res.RowsAffected()
	require.NoError(t, err, "%.200s", q)
	return n
}

// directInts returns the single integer column of a query's rows.
func directInts(t *testing.T, ctx context.Context, db *sql.DB, q string, args ...any) []int {
	t.Helper()
	rows, err := db.QueryContext(ctx, q, args...)
	require.NoError(t, err, q)
	defer rows.Close()
	var out []int
	for rows.Next() {
		var v int
		require.NoError(t, rows.Scan(&v))
		out = append(out, v)
	}
	require.NoError(t, rows.Err())
	return out
}
