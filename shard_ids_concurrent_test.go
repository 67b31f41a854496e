package grant_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/sharding"
	"github.com/grantsql/grant/sharding/idgen"
)

// TestShardIDsConcurrent inserts from many goroutines through two
// connectors on the same cluster, as two processes would: a sequence, a
// configured snowflake node per connector and leased snowflake nodes.
// Every id is distinct, a multi-row INSERT's ids are consecutive, and the
// leased nodes differ.
func TestShardIDsConcurrent(t *testing.T) {
	forEachDialect(t, func(t *testing.T, tg target) {
		const n = 2
		ids := map[string]*sharding.IDConfig{
			"gen_orders": {Column: "id", Generator: sharding.GeneratorSequence, Cache: 5},
			"gen_items":  {Column: "id", Generator: sharding.GeneratorSnowflake}, // leased
		}
		ic := newIDCluster(t, tg, n, "c", shardedBy(n, []string{"gen_orders", "gen_items"}, ids))
		ic.idSchema(t, "gen_orders", "gen_items")
		db2, _ := ic.open(t)
		ctx := context.Background()
		const workers, each = 4, 15
		var wg sync.WaitGroup
		var mu sync.Mutex
		firsts := map[string][]int64{} // LastInsertId of each 3-row INSERT, per table
		for w := range 2 * workers {
			db := []*sql.DB{ic.db, db2}[w%2]
			wg.Go(func() {
				for i := range each {
					for _, tbl := range []string{"gen_orders", "gen_items"} {
						rows := 1 + 2*(i%2)
						q := "INSERT INTO " + tbl + " (customer_id, note) VALUES (?, ?)"
						args := []any{w + i, fmt.Sprintf("w%d-%d-0", w, i)}
						for k := 1; k < rows; k++ {
							// The rows of one INSERT on one shard: SQLite
							// writers of two databases each could deadlock.
							q += ", (?, ?)"
							args = append(args, w+i+k*n, fmt.Sprintf("w%d-%d-%d", w, i, k))
						}
						res, err := db.ExecContext(ctx, ic.bind(q), args...)
						if !assert.NoError(t, err) {
							return
						}
						id, err := res.LastInsertId()
						if !assert.NoError(t, err) {
							return
						}
						if rows > 1 {
							mu.Lock()
							firsts[tbl] = append(firsts[tbl], id)
							mu.Unlock()
						}
					}
				}
			})
		}
		wg.Wait()
		for _, tbl := range []string{"gen_orders", "gen_items"} {
			all := ic.allInts(t, "SELECT id FROM "+tbl)
			assert.Len(t, all, 2*workers*(each/2*3+(each+1)/2*1), "%s: every row", tbl)
			slices.Sort(all)
			assert.Len(t, slices.Compact(slices.Clone(all)), len(all), "%s: no id twice", tbl)
			for _, first := range firsts[tbl] {
				assert.True(t, slices.Contains(all, first+1) && slices.Contains(all, first+2), "%s: a batch's ids follow its first %d", tbl, first)
			}
		}
		// Each connector leased its own snowflake node.
		nodes := map[int]bool{}
		for _, id := range ic.allInts(t, "SELECT id FROM gen_items") {
			_, node, _ := idgen.Parts(id)
			nodes[node] = true
		}
		assert.Len(t, nodes, 2, "two connectors, two leased nodes: %v", nodes)
		assert.Equal(t, int64(2), scanInt(t, ctx, ic.shards[0], "SELECT COUNT(*) FROM grant_id_nodes WHERE name = 'gen_items'"))
		// The counter is past every id the sequence gave.
		last := scanInt(t, ctx, ic.shards[0], "SELECT next_id FROM grant_id_sequences WHERE name = 'gen_orders'")
		assert.Greater(t, last, slices.Max(ic.allInts(t, "SELECT id FROM gen_orders")))
	})
}

// TestShardIDsKeyedByID shards a table by its generated id: the rows of a
// multi-row INSERT that omits it go where their new ids resolve.
func TestShardIDsKeyedByID(t *testing.T) {
	forEachDialect(t, func(t *testing.T, tg target) {
		const n = 3
		sh := shardedBy(n, nil, nil)
		sh.Tables["gen_users"] = sharding.TableConfig{Key: "id", Resolver: "by_customer",
			ID: &sharding.IDConfig{Column: "id", Generator: sharding.GeneratorSequence, Start: 100}}
		ic := newIDCluster(t, tg, n, "k", sh)
		ctx := context.Background()
		_, err := ic.db.ExecContext(ctx, "CREATE TABLE gen_users (id BIGINT PRIMARY KEY, name VARCHAR(20))")
		require.NoError(t, err)
		res, err := ic.db.ExecContext(ctx, ic.bind("INSERT INTO gen_users (name) VALUES (?), (?), (?), (?), (?)"), "a", "b", "c", "d", "e")
		require.NoError(t, err)
		first, err := res.LastInsertId()
		require.NoError(t, err)
		assert.Equal(t, int64(100), first, "the counter starts at start")
		for i, s := range ic.shards {
			for _, id := range directInts(t, ctx, s, "SELECT id FROM gen_users") {
				assert.Equal(t, i, id%n, "id %d on shard %d", id, i)
			}
		}
		assert.Equal(t, int64(5), scanInt(t, ctx, ic.db, "SELECT COUNT(*) FROM gen_users"))
	})
}

// TestShardIDsInTransaction takes sequence ids inside transactions, also
// after the transaction wrote to the default database: on SQLite it then
// holds the database's write lock, so the ids are taken in the transaction
// itself and go back with it when it rolls back; elsewhere a rolled back
// transaction's ids are never given again. The committed ids are distinct.
func TestShardIDsInTransaction(t *testing.T) {
	forEachDialect(t, func(t *testing.T, tg target) {
		const n = 2
		ids := map[string]*sharding.IDConfig{"gen_orders": {Column: "id", Generator: sharding.GeneratorSequence, Cache: 2}}
		ic := newIDCluster(t, tg, n, "t", shardedBy(n, []string{"gen_orders"}, ids))
		ic.idSchema(t, "gen_orders")
		ctx := context.Background()
		ins := ic.bind("INSERT INTO gen_orders (customer_id, note) VALUES (?, ?)")
		var got []int64
		for round, commit := range []bool{true, false, true} {
			tx, err := ic.db.BeginTx(ctx, nil)
			require.NoError(t, err)
			for i := range 5 { // customer 0 and 2 live on s0, the default database
				res, err := tx.ExecContext(ctx, ins, 2*(i%2), fmt.Sprintf("t%d-%d", round, i))
				require.NoError(t, err, "round %d row %d", round, i)
				id, err := res.LastInsertId()
				require.NoError(t, err)
				got = append(got, id)
			}
			if commit {
				require.NoError(t, tx.Commit())
			} else {
				require.NoError(t, tx.Rollback())
			}
		}
		rows := ic.allInts(t, "SELECT id FROM gen_orders")
		assert.Len(t, rows, 10)
		assert.ElementsMatch(t, append(slices.Clone(got[:5]), got[10:]...), rows, "the committed rows have their ids")
		slices.Sort(rows)
		assert.Len(t, slices.Compact(rows), 10, "no committed id twice")
		if tg.d == dialect.SQLite {
			// The ids taken in the rolled back transaction went back with
			// it: the counter is right after the last committed one.
			assert.Equal(t, slices.Max(got[10:])+1, scanInt(t, ctx, ic.shards[0], "SELECT next_id FROM grant_id_sequences"))
		} else {
			sorted := slices.Clone(got)
			slices.Sort(sorted)
			assert.Len(t, slices.Compact(sorted), len(got), "no id given twice, even after a rollback: %v", got)
		}
	})
}
