package grant_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
)

// havingReads are HAVING conditions and select items that are expressions
// over aggregates across shards: grouped and not, with hidden aggregates,
// group columns, NULLs, empty groups, ties, decimals, floats, integer
// division, arguments, and ORDER BY, OFFSET and LIMIT after HAVING.
var havingReads = []shardRead{
	{name: "having_count", sql: "SELECT status, COUNT(*) FROM orders GROUP BY status HAVING COUNT(*) > 40"},
	{name: "having_order_limit_offset", sql: "SELECT country, COUNT(*) AS n FROM orders GROUP BY country HAVING COUNT(*) >= 30 ORDER BY n DESC, country LIMIT 3 OFFSET 1", compareOpts: ord},
	{name: "having_ties_order", sql: "SELECT qty, COUNT(*) AS n FROM orders GROUP BY qty HAVING COUNT(*) > 8 ORDER BY n, qty", compareOpts: ord},
	{name: "having_hidden_aggregates", sql: "SELECT country FROM orders GROUP BY country HAVING SUM(qty) > 50 AND MAX(score) < 12"},
	{name: "having_avg_argument", sql: "SELECT status, AVG(qty) FROM orders GROUP BY status HAVING AVG(qty) > ?", args: []any{4}, compareOpts: compareOpts{approx: true},
		mysql: "SELECT status, AVG(qty) FROM orders GROUP BY status HAVING SUM(qty) > ? * COUNT(qty)"},
	{name: "having_or_not_null", sql: "SELECT note, COUNT(*) FROM orders GROUP BY note HAVING COUNT(note) = 0 OR NOT (MIN(qty) >= -4) OR MAX(total) IS NULL"},
	{name: "having_no_group_kept", sql: "SELECT COUNT(*), SUM(qty) FROM orders HAVING COUNT(*) > ?", args: []any{10}, compareOpts: ord},
	{name: "having_no_group_dropped", sql: "SELECT COUNT(*), SUM(qty) FROM orders HAVING COUNT(*) > ?", args: []any{1000}, compareOpts: ord},
	{name: "having_group_column", sql: "SELECT qty, COUNT(*) FROM orders GROUP BY qty HAVING qty > 2 AND COUNT(*) > 3 ORDER BY qty", compareOpts: ord},
	{name: "having_group_column_null", sql: "SELECT qty, COUNT(*) FROM orders GROUP BY qty HAVING qty IS NULL OR SUM(qty) < 0 ORDER BY qty", compareOpts: ord},
	{name: "having_none", sql: "SELECT status, COUNT(*) FROM orders GROUP BY status HAVING COUNT(*) > 100000"},
	{name: "having_no_rows", sql: "SELECT status, COUNT(*) FROM orders WHERE id < 0 GROUP BY status HAVING COUNT(*) >= 0"},
	{name: "having_decimal_literal", sql: "SELECT country, SUM(total) FROM orders GROUP BY country HAVING SUM(total) > 12.5 ORDER BY country", compareOpts: ord},
	{name: "having_division", sql: "SELECT status, SUM(qty), COUNT(*) FROM orders GROUP BY status HAVING SUM(qty) / COUNT(*) > 4 ORDER BY status", compareOpts: ord,
		mysql: "SELECT status, SUM(qty), COUNT(*) FROM orders GROUP BY status HAVING SUM(qty) DIV COUNT(*) > 4 ORDER BY status"},
	{name: "having_distinct_aggregate", sql: "SELECT country, COUNT(DISTINCT status) FROM orders GROUP BY country HAVING COUNT(DISTINCT status) >= 5 ORDER BY country", compareOpts: ord},
	{name: "having_streaming_limit", sql: "SELECT country, COUNT(*) FROM orders GROUP BY country HAVING MIN(qty) < -4 LIMIT 2", compareOpts: ord, mysql: "SELECT country, COUNT(*) FROM orders GROUP BY country HAVING MIN(qty) < -4 ORDER BY country LIMIT 2"},
	{name: "having_select_distinct", sql: "SELECT DISTINCT COUNT(*) FROM orders GROUP BY country HAVING COUNT(*) > 30"},
	{name: "having_arguments_where_and_having", sql: "SELECT status, COUNT(*) FROM orders WHERE qty > ? GROUP BY status HAVING COUNT(*) > ? AND MAX(qty) <= ? ORDER BY status", args: []any{0, 10, 15}, compareOpts: ord},
	{name: "expr_avg_minus_min", sql: "SELECT country, AVG(total) - MIN(total), AVG(qty) * 2 FROM orders GROUP BY country ORDER BY country", compareOpts: ord,
		mysql: "SELECT country, MAX(total) - MIN(total), AVG(qty) FROM orders GROUP BY country ORDER BY country"},
	{name: "expr_distinct_ratio", sql: "SELECT country, COUNT(DISTINCT status) * 100 / COUNT(*) FROM orders GROUP BY country ORDER BY country", compareOpts: ord},
	{name: "expr_range", sql: "SELECT MAX(total) - MIN(total), MAX(qty) - MIN(qty), COUNT(*) * 2 FROM orders", compareOpts: ord},
	{name: "expr_ratios", sql: "SELECT country, SUM(qty) / COUNT(*), SUM(total) / COUNT(*), SUM(score) / COUNT(*) FROM orders GROUP BY country ORDER BY country", compareOpts: ord},
	{name: "expr_mod_neg", sql: "SELECT status, SUM(qty) % 7, -MIN(qty), MAX(qty) * -3 + 1, -(MAX(total) + 1) FROM orders GROUP BY status ORDER BY status", compareOpts: ord},
	{name: "expr_order_by_alias_limit", sql: "SELECT country, MAX(qty) - MIN(qty) AS spread FROM orders GROUP BY country ORDER BY spread DESC, country LIMIT 4", compareOpts: ord},
	{name: "expr_order_by_decimal", sql: "SELECT country, MAX(total) - MIN(total) AS spread, SUM(total) / COUNT(*) FROM orders GROUP BY country ORDER BY spread DESC, country", compareOpts: ord},
	{name: "expr_order_by_ratio_limit", sql: "SELECT status, SUM(total) / COUNT(*) AS mean FROM orders GROUP BY status ORDER BY mean, status LIMIT 3 OFFSET 1", compareOpts: ord},
	{name: "expr_order_by_expression", sql: "SELECT country, MAX(qty) - MIN(qty) FROM orders GROUP BY country ORDER BY MAX(qty) - MIN(qty), country", compareOpts: ord},
	{name: "expr_with_having", sql: "SELECT status, SUM(total) / COUNT(total) AS a, COUNT(total) FROM orders GROUP BY status HAVING COUNT(total) > 0 ORDER BY status", compareOpts: ord},
	{name: "expr_having_guards_division", sql: "SELECT qty, COUNT(*) / qty FROM orders GROUP BY qty HAVING qty <> 0 ORDER BY qty", compareOpts: ord},
	{name: "expr_nulls", sql: "SELECT note, MAX(qty) + MIN(score), COUNT(qty) * MAX(total) FROM orders WHERE qty IS NULL GROUP BY note"},
	{name: "expr_arguments", sql: "SELECT country, COUNT(*) * ? + ? FROM orders GROUP BY country", args: []any{3, -7}},
	{name: "expr_comparison_item", sql: "SELECT status, COUNT(*) > 45, MAX(qty) IS NULL FROM orders GROUP BY status"},
	{name: "expr_no_rows", sql: "SELECT MAX(qty) - MIN(qty), COUNT(*) + 1, SUM(total) * 2 FROM orders WHERE id < 0", compareOpts: ord},
	{name: "expr_float_mix", sql: "SELECT status, SUM(score) * 2 - MIN(qty), AVG(score) + 1 FROM orders GROUP BY status", compareOpts: compareOpts{approx: true},
		mysql: "SELECT status, SUM(score) * 2 - MIN(qty), AVG(score) FROM orders GROUP BY status"},
	{name: "expr_range_sharded", sql: "SELECT kind, MAX(amount) - MIN(amount), SUM(amount) / COUNT(amount) FROM events GROUP BY kind HAVING COUNT(*) > 5 ORDER BY kind", compareOpts: ord},
}

// havingAliasReads name a select alias in HAVING, which MySQL and SQLite
// allow and PostgreSQL does not.
var havingAliasReads = []shardRead{
	{name: "having_alias", sql: "SELECT country, COUNT(*) AS n FROM orders GROUP BY country HAVING n > 30"},
	{name: "having_alias_expression", sql: "SELECT country, MAX(qty) - MIN(qty) AS spread FROM orders GROUP BY country HAVING spread > 18 ORDER BY country", compareOpts: ord},
}

// havingErrorReads fail on one database as the merge must fail them, or
// give NULL on the dialects that make division by zero NULL.
var havingErrorReads = []shardRead{
	{name: "division_by_zero", sql: "SELECT status, COUNT(*) / (MAX(qty) - MAX(qty)) FROM orders GROUP BY status"},
	{name: "modulo_by_zero", sql: "SELECT COUNT(*) % (MIN(qty) - MIN(qty)) FROM orders"},
	{name: "int4_overflow", sql: "SELECT MAX(qty) * 2147483647 FROM orders"},
	{name: "bigint_overflow", sql: "SELECT MAX(customer_id) * 9223372036854775807 FROM orders"},
	{name: "having_division_by_zero", sql: "SELECT status FROM orders GROUP BY status HAVING COUNT(*) / (COUNT(*) - COUNT(*)) > 1",
		mysql: "SELECT status FROM orders GROUP BY status HAVING COUNT(*) DIV (COUNT(*) - COUNT(*)) > 1"},
}

// TestShardHaving: HAVING and expressions over aggregates across 2 and 4
// shards equal one database's, values and Go types (int64, float64,
// decimal text with its scale) alike; errors where it errs.
func TestShardHaving(t *testing.T) {
	forEachDialect(t, func(t *testing.T, tg target) {
		for _, n := range []int{2, 4} {
			t.Run(fmt.Sprintf("N=%d", n), func(t *testing.T) {
				sc := newShardCluster(t, tg, n)
				sc.testSchema(t)
				sc.testLoad(t)
				ctx := context.Background()
				reads := havingReads
				if sc.d != dialect.Postgres {
					reads = append(reads[:len(reads):len(reads)], havingAliasReads...)
				}
				for _, r := range reads {
					t.Run(r.name, func(t *testing.T) {
						q := r.text(sc)
						want, err := runQuery(ctx, sc.ref, q, r.args...)
						require.NoError(t, err, "reference: %s", q)
						got, err := runQuery(ctx, sc.db, q, r.args...)
						require.NoError(t, err, "grant: %s", q)
						compareResults(t, q, got, want, r.compareOpts)
						sameGoTypes(t, q, got, want, r.ordered)
					})
				}
				for _, r := range havingErrorReads {
					t.Run(r.name, func(t *testing.T) {
						q := r.text(sc)
						want, werr := runQuery(ctx, sc.ref, q, r.args...)
						got, gerr := runQuery(ctx, sc.db, q, r.args...)
						if werr != nil {
							require.Error(t, gerr, "grant: %s (one database: %v)", q, werr)
							return
						}
						require.NoError(t, gerr, "grant: %s", q)
						compareResults(t, q, got, want, compareOpts{})
						sameGoTypes(t, q, got, want, false)
					})
				}
			})
		}
	})
}

// sameGoTypes fails t unless every value has the Go type one database
// gives it, and decimal text its scale (text compares exactly).
func sameGoTypes(t *testing.T, label string, got, want shardResult, ordered bool) {
	t.Helper()
	g, w := got.rows, want.rows
	if !ordered {
		g, w = sortedRows(g), sortedRows(w)
	}
	for i := range min(len(g), len(w)) {
		for j := range min(len(g[i]), len(w[i])) {
			a, b := g[i][j], w[i][j]
			if fmt.Sprintf("%T", a) != fmt.Sprintf("%T", b) {
				t.Errorf("%s: row %d column %d: got %T %v, want %T %v", label, i, j, a, a, b, b)
				return
			}
			if s, ok := b.(string); ok && !assert.Equal(t, s, a, "%s: row %d column %d", label, i, j) {
				return
			}
		}
	}
}

// TestShardHavingRefused: what the merge does not evaluate exactly is
// refused before any row, naming the construct.
func TestShardHavingRefused(t *testing.T) {
	forEachDialect(t, func(t *testing.T, tg target) {
		sc := newShardCluster(t, tg, 2)
		sc.testSchema(t)
		refused := map[string]string{
			"SELECT status FROM orders GROUP BY status HAVING MAX(note) > 'm'":       "the text literal 'm'",
			"SELECT COALESCE(SUM(qty), 0) FROM orders":                               "the function coalesce(...)",
			"SELECT status FROM orders GROUP BY status HAVING total > 1":             "total, which is neither grouped nor inside an aggregate",
			"SELECT status FROM orders GROUP BY status ORDER BY MAX(qty) - MIN(qty)": "ORDER BY MAX(qty) - MIN(qty) of a grouped query",
		}
		if sc.d == dialect.MySQL {
			refused["SELECT status FROM orders GROUP BY status HAVING AVG(qty) > 4"] = "AVG(qty) inside AVG(qty) > 4 on MySQL"
			refused["SELECT SUM(qty) / COUNT(*) * 3 FROM orders"] = "SUM(qty) / COUNT(*) inside"
		}
		for q, want := range refused {
			_, err := runQuery(context.Background(), sc.db, q)
			if assert.Error(t, err, q) {
				assert.Contains(t, err.Error(), want, q)
			}
		}
	})
}
