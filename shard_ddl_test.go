package grant_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/dialect"
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
