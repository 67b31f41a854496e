package grant_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/testenv"
	"github.com/grantsql/grant/sharding"
)

// An index named without its table (PostgreSQL and SQLite DROP INDEX) may
// live on every shard or on the default database only: Grant refuses the
// statement instead of running it on the default database alone, where it
// once left the other shards' indexes in place. Pinned to a shard, it runs.
func TestShardDropIndexByName(t *testing.T) {
	sc := newShardCluster(t, target{d: dialect.SQLite, ph: qmark,
		primary: "file:" + filepath.Join(t.TempDir(), "t.db")}, 2)
	ctx := context.Background()
	_, err := sc.db.ExecContext(ctx, "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, status TEXT)")
	require.NoError(t, err)
	_, err = sc.db.ExecContext(ctx, "CREATE INDEX idx_orders_status ON orders (status)")
	require.NoError(t, err)

	_, err = sc.db.ExecContext(ctx, "DROP INDEX idx_orders_status")
	require.ErrorIs(t, err, sharding.ErrRefused)
	assert.Contains(t, err.Error(), "names an index without its table")
	for i, shard := range sc.shards {
		var n int
		require.NoError(t, shard.QueryRow("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'idx_orders_status'").Scan(&n))
		assert.Equal(t, 1, n, "shard %d keeps its index", i)
	}
	for i := range sc.shards {
		_, err := sc.db.ExecContext(grant.UseShard(ctx, shardName(i)), "DROP INDEX idx_orders_status")
		require.NoError(t, err)
	}
	for i, shard := range sc.shards {
		var n int
		require.NoError(t, shard.QueryRow("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'idx_orders_status'").Scan(&n))
		assert.Zero(t, n, "shard %d", i)
	}
}

// MySQL refuses DDL inside an XA transaction, the way a transaction's
// participants begin when they may commit in two phases; on MySQL DDL
// commits the open transaction implicitly anyway. Grant does that
// implicit commit itself, so migrations in a transaction (ent, goose) run
// as on MySQL directly, and refuses the DDL when the transaction has
// written to another database that must commit with it.
func TestShardDDLInTransactionMySQL(t *testing.T) {
	sc := newShardCluster(t, target{d: dialect.MySQL, ph: qmark, primary: testenv.MySQLDSN(t)}, 2)
	ctx := context.Background()
	_, err := sc.db.ExecContext(ctx, "CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT NOT NULL)")
	require.NoError(t, err)

	tx, err := sc.db.BeginTx(ctx, nil)
	require.NoError(t, err)
	_, err = tx.ExecContext(ctx, "INSERT INTO orders (id, customer_id) VALUES (1, 0)") // s0
	require.NoError(t, err)
	_, err = tx.ExecContext(ctx, "CREATE TABLE order_items (id INT PRIMARY KEY, customer_id INT NOT NULL)") // every shard
	require.NoError(t, err)
	_, err = tx.ExecContext(ctx, "INSERT INTO orders (id, customer_id) VALUES (2, 1)") // s1
	require.NoError(t, err)
	_, err = tx.ExecContext(ctx, "INSERT INTO orders (id, customer_id) VALUES (3, 2)") // s0 again: two writers, two phases
	require.NoError(t, err)
	require.NoError(t, tx.Commit())
	for i, shard := range sc.shards {
		var n int
		require.NoError(t, shard.QueryRow("SELECT COUNT(*) FROM order_items").Scan(&n), "shard %d has the new table", i)
	}
	var n int
	require.NoError(t, sc.db.QueryRow("SELECT COUNT(*) FROM orders").Scan(&n))
	assert.Equal(t, 3, n)

	// Two databases written: an implicit commit would commit one ahead of
	// the other. The DDL is refused before it runs and the transaction
	// still commits both as one.
	tx, err = sc.db.BeginTx(ctx, nil)
	require.NoError(t, err)
	_, err = tx.ExecContext(ctx, "INSERT INTO orders (id, customer_id) VALUES (4, 0)")
	require.NoError(t, err)
	_, err = tx.ExecContext(ctx, "INSERT INTO orders (id, customer_id) VALUES (5, 1)")
	require.NoError(t, err)
	_, err = tx.ExecContext(ctx, "CREATE TABLE order_notes (id INT PRIMARY KEY)")
	require.ErrorIs(t, err, grant.ErrCrossShardWrite)
	assert.Contains(t, err.Error(), "implicitly")
	require.NoError(t, tx.Commit())
	require.NoError(t, sc.db.QueryRow("SELECT COUNT(*) FROM orders").Scan(&n))
	assert.Equal(t, 5, n)
	var tables int
	require.NoError(t, sc.shards[0].QueryRow("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'order_notes'").Scan(&tables))
	assert.Zero(t, tables, "the refused DDL did not run")
}
