package grant_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/testenv"
	"github.com/grantsql/grant/sharding"
)

// Unique keys read from the catalog while a transaction's DDL was still
// uncommitted are the keys from before it: when that transaction commits,
// Grant forgets them, and the next statement reads the new keys. Otherwise
// an upsert the new key makes ambiguous across shards would stay planned.
func TestShardUniqueKeysAfterTransactionalDDL(t *testing.T) {
	tg := target{d: dialect.Postgres, primary: testenv.PostgresDSN(t), ph: dollar}
	ic := newIDCluster(t, tg, 2, "utx", shardedBy(2, []string{"uq_orders", "uq_lines", "uq_users"}, nil))
	ic.both(t, uniqueSchema(ic.d)...)
	ctx := context.Background()
	upsert := "INSERT INTO uq_lines (customer_id, id, code) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING"

	pl, err := ic.c.Plan(ctx, upsert, 1, 1, "c1")
	require.NoError(t, err, "every unique key holds the shard key: planned")
	assert.Len(t, pl.Shards, 1)

	tx, err := ic.db.BeginTx(ctx, nil)
	require.NoError(t, err)
	_, err = tx.ExecContext(ctx, "ALTER TABLE uq_lines ADD CONSTRAINT uq_lines_code UNIQUE (code)")
	require.NoError(t, err)
	// Read now, outside the transaction, the catalog shows the old keys.
	_, err = ic.c.Plan(ctx, upsert, 1, 1, "c1")
	require.NoError(t, err, "the new key is not committed yet")
	require.NoError(t, tx.Commit())

	_, err = ic.c.Plan(ctx, upsert, 1, 1, "c1")
	require.ErrorIs(t, err, sharding.ErrRefused, "the committed key is read again")
	assert.ErrorContains(t, err, "uq_lines_code (code)")
}
