package grant_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/sharding"
	"github.com/grantsql/grant/sharding/idgen"
)

// idTables are the tables of the generated-id tests: gen_orders gets
// snowflake ids (node 5), gen_items ids of a sequence with blocks of 7.
var idTables = map[string]*sharding.IDConfig{
	"gen_orders": {Column: "id", Generator: sharding.GeneratorSnowflake, Node: new(5)},
	"gen_items":  {Column: "id", Generator: sharding.GeneratorSequence, Cache: 7},
}

// idSchema creates the tables through Grant (ids without defaults) and on
// the reference (ids of its own auto-increment).
func (ic *idCluster) idSchema(t *testing.T, tables ...string) {
	auto := map[dialect.Dialect]string{dialect.Postgres: "id BIGSERIAL PRIMARY KEY",
		dialect.MySQL: "id BIGINT AUTO_INCREMENT PRIMARY KEY", dialect.SQLite: "id INTEGER PRIMARY KEY"}[ic.d]
	for _, tbl := range tables {
		cols := ", customer_id BIGINT NOT NULL, note VARCHAR(40))"
		_, err := ic.db.Exec("CREATE TABLE " + tbl + " (id BIGINT PRIMARY KEY" + cols)
		require.NoError(t, err)
		_, err = ic.ref.Exec("CREATE TABLE " + tbl + " (" + auto + cols)
		require.NoError(t, err)
	}
}

// TestShardIDs inserts rows that omit their id through Grant over 2 and 4
// shards, per dialect and generator: Grant fills the ids in, LastInsertId
// returns the (first) id, a multi-row INSERT gets consecutive ids in the
// order of its VALUES, RETURNING returns them, an explicit id is kept, and
// every id is unique over all shards (finding 4 of issue 11: a primary key
// without the shard key is unique per shard only). The rows equal those of
// the same statements on one database, ids aside.
func TestShardIDs(t *testing.T) {
	forEachDialect(t, func(t *testing.T, tg target) {
		for _, n := range []int{2, 4} {
			t.Run(fmt.Sprintf("N=%d", n), func(t *testing.T) {
				ic := newIDCluster(t, tg, n, "x", shardedBy(n, []string{"gen_orders", "gen_items"}, idTables))
				ic.idSchema(t, "gen_orders", "gen_items")
				for _, tbl := range []string{"gen_orders", "gen_items"} {
					t.Run(tbl, func(t *testing.T) { testShardIDs(t, ic, tbl) })
				}
			})
		}
	})
}

func testShardIDs(t *testing.T, ic *idCluster, tbl string) {
	ctx := context.Background()
	ins := func(rows int) string {
		q := "INSERT INTO " + tbl + " (customer_id, note) VALUES (?, ?)"
		for range rows - 1 {
			q += ", (?, ?)"
		}
		return ic.bind(q)
	}
	idOf := func(note string) int64 {
		return scanInt(t, ctx, ic.db, ic.bind("SELECT id FROM "+tbl+" WHERE note = ?"), note)
	}
	both := func(q string, args ...any) sql.Result {
		_, err := ic.ref.ExecContext(ctx, q, args...)
		require.NoError(t, err, q)
		res, err := ic.db.ExecContext(ctx, q, args...)
		require.NoError(t, err, q)
		return res
	}

	// One row.
	res := both(ins(1), 3, "one")
	id, err := res.LastInsertId()
	require.NoError(t, err)
	assert.Positive(t, id)
	assert.Equal(t, id, idOf("one"))
	assert.Equal(t, int64(1), scanInt(t, ctx, ic.shards[3%ic.n], "SELECT COUNT(*) FROM "+tbl+" WHERE note = 'one'"), "on the key's shard")

	// Rows on every shard: consecutive ids in VALUES order, the first one
	// is LastInsertId, as MySQL gives it.
	args := []any{}
	for k := range 6 {
		args = append(args, k+1, fmt.Sprintf("m%d", k))
	}
	res = both(ins(6), args...)
	first, err := res.LastInsertId()
	require.NoError(t, err)
	n, err := res.RowsAffected()
	require.NoError(t, err)
	assert.Equal(t, int64(6), n)
	for k := range 6 {
		assert.Equal(t, first+int64(k), idOf(fmt.Sprintf("m%d", k)), "row %d", k)
	}
	assert.Greater(t, first, id, "ids increase")

	// RETURNING gives the ids in VALUES order.
	q := ins(3) + " RETURNING id, note"
	_, err = ic.ref.ExecContext(ctx, q, 7, "r0", 8, "r1", 9, "r2")
	require.NoError(t, err)
	got, err := runQuery(ctx, ic.db, q, 7, "r0", 8, "r1", 9, "r2")
	require.NoError(t, err)
	require.Len(t, got.rows, 3)
	for k, row := range got.rows {
		note := fmt.Sprintf("r%d", k)
		assert.Equal(t, note, row[1])
		assert.EqualValues(t, idOf(note), row[0])
		if k > 0 {
			assert.EqualValues(t, asInt64(got.rows[0][0])+int64(k), row[0], "consecutive")
		}
	}

	// A statement prepared once, run for rows of every shard.
	stmt, err := ic.db.PrepareContext(ctx, ins(1))
	require.NoError(t, err)
	defer stmt.Close()
	var prepared []int64
	for k := range 12 {
		_, err := ic.ref.ExecContext(ctx, ins(1), k, fmt.Sprintf("p%d", k))
		require.NoError(t, err)
		res, err := stmt.ExecContext(ctx, k, fmt.Sprintf("p%d", k))
		require.NoError(t, err)
		id, err := res.LastInsertId()
		require.NoError(t, err)
		prepared = append(prepared, id)
	}
	assert.True(t, slices.IsSorted(prepared), "increasing: %v", prepared)

	// In a transaction.
	tx, err := ic.db.BeginTx(ctx, nil)
	require.NoError(t, err)
	res, err = tx.ExecContext(ctx, ins(2), 2, "tx0", 2+ic.n, "tx1")
	require.NoError(t, err)
	first, err = res.LastInsertId()
	require.NoError(t, err)
	require.NoError(t, tx.Commit())
	_, err = ic.ref.ExecContext(ctx, ins(2), 2, "tx0", 2+ic.n, "tx1")
	require.NoError(t, err)
	assert.Equal(t, first+1, idOf("tx1"))

	// An id given keeps its value.
	_, err = ic.db.ExecContext(ctx, ic.bind("INSERT INTO "+tbl+" (id, customer_id, note) VALUES (?, ?, ?)"), 424242, 2, "given")
	require.NoError(t, err)
	assert.Equal(t, int64(424242), idOf("given"))
	_, err = ic.ref.ExecContext(ctx, ic.bind("INSERT INTO "+tbl+" (customer_id, note) VALUES (?, ?)"), 2, "given")
	require.NoError(t, err)

	// The rows are those of one database; every id is unique over the
	// shards.
	rq := "SELECT customer_id, note FROM " + tbl
	want, err := runQuery(ctx, ic.ref, rq)
	require.NoError(t, err)
	all, err := runQuery(ctx, ic.db, rq)
	require.NoError(t, err)
	compareResults(t, rq, all, want, compareOpts{})
	ids := ic.allInts(t, "SELECT id FROM "+tbl)
	slices.Sort(ids)
	assert.Len(t, slices.Compact(slices.Clone(ids)), len(ids), "no id twice over the shards")
	if idTables[tbl].Generator == sharding.GeneratorSnowflake {
		for _, id := range ids {
			if id != 424242 {
				_, node, _ := idgen.Parts(id)
				assert.Equal(t, 5, node, "the configured node")
			}
		}
	}
}

// asInt64 reads an integer a driver returned.
func asInt64(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int32:
		return int64(x)
	case string:
		var n int64
		fmt.Sscan(x, &n)
		return n
	}
	return -1
}
