package grant_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
)

// collRead is one read of the collation corpus; {c} stands for the text
// column under test.
type collRead struct {
	name, sql string
	// norm lists the result columns holding the column's text where one
	// database may return any of several texts equal under the collation
	// (GROUP BY, DISTINCT, MIN, MAX): they compare by the row the reference
	// finds equal to them.
	norm    []int
	ordered bool
}

// collReads is the corpus run on every text column, through Grant and on
// the reference. Every ORDER BY that fixes the order ends with id.
var collReads = []collRead{
	{name: "order", sql: "SELECT id, {c} FROM words ORDER BY {c}, id", ordered: true},
	{name: "order_desc_limit_offset", sql: "SELECT id, {c} FROM words ORDER BY {c} DESC, id LIMIT 7 OFFSET 3", ordered: true},
	{name: "order_limit_1", sql: "SELECT id FROM words ORDER BY {c}, id LIMIT 1", ordered: true},
	{name: "order_not_selected", sql: "SELECT id, n FROM words ORDER BY {c}, id", ordered: true},
	{name: "order_star", sql: "SELECT * FROM words ORDER BY {c}, id LIMIT 20", ordered: true},
	{name: "order_in_list", sql: "SELECT id, {c} FROM words WHERE k IN (1, 2, 3, 5, 8) ORDER BY {c} DESC, id", ordered: true},
	{name: "order_lower", sql: "SELECT id, LOWER({c}) AS l FROM words ORDER BY l, id", ordered: true},
	{name: "group", sql: "SELECT {c}, COUNT(*), MIN(id) FROM words GROUP BY {c}", norm: []int{0}},
	{name: "group_ordered", sql: "SELECT {c}, COUNT(*) FROM words GROUP BY {c} ORDER BY {c}", norm: []int{0}, ordered: true},
	{name: "group_by_count", sql: "SELECT {c}, COUNT(*) FROM words GROUP BY {c} ORDER BY COUNT(*) DESC, {c} LIMIT 5", norm: []int{0}, ordered: true},
	{name: "group_not_selected", sql: "SELECT COUNT(*), MIN(id), MAX(id) FROM words GROUP BY {c}"},
	{name: "distinct", sql: "SELECT DISTINCT {c} FROM words", norm: []int{0}},
	{name: "distinct_ordered", sql: "SELECT DISTINCT {c} FROM words ORDER BY {c} LIMIT 6 OFFSET 1", norm: []int{0}, ordered: true},
	{name: "min_max", sql: "SELECT MIN({c}), MAX({c}), COUNT({c}) FROM words", norm: []int{0, 1}, ordered: true},
	{name: "group_min_max", sql: "SELECT n, MIN({c}), MAX({c}) FROM words GROUP BY n ORDER BY n", norm: []int{1, 2}, ordered: true},
}

// collateReads order by a COLLATE clause of the statement, per dialect.
var collateReads = map[dialect.Dialect][]string{
	dialect.Postgres: {`SELECT id, icu_txt FROM words ORDER BY icu_txt COLLATE "C", id`,
		`SELECT id, c_txt FROM words ORDER BY c_txt COLLATE "und-x-icu" DESC, id LIMIT 9`},
	dialect.MySQL: {"SELECT id, gci FROM words ORDER BY gci COLLATE utf8mb4_bin, id",
		"SELECT id, bin FROM words ORDER BY bin COLLATE utf8mb4_unicode_ci DESC, id LIMIT 9"},
	dialect.SQLite: {"SELECT id, b FROM words ORDER BY b COLLATE NOCASE, id",
		"SELECT id, nc FROM words ORDER BY nc COLLATE BINARY DESC, id LIMIT 9"},
}

// TestShardCollations: ordering, grouping, DISTINCT, MIN and MAX of text
// across 2 and 4 shards equal one database's, for every collation of
// wordColumns, with no collation configured.
func TestShardCollations(t *testing.T) {
	forEachDialect(t, func(t *testing.T, tg target) {
		for _, n := range []int{2, 4} {
			t.Run(fmt.Sprintf("N=%d", n), func(t *testing.T) {
				sc := newShardCluster(t, tg, n, withWords)
				cols := wordColumns(t, sc.d, sc.ref)
				sc.loadWords(t, cols)
				for _, col := range cols {
					t.Run(col.name, func(t *testing.T) {
						for _, r := range collReads {
							sc.compareColl(t, r.name, strings.ReplaceAll(r.sql, "{c}", col.name), col.name, r.norm, r.ordered)
						}
					})
				}
				for i, q := range collateReads[sc.d] {
					sc.compareColl(t, fmt.Sprintf("collate_%d", i), q, "", nil, true)
				}
			})
		}
	})
}

// compareColl runs q through Grant and on the reference and compares the
// results, the norm columns by the reference's row equal to their text in
// column col.
func (sc *shardCluster) compareColl(t *testing.T, name, q, col string, norm []int, ordered bool) {
	t.Helper()
	ctx := context.Background()
	want, err := runQuery(ctx, sc.ref, q)
	require.NoError(t, err, "reference: %s", q)
	got, err := runQuery(ctx, sc.db, q)
	if !assertNoError(t, err, "%s: grant: %s", name, q) {
		return
	}
	if len(norm) > 0 {
		canon := map[any]any{}
		for _, res := range []*shardResult{&got, &want} {
			for _, row := range res.rows {
				for _, i := range norm {
					row[i] = sc.canonical(t, col, row[i], canon)
				}
			}
		}
	}
	compareResults(t, name+": "+q, got, want, compareOpts{ordered: ordered})
}

// canonical returns the smallest id of the reference rows whose column col
// equals text under its collation, standing for every text equal to it.
func (sc *shardCluster) canonical(t *testing.T, col string, text any, seen map[any]any) any {
	if text == nil {
		return nil
	}
	if c, ok := seen[text]; ok {
		return c
	}
	var id *int64
	q := sc.bind("SELECT MIN(id) FROM words WHERE " + col + " = ?")
	require.NoError(t, sc.ref.QueryRowContext(context.Background(), q, text).Scan(&id), q)
	var c any = fmt.Sprintf("no row equal to %q", text)
	if id != nil {
		c = fmt.Sprintf("like row %d", *id)
	}
	seen[text] = c
	return c
}

// assertNoError is require.NoError that lets the test go on.
func assertNoError(t *testing.T, err error, msg string, args ...any) bool {
	t.Helper()
	if err != nil {
		t.Errorf("%s: %v", fmt.Sprintf(msg, args...), err)
		return false
	}
	return true
}
