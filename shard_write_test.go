package grant_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/sharding"
)

// shardOf returns the direct connection of the shard holding customer.
func (sc *shardCluster) shardOf(customer int) *sql.DB { return sc.shards[customer%sc.n] }

// sameCount compares a COUNT-like query through Grant with the reference.
func (sc *shardCluster) sameCount(t *testing.T, q string, args ...any) {
	t.Helper()
	ctx := context.Background()
	q = sc.bind(q)
	assert.Equal(t, scanInt(t, ctx, sc.ref, q, args...), scanInt(t, ctx, sc.db, q, args...), "%s %v", q, args)
}

// testWrites runs writes through Grant and on the reference: each reports
// the same rows affected (summed over the shards of a scattered write), and
// broadcast writes reach every shard. ReadsAfterWrites then compares state.
func (sc *shardCluster) testWrites(t *testing.T) {
	ctx := context.Background()
	for _, w := range []shardStmt{
		{"UPDATE orders SET note = ?, qty = ? WHERE customer_id = ?", []any{"updated", 3, 4}},
		{"UPDATE orders SET score = ? WHERE qty > ?", []any{-1.5, 10}},
		{"UPDATE orders SET total = total + 1 WHERE status = ? AND total < ?", []any{"new", 0}},
		{"UPDATE events SET amount = amount + 1 WHERE day BETWEEN ? AND ?", []any{30, 45}},
		{"DELETE FROM order_items WHERE customer_id IN (?, ?, ?)", []any{1, 6, 11}},
		{"DELETE FROM orders WHERE customer_id IN (?, ?, ?) AND status = ?", []any{1, 6, 11, "void"}},
		{"DELETE FROM orders WHERE customer_id IN (?, ?)", []any{1, 6}},
		{"DELETE FROM events WHERE day < ?", []any{0}},
		{"DELETE FROM orders WHERE total < ?", []any{-40}},
		{"UPDATE orders SET qty = NULL WHERE customer_id = ? AND id = ?", []any{7, 999999}},
	} {
		q := sc.bind(w.sql)
		want := execAffected(t, ctx, sc.ref, q, w.args...)
		got := execAffected(t, ctx, sc.db, q, w.args...)
		assert.Equal(t, want, got, "rows affected by %s %v", q, w.args)
	}
	sc.sameCount(t, "SELECT COUNT(*) FROM orders WHERE note = ?", "updated")
	assert.Zero(t, scanInt(t, ctx, sc.shardOf(1), sc.bind("SELECT COUNT(*) FROM orders WHERE customer_id = ?"), 1))

	// Broadcast writes run on every database.
	for _, w := range []shardStmt{
		{"INSERT INTO countries (code, name, region) VALUES (?, ?, ?)", []any{"it", "Italy", "Europe"}},
		{"UPDATE countries SET region = ? WHERE code = ?", []any{"Americas", "us"}},
	} {
		q := sc.bind(w.sql)
		execAffected(t, ctx, sc.ref, q, w.args...)
		assert.Equal(t, int64(1), execAffected(t, ctx, sc.db, q, w.args...), q)
	}
	for i, s := range sc.shards {
		assert.Equal(t, int64(1), scanInt(t, ctx, s, "SELECT COUNT(*) FROM countries WHERE code = 'it'"), "shard %d has the new country", i)
		assert.Equal(t, int64(1), scanInt(t, ctx, s, "SELECT COUNT(*) FROM countries WHERE code = 'us' AND region = 'Americas'"), "shard %d has the update", i)
	}
}

// testTransactions: a transaction writing to one shard commits; one that
// then writes to a second shard is refused with ErrCrossShardWrite, nothing
// of the refused statement runs, and the rollback leaves no trace; reads
// across shards work inside a transaction.
func (sc *shardCluster) testTransactions(t *testing.T) {
	ctx := context.Background()
	created := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	insert := sc.bind("INSERT INTO orders (id, customer_id, status, total, qty, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
	count := sc.bind("SELECT COUNT(*) FROM orders WHERE customer_id = ?")
	sum := "SELECT COUNT(*), SUM(total), SUM(qty) FROM orders"

	t.Run("Commit", func(t *testing.T) {
		tx, err := sc.db.BeginTx(ctx, nil)
		require.NoError(t, err)
		defer tx.Rollback()
		rtx, err := sc.ref.BeginTx(ctx, nil)
		require.NoError(t, err)
		defer rtx.Rollback()
		want, err := runQuery(ctx, rtx, sum)
		require.NoError(t, err)
		got, err := runQuery(ctx, tx, sum)
		require.NoError(t, err, "a read across shards inside a transaction")
		compareResults(t, sum, got, want, ord)
		for _, db := range []interface {
			ExecContext(context.Context, string, ...any) (sql.Result, error)
		}{rtx, tx} {
			assert.Equal(t, int64(1), execAffected(t, ctx, db, insert, 1001, 5, "new", "12.50", 2, "tx", created))
		}
		up := sc.bind("UPDATE orders SET note = ? WHERE customer_id = ?")
		assert.Equal(t, execAffected(t, ctx, rtx, up, "committed", 5), execAffected(t, ctx, tx, up, "committed", 5))
		assert.Equal(t, scanInt(t, ctx, rtx, count, 5), scanInt(t, ctx, tx, count, 5), "the transaction sees its writes")
		assert.Equal(t, scanInt(t, ctx, rtx, count, 6), scanInt(t, ctx, tx, count, 6), "and reads another shard")
		want, err = runQuery(ctx, rtx, sum)
		require.NoError(t, err)
		got, err = runQuery(ctx, tx, sum)
		require.NoError(t, err)
		compareResults(t, "after the writes, in the transaction: "+sum, got, want, ord)
		require.NoError(t, rtx.Commit())
		require.NoError(t, tx.Commit())
		assert.Equal(t, int64(1), scanInt(t, ctx, sc.shardOf(5), "SELECT COUNT(*) FROM orders WHERE id = 1001"))
		sc.sameCount(t, "SELECT COUNT(*) FROM orders WHERE note = ?", "committed")
	})

	if sc.twoPhase {
		sc.testCrossShardTwoPhase(t)
		return
	}
	t.Run("CrossShardRefused", func(t *testing.T) {
		before, err := runQuery(ctx, sc.ref, sum)
		require.NoError(t, err)
		tx, err := sc.db.BeginTx(ctx, nil)
		require.NoError(t, err)
		defer tx.Rollback()
		assert.Equal(t, int64(1), execAffected(t, ctx, tx, insert, 1002, 2, "new", "1.00", 1, "tx", created))
		_, err = tx.ExecContext(ctx, sc.bind("UPDATE orders SET note = ? WHERE customer_id = ?"), "cross", 3)
		assert.ErrorIs(t, err, grant.ErrCrossShardWrite, "a write to a second shard")
		_, err = tx.ExecContext(ctx, sc.bind("UPDATE orders SET qty = 0 WHERE customer_id IN (?, ?)"), 2, 3)
		assert.ErrorIs(t, err, grant.ErrCrossShardWrite, "a write to two shards")
		_, err = tx.ExecContext(ctx, sc.bind("INSERT INTO countries (code, name) VALUES (?, ?)"), "zz", "Nowhere")
		assert.ErrorIs(t, err, grant.ErrCrossShardWrite, "a broadcast write")
		assert.Zero(t, scanInt(t, ctx, tx, sc.bind("SELECT COUNT(*) FROM orders WHERE note = ?"), "cross"), "the refused update did not run")
		assert.Zero(t, scanInt(t, ctx, tx, sc.bind("SELECT COUNT(*) FROM orders WHERE customer_id IN (?, ?) AND qty = 0"), 2, 3))
		assert.Equal(t, int64(1), scanInt(t, ctx, tx, "SELECT COUNT(*) FROM orders WHERE id = 1002"), "the transaction sees its insert")
		assert.Equal(t, scanInt(t, ctx, sc.ref, count, 3), scanInt(t, ctx, tx, count, 3), "reads of the other shard work")
		assert.Equal(t, int64(1), execAffected(t, ctx, tx, sc.bind("UPDATE orders SET note = ? WHERE customer_id = ? AND id = ?"), "again", 2, 1002),
			"the transaction stays usable on its shard")
		// Without the key an UPDATE runs on every shard tentatively: kept
		// when it changed rows on the transaction's one database only.
		assert.Equal(t, int64(1), execAffected(t, ctx, tx, sc.bind("UPDATE orders SET note = ? WHERE id = ?"), "tentative", 1002))
		_, err = tx.ExecContext(ctx, sc.bind("UPDATE orders SET qty = ? WHERE qty > ?"), 77, -100)
		assert.ErrorIs(t, err, grant.ErrCrossShardWrite, "a keyless update changing rows on every shard")
		assert.Zero(t, scanInt(t, ctx, tx, sc.bind("SELECT COUNT(*) FROM orders WHERE qty = ?"), 77), "undone on every shard")
		assert.Equal(t, int64(1), scanInt(t, ctx, tx, sc.bind("SELECT COUNT(*) FROM orders WHERE note = ?"), "tentative"))
		require.NoError(t, tx.Rollback())

		assert.Zero(t, scanInt(t, ctx, sc.shardOf(2), "SELECT COUNT(*) FROM orders WHERE id = 1002"), "the rollback leaves no trace")
		assert.Zero(t, scanInt(t, ctx, sc.shardOf(3), "SELECT COUNT(*) FROM orders WHERE note = 'cross'"))
		assert.Zero(t, scanInt(t, ctx, sc.shards[0], "SELECT COUNT(*) FROM countries WHERE code = 'zz'"))
		for i, s := range sc.shards {
			assert.Zero(t, scanInt(t, ctx, s, "SELECT COUNT(*) FROM orders WHERE qty = 77 OR note = 'tentative'"), "shard %d", i)
		}
		after, err := runQuery(ctx, sc.db, sum)
		require.NoError(t, err)
		compareResults(t, sum, after, before, ord)
	})
}

// testCrossShardTwoPhase: a transaction writing to several shards, to a
// broadcast table and with keyless statements on every shard commits as one
// with two-phase commit, and ends exactly as the same transaction on one
// database; a rolled back one leaves no trace.
func (sc *shardCluster) testCrossShardTwoPhase(t *testing.T) {
	ctx := context.Background()
	created := time.Date(2024, 6, 2, 12, 0, 0, 0, time.UTC)
	insert := sc.bind("INSERT INTO orders (id, customer_id, status, total, qty, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
	sum := "SELECT COUNT(*), SUM(total), SUM(qty) FROM orders"
	type execer interface {
		ExecContext(context.Context, string, ...any) (sql.Result, error)
	}
	writes := func(db execer) []int64 {
		var n []int64
		for _, w := range []shardStmt{
			{insert, []any{1102, 2, "new", "1.00", 1, "tx2", created}},
			{insert, []any{1103, 3, "new", "2.00", 2, "tx2", created}},
			{sc.bind("UPDATE orders SET note = ? WHERE customer_id IN (?, ?)"), []any{"cross", 2, 3}},
			{sc.bind("UPDATE orders SET qty = qty + 1 WHERE qty > ?"), []any{-100}},
			{sc.bind("INSERT INTO countries (code, name) VALUES (?, ?)"), []any{"zy", "Elsewhere"}},
			{sc.bind("DELETE FROM orders WHERE note = ? AND id = ?"), []any{"cross", 1103}},
		} {
			n = append(n, execAffected(t, ctx, db, w.sql, w.args...))
		}
		return n
	}
	t.Run("CrossShardTwoPhase", func(t *testing.T) {
		tx, err := sc.db.BeginTx(ctx, nil)
		require.NoError(t, err)
		defer tx.Rollback()
		rtx, err := sc.ref.BeginTx(ctx, nil)
		require.NoError(t, err)
		defer rtx.Rollback()
		assert.Equal(t, writes(rtx), writes(tx), "rows affected, statement by statement")
		want, err := runQuery(ctx, rtx, sum)
		require.NoError(t, err)
		got, err := runQuery(ctx, tx, sum)
		require.NoError(t, err)
		compareResults(t, "in the transaction: "+sum, got, want, ord)
		require.NoError(t, rtx.Commit())
		require.NoError(t, tx.Commit())
		got, err = runQuery(ctx, sc.db, sum)
		require.NoError(t, err)
		want, err = runQuery(ctx, sc.ref, sum)
		require.NoError(t, err)
		compareResults(t, "committed: "+sum, got, want, ord)
		sc.sameCount(t, "SELECT COUNT(*) FROM orders WHERE note = ?", "cross")
		for i, s := range sc.shards {
			assert.Equal(t, int64(1), scanInt(t, ctx, s, "SELECT COUNT(*) FROM countries WHERE code = 'zy'"), "shard %d", i)
			// Where a decision was recorded, it is removed soon after the
			// commit, off the committing caller's path.
			assert.Eventually(t, func() bool {
				var n int
				err := s.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+twopcTable).Scan(&n)
				return err != nil || n == 0
			}, 10*time.Second, 20*time.Millisecond, "shard %d keeps no decision", i)
		}
	})
	t.Run("CrossShardRollback", func(t *testing.T) {
		before, err := runQuery(ctx, sc.db, sum)
		require.NoError(t, err)
		tx, err := sc.db.BeginTx(ctx, nil)
		require.NoError(t, err)
		_, err = tx.ExecContext(ctx, insert, 1104, 2, "new", "1.00", 1, "gone", created)
		require.NoError(t, err)
		_, err = tx.ExecContext(ctx, insert, 1105, 3, "new", "1.00", 1, "gone", created)
		require.NoError(t, err)
		require.NoError(t, tx.Rollback())
		after, err := runQuery(ctx, sc.db, sum)
		require.NoError(t, err)
		compareResults(t, sum, after, before, ord)
	})
}

// twopcTable is the decision table of two-phase commit in a coordinator
// database.
const twopcTable = "grant_twophase"

// testRefusals: statements the planner refuses fail with ErrRefused, name
// the table, and change nothing.
func (sc *shardCluster) testRefusals(t *testing.T) {
	ctx := context.Background()
	var cust, id int
	require.NoError(t, sc.ref.QueryRowContext(ctx, "SELECT customer_id, id FROM orders ORDER BY id LIMIT 1").Scan(&cust, &id))
	for _, r := range []struct {
		table string
		shardStmt
	}{
		// customer cust+1 lives on the next shard
		{"orders", shardStmt{"UPDATE orders SET customer_id = ? WHERE customer_id = ? AND id = ?", []any{cust + 1, cust, id}}},
		{"orders", shardStmt{"INSERT INTO orders (id, status) VALUES (?, ?)", []any{5000, "new"}}},
		{"order_items", shardStmt{"INSERT INTO order_items (id, order_id, sku) VALUES (?, ?, ?)", []any{5000, 1, "x"}}},
	} {
		q := sc.bind(r.sql)
		_, err := sc.c.Plan(ctx, q, r.args...)
		assert.ErrorIs(t, err, sharding.ErrRefused, "planner: %s", q)
		_, err = sc.db.ExecContext(ctx, q, r.args...)
		if assert.ErrorIs(t, err, sharding.ErrRefused, "executor: %s", q) {
			assert.Contains(t, err.Error(), "table "+r.table, q)
		}
	}
	sc.sameCount(t, "SELECT COUNT(*) FROM orders WHERE customer_id = ?", cust)
	sc.sameCount(t, "SELECT COUNT(*) FROM orders")
	sc.sameCount(t, "SELECT COUNT(*) FROM order_items")
}

// testUseShard: a pinned context runs the statement on that database only.
func (sc *shardCluster) testUseShard(t *testing.T) {
	ctx := grant.UseShard(context.Background(), "s1")
	for _, q := range []string{"SELECT COUNT(*) FROM orders", "SELECT COUNT(*) FROM events"} {
		p, err := sc.c.Plan(ctx, q)
		require.NoError(t, err)
		assert.Equal(t, sharding.RoutePinned, p.Route, q)
		want := scanInt(t, ctx, sc.shards[1], q)
		assert.Equal(t, want, scanInt(t, ctx, sc.db, q), "%s pinned to s1", q)
		assert.Less(t, want, scanInt(t, ctx, sc.ref, q), "s1 holds part of the rows only")
	}
	var n int
	require.NoError(t, sc.db.QueryRowContext(ctx, sc.bind("SELECT COUNT(*) FROM orders WHERE customer_id = ?"), 2).Scan(&n))
	assert.Zero(t, n, "customer 2 lives on s0 (N=2) or s2 (N=4), not on the pinned s1")
}
