package grant_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/merge"
)

// mergedDistinctReads are COUNT, SUM and AVG(DISTINCT x) for an x that is
// not the shard key, alone, grouped, mixed with plain aggregates, ordered
// by, over NULLs, ties, decimals, floats, expressions and no rows.
var mergedDistinctReads = []shardRead{
	{name: "count_distinct", sql: "SELECT COUNT(DISTINCT status) FROM orders", compareOpts: typed},
	{name: "sum_distinct_decimal", sql: "SELECT SUM(DISTINCT total) FROM orders", compareOpts: typed},
	{name: "distinct_int", sql: "SELECT COUNT(DISTINCT qty), SUM(DISTINCT qty), AVG(DISTINCT qty) FROM orders", compareOpts: avg},
	{name: "distinct_float", sql: "SELECT COUNT(DISTINCT score), SUM(DISTINCT score) FROM orders", compareOpts: avg},
	{name: "distinct_avg_decimal", sql: "SELECT AVG(DISTINCT total), COUNT(DISTINCT total) FROM orders", compareOpts: avg},
	{name: "two_arguments", sql: "SELECT COUNT(DISTINCT status), COUNT(DISTINCT country), SUM(DISTINCT qty) FROM orders", compareOpts: ord},
	{name: "mixed_scalar", sql: "SELECT COUNT(*), COUNT(DISTINCT customer_id), COUNT(DISTINCT note), SUM(qty), SUM(DISTINCT qty), MIN(qty), MAX(score) FROM orders", compareOpts: ord},
	{name: "grouped_ordered", sql: "SELECT country, COUNT(DISTINCT status), SUM(DISTINCT total) FROM orders GROUP BY country ORDER BY country", compareOpts: typed},
	{name: "grouped_unordered", sql: "SELECT status, COUNT(DISTINCT note), COUNT(DISTINCT country) FROM orders GROUP BY status"},
	{name: "grouped_mixed", sql: "SELECT country, COUNT(*), COUNT(DISTINCT note), SUM(total), MIN(qty), MAX(score), AVG(total), AVG(DISTINCT qty) FROM orders GROUP BY country ORDER BY country", compareOpts: avg},
	{name: "grouped_two_columns", sql: "SELECT status, note, COUNT(DISTINCT qty), SUM(DISTINCT qty) FROM orders GROUP BY status, note"},
	{name: "order_by_distinct_limit", sql: "SELECT note, COUNT(DISTINCT country) AS c FROM orders GROUP BY note ORDER BY c DESC, note LIMIT 3", compareOpts: ord},
	{name: "order_by_distinct_not_selected", sql: "SELECT status FROM orders GROUP BY status ORDER BY COUNT(DISTINCT qty), status", compareOpts: ord},
	{name: "grouped_limit_offset", sql: "SELECT country, COUNT(DISTINCT note) FROM orders GROUP BY country ORDER BY country LIMIT 2 OFFSET 1", compareOpts: ord},
	{name: "no_rows", sql: "SELECT COUNT(DISTINCT status), SUM(DISTINCT total), AVG(DISTINCT qty) FROM orders WHERE id < 0", compareOpts: ord},
	{name: "no_rows_grouped", sql: "SELECT country, COUNT(DISTINCT status) FROM orders WHERE id < 0 GROUP BY country"},
	{name: "only_nulls", sql: "SELECT COUNT(DISTINCT qty), SUM(DISTINCT qty) FROM orders WHERE qty IS NULL", compareOpts: ord},
	{name: "where_argument", sql: "SELECT COUNT(DISTINCT note), SUM(DISTINCT qty) FROM orders WHERE total > ?", args: []any{0}, compareOpts: ord},
	{name: "scalar_limit", sql: "SELECT COUNT(DISTINCT note) FROM orders LIMIT 1", compareOpts: ord},
	{name: "expression_argument", sql: "SELECT COUNT(DISTINCT qty % 3), SUM(DISTINCT qty * 2) FROM orders", compareOpts: ord},
	{name: "select_distinct", sql: "SELECT DISTINCT COUNT(DISTINCT status) FROM orders GROUP BY country"},
	{name: "min_max_distinct", sql: "SELECT MIN(DISTINCT qty), MAX(DISTINCT note), MIN(DISTINCT status) FROM orders", compareOpts: ord},
	{name: "range_sharded", sql: "SELECT kind, COUNT(DISTINCT amount), SUM(DISTINCT amount) FROM events GROUP BY kind ORDER BY kind", compareOpts: ord},
	{name: "key_distinct", sql: "SELECT status, COUNT(DISTINCT customer_id), COUNT(DISTINCT qty) FROM orders GROUP BY status ORDER BY status", compareOpts: ord},
}

// mergedDistinctWords count distinct texts in every collation of words:
// texts equal under the column's collation are one value.
var mergedDistinctWords = []collRead{
	{name: "count_distinct", sql: "SELECT COUNT(DISTINCT {c}), COUNT({c}) FROM words", ordered: true},
	{name: "grouped", sql: "SELECT n, COUNT(DISTINCT {c}), COUNT(*) FROM words GROUP BY n ORDER BY n", ordered: true},
	{name: "grouped_unordered", sql: "SELECT n, COUNT(DISTINCT {c}) FROM words GROUP BY n"},
	{name: "order_by_distinct", sql: "SELECT k, COUNT(DISTINCT {c}) AS d FROM words GROUP BY k ORDER BY d DESC, k LIMIT 5", ordered: true},
}

// TestShardMergedDistinct: COUNT, SUM and AVG(DISTINCT x) across 2 and 4
// shards equal one database's, for numbers and for text in every
// collation of words, with no collation configured.
func TestShardMergedDistinct(t *testing.T) {
	forEachDialect(t, func(t *testing.T, tg target) {
		for _, n := range []int{2, 4} {
			t.Run(fmt.Sprintf("N=%d", n), func(t *testing.T) {
				sc := newShardCluster(t, tg, n, withWords)
				sc.testSchema(t)
				sc.testLoad(t)
				ctx := context.Background()
				for _, r := range mergedDistinctReads {
					t.Run(r.name, func(t *testing.T) {
						q := r.text(sc)
						want, err := runQuery(ctx, sc.ref, q, r.args...)
						require.NoError(t, err, "reference: %s", q)
						got, err := runQuery(ctx, sc.db, q, r.args...)
						require.NoError(t, err, "grant: %s", q)
						compareResults(t, q, got, want, r.compareOpts)
					})
				}
				cols := wordColumns(t, sc.d, sc.ref)
				sc.loadWords(t, cols)
				for _, col := range cols {
					t.Run(col.name, func(t *testing.T) {
						for _, r := range mergedDistinctWords {
							sc.compareColl(t, r.name, strings.ReplaceAll(r.sql, "{c}", col.name), col.name, nil, r.ordered)
						}
					})
				}
			})
		}
	})
}

// TestShardMergedDistinctMemoryLimit: the distinct values held at once
// are capped by sharding.max_memory_rows, with an error naming it.
func TestShardMergedDistinctMemoryLimit(t *testing.T) {
	forEachDialect(t, func(t *testing.T, tg target) {
		if tg.d.String() != "sqlite" {
			t.Skip("the limit is the merge's, the same on every dialect")
		}
		sc := newShardCluster(t, tg, 2, func(c *grant.Config) { c.Sharding.MaxMemoryRows = 5 })
		sc.testSchema(t)
		sc.testLoad(t)
		_, err := runQuery(context.Background(), sc.db, "SELECT COUNT(DISTINCT id) FROM orders")
		require.Error(t, err)
		assert.True(t, errors.Is(err, merge.ErrMemoryLimit), "%v", err)
		assert.Contains(t, err.Error(), "sharding.max_memory_rows = 5")
		_, err = runQuery(context.Background(), sc.db, "SELECT COUNT(DISTINCT status) FROM orders")
		assert.NoError(t, err, "five statuses and NULL fit")
	})
}
