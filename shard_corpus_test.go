package grant_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/sharding"
)

// shardRead is one read of the corpus, run through Grant and on the
// reference.
type shardRead struct {
	name  string
	sql   string // ? placeholders (bind makes them $n on PostgreSQL)
	mysql string // replaces sql on MySQL when set (it has no NULLS FIRST/LAST)
	args  []any
	compareOpts
}

// ord, avg and typed are the usual comparison options.
var (
	ord   = compareOpts{ordered: true}
	avg   = compareOpts{ordered: true, approx: true}
	typed = compareOpts{ordered: true, types: true}
)

// shardReads is the read corpus. Every ORDER BY that must fix the order
// ends with a unique column; the others compare as multisets.
var shardReads = []shardRead{
	{name: "all", sql: "SELECT id, customer_id, status, total, qty, score, note, country, created_at FROM orders ORDER BY id", compareOpts: typed},
	{name: "desc_nulls_default", sql: "SELECT id, total FROM orders ORDER BY total DESC, id", compareOpts: ord},
	{name: "asc_nulls_default", sql: "SELECT id, qty FROM orders ORDER BY qty, id", compareOpts: ord},
	{name: "nulls_last", sql: "SELECT id, qty FROM orders ORDER BY qty NULLS LAST, id",
		mysql: "SELECT id, qty FROM orders ORDER BY qty IS NULL, qty, id", compareOpts: ord},
	{name: "desc_nulls_first", sql: "SELECT id, score FROM orders ORDER BY score DESC NULLS FIRST, id DESC",
		mysql: "SELECT id, score FROM orders ORDER BY score IS NOT NULL, score DESC, id DESC", compareOpts: ord},
	{name: "text_order", sql: "SELECT id, status, note FROM orders ORDER BY note, status, id", compareOpts: typed},
	{name: "limit", sql: "SELECT id, total FROM orders ORDER BY total, id LIMIT 10", compareOpts: ord},
	{name: "limit_offset", sql: "SELECT id, total FROM orders ORDER BY total DESC, id LIMIT 10 OFFSET 15", compareOpts: ord},
	{name: "order_not_selected", sql: "SELECT id FROM orders ORDER BY created_at, id LIMIT 12", compareOpts: ord},
	{name: "order_not_selected_desc", sql: "SELECT id, note FROM orders ORDER BY score DESC, id LIMIT 8", compareOpts: ord},
	{name: "order_expression", sql: "SELECT id, total FROM orders WHERE total IS NOT NULL ORDER BY ABS(total - 100), id LIMIT 6", compareOpts: ord},
	{name: "order_by_position", sql: "SELECT id, qty FROM orders ORDER BY 2 DESC, 1 LIMIT 9", compareOpts: ord},
	{name: "limit_placeholders", sql: "SELECT id, total FROM orders ORDER BY total, id LIMIT ? OFFSET ?", args: []any{7, 4}, compareOpts: ord},
	{name: "count", sql: "SELECT COUNT(*) FROM orders", compareOpts: ord},
	{name: "count_nulls", sql: "SELECT COUNT(qty), COUNT(status), COUNT(*), COUNT(total) FROM orders", compareOpts: ord},
	{name: "sum_min_max_decimal", sql: "SELECT SUM(total), MIN(total), MAX(total) FROM orders", compareOpts: ord},
	{name: "sum_min_max_mixed", sql: "SELECT SUM(qty), MIN(qty), MAX(score), MIN(created_at), MAX(created_at) FROM orders", compareOpts: ord},
	{name: "min_max_text", sql: "SELECT MIN(note), MAX(note), MIN(status), MAX(status) FROM orders", compareOpts: ord},
	{name: "avg", sql: "SELECT AVG(total), AVG(qty), AVG(score) FROM orders", compareOpts: avg},
	{name: "group_unordered", sql: "SELECT status, COUNT(*) FROM orders GROUP BY status"},
	{name: "group_ordered", sql: "SELECT status, COUNT(*), SUM(total), MIN(qty) FROM orders GROUP BY status ORDER BY status", compareOpts: ord},
	{name: "group_avg", sql: "SELECT country, AVG(total), MAX(score), COUNT(note) FROM orders GROUP BY country ORDER BY country", compareOpts: avg},
	{name: "group_order_by_aggregate", sql: "SELECT note, SUM(qty) AS s FROM orders GROUP BY note ORDER BY s DESC, note LIMIT 3", compareOpts: ord},
	{name: "group_two_columns", sql: "SELECT status, note, COUNT(*) FROM orders GROUP BY status, note"},
	{name: "having_shard_key", sql: "SELECT customer_id, COUNT(*), SUM(total) FROM orders GROUP BY customer_id HAVING COUNT(*) > 8 ORDER BY customer_id", compareOpts: ord},
	{name: "distinct_aggregate_shard_key", sql: "SELECT customer_id, COUNT(DISTINCT status) FROM orders GROUP BY customer_id ORDER BY customer_id", compareOpts: ord},
	{name: "distinct_unordered", sql: "SELECT DISTINCT status FROM orders"},
	{name: "distinct_ordered", sql: "SELECT DISTINCT country FROM orders ORDER BY country", compareOpts: ord},
	{name: "distinct_limit_offset", sql: "SELECT DISTINCT customer_id FROM orders ORDER BY customer_id LIMIT 5 OFFSET 2", compareOpts: ord},
	{name: "in_list", sql: "SELECT id, customer_id FROM orders WHERE customer_id IN (?, ?, ?, ?, ?, ?) ORDER BY id", args: []any{1, 2, 5, 6, 13, 8}, compareOpts: ord},
	{name: "in_list_literals", sql: "SELECT id, total FROM orders WHERE customer_id IN (3, 7, 11) AND total > ? ORDER BY total, id", args: []any{0}, compareOpts: ord},
	{name: "in_list_limit", sql: "SELECT id FROM orders WHERE customer_id IN (?, ?) ORDER BY id DESC LIMIT ?", args: []any{4, 5, 3}, compareOpts: ord},
	{name: "in_list_group", sql: "SELECT status, COUNT(*) FROM orders WHERE customer_id IN (2, 4, 6, 9) GROUP BY status ORDER BY COUNT(*) DESC, status", compareOpts: ord},
	{name: "point", sql: "SELECT id, status, total, created_at FROM orders WHERE customer_id = ? ORDER BY id", args: []any{7}, compareOpts: typed},
	{name: "point_aggregate", sql: "SELECT COUNT(*), SUM(total), AVG(qty) FROM orders WHERE customer_id = ?", args: []any{9}, compareOpts: avg},
	{name: "point_two_keys", sql: "SELECT id, note FROM orders WHERE customer_id = ? AND id > ?", args: []any{12, 100}},
	{name: "range_between", sql: "SELECT id, day, amount FROM events WHERE day BETWEEN ? AND ? ORDER BY day, id", args: []any{10, 40}, compareOpts: ord},
	{name: "range_lt", sql: "SELECT COUNT(*), SUM(amount), MIN(day) FROM events WHERE day < ?", args: []any{12}, compareOpts: ord},
	{name: "range_ge", sql: "SELECT id, day FROM events WHERE day >= ? ORDER BY day DESC, id", args: []any{50}, compareOpts: ord},
	{name: "range_point", sql: "SELECT id, kind, amount FROM events WHERE day = ?", args: []any{33}},
	{name: "range_group", sql: "SELECT kind, COUNT(*), MIN(day), MAX(day), SUM(amount) FROM events GROUP BY kind ORDER BY kind", compareOpts: ord},
	{name: "range_having_key", sql: "SELECT day, SUM(amount) FROM events GROUP BY day HAVING SUM(amount) > 0 ORDER BY day", compareOpts: ord},
	{name: "join_binding", sql: "SELECT o.id, i.id, i.sku, i.qty FROM orders o JOIN order_items i ON i.customer_id = o.customer_id AND i.order_id = o.id ORDER BY o.id, i.id", compareOpts: ord},
	{name: "join_binding_group", sql: "SELECT o.customer_id, COUNT(*), SUM(i.price) FROM orders o JOIN order_items i ON i.customer_id = o.customer_id AND i.order_id = o.id GROUP BY o.customer_id ORDER BY o.customer_id", compareOpts: ord},
	{name: "join_binding_point", sql: "SELECT o.id, i.sku, i.price FROM orders o JOIN order_items i ON i.customer_id = o.customer_id AND i.order_id = o.id WHERE o.customer_id = ? ORDER BY o.id, i.id", args: []any{14}, compareOpts: ord},
	{name: "join_broadcast", sql: "SELECT o.id, c.name FROM orders o JOIN countries c ON c.code = o.country ORDER BY o.id LIMIT 30", compareOpts: ord},
	{name: "join_broadcast_group", sql: "SELECT c.region, COUNT(*), SUM(o.total) FROM orders o JOIN countries c ON c.code = o.country GROUP BY c.region ORDER BY c.region", compareOpts: ord},
	{name: "broadcast_only", sql: "SELECT code, name, region FROM countries ORDER BY code", compareOpts: typed},
	{name: "correlated_exists", sql: "SELECT id FROM orders o WHERE EXISTS (SELECT 1 FROM order_items i WHERE i.customer_id = o.customer_id AND i.order_id = o.id AND i.qty > 3) ORDER BY id", compareOpts: ord},
	{name: "empty_scatter", sql: "SELECT id, total FROM orders WHERE total > 100000 ORDER BY id", compareOpts: typed},
	{name: "empty_point", sql: "SELECT id, total FROM orders WHERE customer_id = ?", args: []any{999}},
	{name: "empty_aggregate", sql: "SELECT COUNT(*), SUM(total), MAX(total) FROM orders WHERE total > 100000", compareOpts: ord},
	{name: "is_null", sql: "SELECT id, note FROM orders WHERE note IS NULL ORDER BY id", compareOpts: ord},
	{name: "text_order_binary_collation", sql: "SELECT id, sku FROM order_items ORDER BY sku, id", compareOpts: ord},
	{name: "group_binary_collation", sql: "SELECT sku, COUNT(*), SUM(qty) FROM order_items GROUP BY sku ORDER BY sku", compareOpts: ord},
	{name: "items_count", sql: "SELECT COUNT(*), SUM(qty), SUM(price) FROM order_items", compareOpts: ord},
	{name: "time_arg", sql: "SELECT id, created_at FROM orders WHERE created_at >= ? ORDER BY created_at, id LIMIT 10",
		args: []any{time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)}, compareOpts: ord},
	// Text merged in the servers' collations, read from their catalogs.
	{name: "text_order_desc_limit", sql: "SELECT id, note FROM orders ORDER BY note DESC, id LIMIT 5", compareOpts: ord},
	{name: "text_group_min_max", sql: "SELECT country, MIN(note), MAX(status), COUNT(*) FROM orders GROUP BY country ORDER BY country", compareOpts: ord},
	{name: "text_distinct_ordered", sql: "SELECT DISTINCT note FROM orders ORDER BY note", compareOpts: ord},
	{name: "text_order_star", sql: "SELECT * FROM orders ORDER BY status, id LIMIT 10", compareOpts: ord},
	{name: "text_order_join_broadcast", sql: "SELECT o.id, c.name FROM orders o JOIN countries c ON c.code = o.country ORDER BY c.name DESC, o.id LIMIT 12", compareOpts: ord},
}

// text returns the read's SQL for the cluster's dialect.
func (r shardRead) text(sc *shardCluster) string {
	if sc.d == dialect.MySQL && r.mysql != "" {
		return r.mysql
	}
	return sc.bind(r.sql)
}

// testReads runs the corpus through Grant and on the reference: through
// the pool, through one sql.Conn for the whole corpus, and, for reads with
// arguments, through a prepared statement run twice.
func (sc *shardCluster) testReads(t *testing.T) {
	ctx := context.Background()
	conn, err := sc.db.Conn(ctx)
	require.NoError(t, err)
	defer conn.Close()
	for _, r := range shardReads {
		t.Run(r.name, func(t *testing.T) {
			q := r.text(sc)
			want, err := runQuery(ctx, sc.ref, q, r.args...)
			require.NoError(t, err, "reference: %s", q)
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
			for range 2 {
				got, err = runQuery(ctx, stmtQueryer{stmt}, "", r.args...)
				require.NoError(t, err, "grant, prepared: %s", q)
				compareResults(t, "prepared: "+q, got, want, r.compareOpts)
			}
		})
	}
}

// stmtQueryer runs a prepared statement as a queryer (the query text is
// the statement's own).
type stmtQueryer struct{ *sql.Stmt }

// QueryContext runs the statement with args.
func (s stmtQueryer) QueryContext(ctx context.Context, _ string, args ...any) (*sql.Rows, error) {
	return s.Stmt.QueryContext(ctx, args...)
}

// testPlans checks that the configuration gives the routes the reads rely
// on: a point read on its shard, an IN list split per shard with only that
// shard's values, ranges on the databases of the ranges they meet.
func (sc *shardCluster) testPlans(t *testing.T) {
	ctx := context.Background()
	plan := func(q string, args ...any) *sharding.Plan {
		p, err := sc.c.Plan(ctx, sc.bind(q), args...)
		require.NoError(t, err, q)
		return p
	}
	dbs := func(p *sharding.Plan) []string {
		var out []string
		for _, s := range p.Shards {
			out = append(out, s.Database)
		}
		return out
	}
	p := plan("SELECT id FROM orders WHERE customer_id = ?", 7)
	assert.Equal(t, sharding.RouteSingle, p.Route)
	assert.Equal(t, []string{shardName(7 % sc.n)}, dbs(p))

	keys := []any{1, 2, 5, 6, 13, 8}
	p = plan("SELECT id FROM orders WHERE customer_id IN (?, ?, ?, ?, ?, ?)", keys...)
	assert.Equal(t, sharding.RouteMulti, p.Route)
	want := map[string]int{}
	for _, k := range keys {
		want[shardName(k.(int)%sc.n)]++
	}
	assert.Len(t, p.Shards, len(want))
	for _, s := range p.Shards {
		assert.Len(t, s.Args, want[s.Database], "%s gets its own values only: %s", s.Database, s.SQL)
		for _, a := range s.Args {
			assert.Equal(t, shardName(toInt(a.Value)%sc.n), s.Database, "value %v", a.Value)
		}
	}

	p = plan("SELECT COUNT(*) FROM orders")
	assert.Equal(t, sharding.RouteScatter, p.Route)
	assert.Len(t, p.Shards, sc.n)

	p = plan("SELECT id FROM events WHERE day < ?", 12)
	assert.Equal(t, []string{"s0"}, dbs(p), "days below 12 are all in s0's range")
	p = plan("SELECT id FROM events WHERE day >= ?", 50)
	assert.Equal(t, []string{shardName(shardOfDay(sc.n, 50))}, dbs(p)[:1])
	assert.Len(t, p.Shards, sc.n-shardOfDay(sc.n, 50))

	p = plan("SELECT code FROM countries")
	assert.Equal(t, sharding.RouteBroadcastRead, p.Route)
	p = plan("INSERT INTO countries (code, name) VALUES (?, ?)", "zz", "Nowhere")
	assert.Equal(t, sharding.RouteBroadcastWrite, p.Route)
	assert.Len(t, p.Shards, sc.n)
	p = plan("UPDATE orders SET qty = 1 WHERE qty > ?", 3)
	assert.Equal(t, sharding.RouteScatter, p.Route)
	assert.Equal(t, "sum", p.RowsAffected)
}

// toInt returns an integer argument value as an int.
func toInt(v any) int {
	switch x := v.(type) {
	case int64:
		return int(x)
	case int:
		return x
	}
	panic(fmt.Sprintf("not an integer: %T", v))
}
