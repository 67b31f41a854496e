package grant_test

// The coverage differential tests: window functions partitioned by the
// shard key, subqueries bound to the key, derived tables and CTEs computed
// per shard, and UNION [ALL] across shards, each answered through Grant
// over N shards exactly as one database holding every row answers it, or
// refused before any row is read.

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/sharding"
)

// coverReads are the reads this coverage plans. Every ORDER BY that must
// fix the order ends with a unique column; the others compare as
// multisets.
var coverReads = []shardRead{
	// Window functions whose PARTITION BY holds the shard key.
	{name: "window_row_number", sql: "SELECT id, customer_id, ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY id) FROM orders ORDER BY id", compareOpts: ord},
	{name: "window_running_sum", sql: "SELECT id, SUM(qty) OVER (PARTITION BY customer_id ORDER BY id) AS running FROM orders ORDER BY customer_id, id", compareOpts: ord},
	{name: "window_rank_order_limit", sql: "SELECT customer_id, id, RANK() OVER (PARTITION BY customer_id ORDER BY total DESC) AS r FROM orders ORDER BY r, customer_id, id LIMIT 12", compareOpts: ord},
	{name: "window_key_second", sql: "SELECT id, COUNT(*) OVER (PARTITION BY status, customer_id) FROM orders"},
	{name: "window_named", sql: "SELECT id, COUNT(*) OVER w, MAX(total) OVER w FROM orders WINDOW w AS (PARTITION BY customer_id) ORDER BY id", compareOpts: ord},
	{name: "window_join_binding", sql: "SELECT o.id, i.id, ROW_NUMBER() OVER (PARTITION BY o.customer_id ORDER BY o.id, i.id) FROM orders o JOIN order_items i ON i.customer_id = o.customer_id AND i.order_id = o.id ORDER BY o.id, i.id", compareOpts: ord},
	{name: "window_over_key_groups", sql: "SELECT customer_id, COUNT(*), SUM(COUNT(*)) OVER (PARTITION BY customer_id) FROM orders GROUP BY customer_id ORDER BY customer_id", compareOpts: ord},
	{name: "window_left_join_preserved", sql: "SELECT o.id, i.id, COUNT(i.id) OVER (PARTITION BY o.customer_id) FROM orders o LEFT JOIN order_items i ON i.customer_id = o.customer_id AND i.order_id = o.id ORDER BY o.id, i.id", compareOpts: ord},
	{name: "window_text_order", sql: "SELECT id, note, LAG(note) OVER (PARTITION BY customer_id ORDER BY id) AS prev FROM orders ORDER BY id LIMIT 40", compareOpts: ord},
	// IN and EXISTS bound to the key.
	{name: "in_correlated_key", sql: "SELECT o.id FROM orders o WHERE o.customer_id IN (SELECT i.customer_id FROM order_items i WHERE i.customer_id = o.customer_id AND i.qty > 2) ORDER BY o.id", compareOpts: ord},
	{name: "exists_key", sql: "SELECT o.id FROM orders o WHERE EXISTS (SELECT 1 FROM order_items i WHERE i.customer_id = o.customer_id) ORDER BY o.id", compareOpts: ord},
	{name: "in_bound_table", sql: "SELECT id FROM orders WHERE customer_id IN (SELECT customer_id FROM order_items WHERE sku = 'b-2') ORDER BY id", compareOpts: ord},
	{name: "in_bound_table_count", sql: "SELECT COUNT(*), SUM(total) FROM orders WHERE customer_id IN (SELECT i.customer_id FROM order_items i WHERE i.qty > 3)", compareOpts: ord},
	{name: "in_bound_table_point", sql: "SELECT id FROM orders o WHERE o.customer_id IN (SELECT customer_id FROM order_items WHERE price > ?) AND o.customer_id IN (?, ?, ?) ORDER BY id", args: []any{20, 3, 4, 5}, compareOpts: ord},
	// Derived tables and CTEs computed per shard.
	{name: "derived_avg_of_counts", sql: "SELECT AVG(n) FROM (SELECT customer_id, COUNT(*) AS n FROM orders GROUP BY customer_id) t", compareOpts: avg},
	{name: "cte_top_counts", sql: "WITH t AS (SELECT customer_id, COUNT(*) AS n FROM orders GROUP BY customer_id) SELECT * FROM t ORDER BY n DESC, customer_id LIMIT 3", compareOpts: ord},
	{name: "derived_group_outer", sql: "SELECT n, COUNT(*) FROM (SELECT customer_id, COUNT(*) AS n FROM orders GROUP BY customer_id) t GROUP BY n ORDER BY n", compareOpts: ord},
	{name: "derived_sum_min_max", sql: "SELECT MAX(s), MIN(s), SUM(s), COUNT(*) FROM (SELECT customer_id, SUM(total) AS s FROM orders GROUP BY customer_id) t", compareOpts: ord},
	{name: "derived_first_per_key", sql: "SELECT customer_id, id FROM (SELECT customer_id, id, ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY total DESC, id) AS rn FROM orders) t WHERE rn = 1 ORDER BY customer_id", compareOpts: ord},
	{name: "derived_join_binding", sql: "SELECT t.customer_id, t.items FROM (SELECT o.customer_id, COUNT(i.id) AS items FROM orders o JOIN order_items i ON i.customer_id = o.customer_id AND i.order_id = o.id GROUP BY o.customer_id) t ORDER BY t.items DESC, t.customer_id", compareOpts: ord},
	{name: "derived_join_broadcast", sql: "SELECT c.region, SUM(t.n) FROM (SELECT customer_id, country, COUNT(*) AS n FROM orders GROUP BY customer_id, country) t JOIN countries c ON c.code = t.country GROUP BY c.region ORDER BY c.region", compareOpts: ord},
	{name: "cte_key_in_list", sql: "WITH t AS (SELECT customer_id, MAX(total) AS m FROM orders WHERE customer_id IN (1, 2, 3, 5) GROUP BY customer_id) SELECT customer_id, m FROM t ORDER BY customer_id", compareOpts: ord},
	{name: "cte_rows", sql: "WITH big AS (SELECT id, customer_id, total FROM orders WHERE total > 10) SELECT COUNT(*), SUM(total), MAX(id) FROM big", compareOpts: ord},
	// UNION [ALL] across shards.
	{name: "union_all", sql: "SELECT id FROM orders WHERE status = 'new' UNION ALL SELECT id FROM orders WHERE status = 'paid'"},
	{name: "union_all_order_limit", sql: "SELECT id, total FROM orders WHERE qty > 3 UNION ALL SELECT id, total FROM orders WHERE qty < 0 ORDER BY 2, 1 LIMIT 10", compareOpts: ord},
	{name: "union_distinct_numbers", sql: "SELECT qty FROM orders UNION SELECT qty FROM order_items ORDER BY 1", compareOpts: ord},
	{name: "union_distinct_text", sql: "SELECT status FROM orders WHERE qty > 2 UNION SELECT status FROM orders WHERE total < 0 ORDER BY 1", compareOpts: ord},
	{name: "union_distinct_two_columns", sql: "SELECT customer_id, qty FROM orders WHERE qty > 2 UNION SELECT customer_id, qty FROM order_items WHERE qty < 2 ORDER BY 1, 2", compareOpts: ord},
	{name: "union_two_resolvers", sql: "SELECT day FROM events WHERE amount > 100 UNION SELECT customer_id FROM orders WHERE qty > 4 ORDER BY 1", compareOpts: ord},
	{name: "union_all_broadcast_join", sql: "SELECT o.id, c.name FROM orders o JOIN countries c ON c.code = o.country WHERE o.qty > 3 UNION ALL SELECT o.id, c.name FROM orders o JOIN countries c ON c.code = o.country WHERE o.qty < 0 ORDER BY 1"},
	{name: "union_broadcast_arm", sql: "SELECT code FROM countries UNION SELECT country FROM orders WHERE qty > 2 ORDER BY 1", compareOpts: ord},
	{name: "union_all_keys", sql: "SELECT id, customer_id FROM orders WHERE customer_id = 3 UNION ALL SELECT id, customer_id FROM order_items WHERE customer_id = 4 ORDER BY 1, 2", compareOpts: ord},
	// The key on the NULL side of a LEFT JOIN: the NULL group is every
	// shard's, merged into one.
	{name: "left_join_null_key_group", sql: "SELECT i.customer_id, COUNT(*) FROM orders o LEFT JOIN order_items i ON i.customer_id = o.customer_id AND i.order_id = o.id GROUP BY i.customer_id"},
	{name: "union_all_grouped_by_key", sql: "SELECT customer_id, COUNT(*) FROM orders GROUP BY customer_id UNION ALL SELECT customer_id, COUNT(*) FROM order_items GROUP BY customer_id ORDER BY 1, 2", compareOpts: ord},
}

// coverRefusedOn are the reads of coverReads refused on one dialect, with
// a part of the reason: on MySQL, a UNION across shards comparing text
// would need the hidden weight column in every arm.
var coverRefusedOn = map[string]struct {
	d   dialect.Dialect
	why string
}{
	"union_distinct_text": {dialect.MySQL, "hidden columns"},
	"union_broadcast_arm": {dialect.MySQL, "hidden columns"},
}

// coverRefusals are the shapes that stay refused, each with a part of its
// reason.
var coverRefusals = []struct {
	sql, why string
}{
	{"SELECT id, ROW_NUMBER() OVER (ORDER BY id) FROM orders", "PARTITION BY"},
	{"SELECT id, COUNT(*) OVER (PARTITION BY status) FROM orders", "PARTITION BY"},
	{"SELECT id, COUNT(*) OVER () FROM orders", "PARTITION BY"},
	{"SELECT id, COUNT(*) OVER w FROM orders WINDOW w AS (ORDER BY id)", "PARTITION BY"},
	{"SELECT status, RANK() OVER (PARTITION BY status ORDER BY COUNT(*)) FROM orders GROUP BY status", "PARTITION BY"},
	{"SELECT id FROM orders WHERE customer_id IN (SELECT day FROM events)", "across shards"},
	{"SELECT id FROM orders WHERE id IN (SELECT order_id FROM order_items)", "across shards"},
	{"SELECT id FROM orders WHERE customer_id NOT IN (SELECT customer_id FROM order_items)", "across shards"},
	{"SELECT o.id, COUNT(*) OVER (PARTITION BY i.customer_id) FROM orders o LEFT JOIN order_items i ON i.customer_id = o.customer_id", "PARTITION BY"},
	{"SELECT AVG(n) FROM (SELECT i.customer_id, COUNT(*) AS n FROM orders o LEFT JOIN order_items i ON i.customer_id = o.customer_id AND i.order_id = o.id GROUP BY i.customer_id) t", "group"},
	{"SELECT AVG(n) FROM (SELECT status, COUNT(*) AS n FROM orders GROUP BY status) t", "group"},
	{"SELECT * FROM (SELECT customer_id FROM orders ORDER BY id LIMIT 5) t", "LIMIT"},
	{"SELECT * FROM (SELECT DISTINCT status FROM orders) t", "DISTINCT"},
	{"SELECT n FROM (SELECT COUNT(*) AS n FROM orders) t", "group"},
	{"WITH t AS (SELECT customer_id, COUNT(*) AS n FROM orders GROUP BY customer_id) SELECT a.n FROM t a JOIN t b ON a.customer_id = b.customer_id", "more than once"},
	{"SELECT code FROM countries UNION ALL SELECT country FROM orders", "broadcast"},
	{"SELECT COUNT(*) FROM orders UNION ALL SELECT COUNT(*) FROM order_items", "UNION"},
	{"SELECT DISTINCT status FROM orders UNION ALL SELECT status FROM orders", "DISTINCT"},
	{"SELECT customer_id FROM orders INTERSECT SELECT customer_id FROM order_items", "INTERSECT"},
	{"SELECT customer_id FROM orders EXCEPT SELECT customer_id FROM order_items", "EXCEPT"},
	{"SELECT id FROM orders UNION ALL SELECT id FROM order_items ORDER BY id + 1", "hidden columns"},
	{"SELECT id FROM orders WHERE qty > 3 UNION ALL (SELECT id FROM orders ORDER BY id LIMIT 3)", "LIMIT"},
	{"SELECT * FROM orders WHERE qty > 3 UNION ALL SELECT * FROM orders WHERE qty < 0", "SELECT *"},
	{"SELECT c.code, o.id FROM countries c LEFT JOIN orders o ON o.country = c.code", "outer join keeps rows of broadcast table countries"},
	{"SELECT c.code, o.id FROM orders o RIGHT JOIN countries c ON o.country = c.code", "outer join keeps rows of broadcast table countries"},
	// Without ORDER BY, a UNION's plan gets no catalog of the collations.
	{"SELECT customer_id FROM orders UNION SELECT customer_id FROM order_items", "add ORDER BY"},
}

// TestShardCover runs the coverage reads and refusals per dialect and
// shard count on the data set of the differential tests.
func TestShardCover(t *testing.T) {
	forEachShardCluster(t, func(t *testing.T, sc *shardCluster) {
		sc.testSchema(t)
		sc.testLoad(t)
		t.Run("Reads", func(t *testing.T) { sc.coverReads(t, coverReads) })
		t.Run("Refusals", sc.coverRefusals)
		t.Run("Plans", sc.coverPlans)
		t.Run("Writes", sc.coverWrites)
		t.Run("ReadsAfterWrites", func(t *testing.T) { sc.coverReads(t, coverReads) })
	})
}

// coverWrites runs writes whose WHERE is bound to the key through a
// subquery, through Grant and on the reference: each affects the same
// rows, and the tables end alike.
func (sc *shardCluster) coverWrites(t *testing.T) {
	ctx := context.Background()
	for _, q := range []string{
		"UPDATE orders SET note = 'bound' WHERE customer_id IN (SELECT customer_id FROM order_items WHERE sku = 'C-7' AND qty = 0)",
		"DELETE FROM order_items WHERE customer_id IN (SELECT customer_id FROM orders WHERE status = 'void' AND qty < 0)",
	} {
		p, err := sc.c.Plan(ctx, q)
		require.NoError(t, err, q)
		assert.Equal(t, sharding.RouteScatter, p.Route, q)
		want := execAffected(t, ctx, sc.ref, q)
		require.NotZero(t, want, "the write affects rows: %s", q)
		assert.Equal(t, want, execAffected(t, ctx, sc.db, q), q)
	}
	for _, q := range []string{
		"SELECT id, customer_id, note FROM orders ORDER BY id",
		"SELECT id, customer_id, sku FROM order_items ORDER BY id",
	} {
		want, err := runQuery(ctx, sc.ref, q)
		require.NoError(t, err, q)
		got, err := runQuery(ctx, sc.db, q)
		require.NoError(t, err, q)
		compareResults(t, q, got, want, ord)
	}
}

// coverReads runs reads through Grant (the pool, one sql.Conn and, with
// arguments, a prepared statement) and on the reference.
func (sc *shardCluster) coverReads(t *testing.T, reads []shardRead) {
	ctx := context.Background()
	conn, err := sc.db.Conn(ctx)
	require.NoError(t, err)
	defer conn.Close()
	for _, r := range reads {
		t.Run(r.name, func(t *testing.T) {
			q := r.text(sc)
			if ro, ok := coverRefusedOn[r.name]; ok && ro.d == sc.d {
				_, err := runQuery(ctx, sc.db, q, r.args...)
				if assert.ErrorIs(t, err, sharding.ErrRefused, q) {
					assert.Contains(t, err.Error(), ro.why, q)
				}
				return
			}
			want, err := runQuery(ctx, sc.ref, q, r.args...)
			require.NoError(t, err, "reference: %s", q)
			require.NotEmpty(t, want.rows, "the reference answers rows: %s", q)
			got, err := runQuery(ctx, sc.db, q, r.args...)
			require.NoError(t, err, "grant: %s", q)
			compareResults(t, q, got, want, r.compareOpts)
			got, err = runQuery(ctx, conn, q, r.args...)
			require.NoError(t, err, "grant, sql.Conn: %s", q)
			compareResults(t, "sql.Conn: "+q, got, want, r.compareOpts)
			if len(r.args) == 0 {
				return
			}
			stmt, err := sc.db.PrepareContext(ctx, q)
			require.NoError(t, err, "grant, prepare: %s", q)
			defer stmt.Close()
			got, err = runQuery(ctx, stmtQueryer{stmt}, "", r.args...)
			require.NoError(t, err, "grant, prepared: %s", q)
			compareResults(t, "prepared: "+q, got, want, r.compareOpts)
		})
	}
}

// coverRefusals checks that the shapes left out are refused, by the
// planner and by a query, naming why.
func (sc *shardCluster) coverRefusals(t *testing.T) {
	ctx := context.Background()
	for _, r := range coverRefusals {
		q := sc.bind(r.sql)
		_, err := sc.c.Plan(ctx, q)
		if assert.ErrorIs(t, err, sharding.ErrRefused, "planner: %s", q) {
			assert.Contains(t, err.Error(), r.why, q)
		}
		rows, err := sc.db.QueryContext(ctx, q)
		if err == nil {
			rows.Close()
		}
		assert.ErrorIs(t, err, sharding.ErrRefused, "query: %s", q)
	}
}

// coverPlans checks that the covered shapes fan out (rather than run on one
// database by chance) and how their results merge.
func (sc *shardCluster) coverPlans(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		sql      string
		distinct bool
	}{
		{"SELECT id, ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY id) FROM orders", false},
		{"SELECT id FROM orders WHERE customer_id IN (SELECT customer_id FROM order_items WHERE sku = 'b-2')", false},
		{"SELECT AVG(n) FROM (SELECT customer_id, COUNT(*) AS n FROM orders GROUP BY customer_id) t", false},
		{"SELECT id FROM orders WHERE qty > 3 UNION ALL SELECT id FROM orders WHERE qty < 0", false},
		{"SELECT qty FROM orders UNION SELECT qty FROM order_items ORDER BY 1", true},
	} {
		p, err := sc.c.Plan(ctx, tc.sql)
		require.NoError(t, err, tc.sql)
		assert.Equal(t, sharding.RouteScatter, p.Route, tc.sql)
		assert.Len(t, p.Shards, sc.n, tc.sql)
		if assert.NotNil(t, p.Merge, tc.sql) {
			assert.Equal(t, tc.distinct, p.Merge.Distinct, tc.sql)
		}
	}
}
