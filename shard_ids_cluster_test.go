package grant_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/testenv"
	"github.com/grantsql/grant/sharding"
)

// idCluster is a sharded Grant cluster for the tests of global uniqueness
// and generated ids: n fresh databases s0..s(n-1) behind Grant (s0 the
// default) and a reference database beside them, each also opened
// directly.
type idCluster struct {
	d      dialect.Dialect
	n      int
	cfg    *grant.Config
	db     *sql.DB // Grant
	c      *grant.Connector
	ref    *sql.DB
	shards []*sql.DB
}

// newIDCluster creates the databases grant_test_id<kind><n>_<i> and
// grant_test_id<kind><n>_single (SQLite: files), dropped when t ends, and
// opens Grant over the shards with the sharding section sh.
func newIDCluster(t *testing.T, tg target, n int, kind string, sh *sharding.Config) *idCluster {
	t.Helper()
	prefix := "grant_test_id" + kind
	if tg.d != dialect.SQLite {
		testenv.Exclusive(t, prefix) // another process may run these tests
	}
	ic := &idCluster{d: tg.d, n: n}
	ic.ref = openDirect(t, tg.d, shardDatabase(t, tg, fmt.Sprintf("%s%d_single", prefix, n)))
	dbs := map[string]*config.Database{}
	for i := range n {
		dsn := shardDatabase(t, tg, fmt.Sprintf("%s%d_%d", prefix, n, i))
		dbs[shardName(i)] = &config.Database{Primary: dsn}
		ic.shards = append(ic.shards, openDirect(t, tg.d, dsn))
	}
	ic.cfg = &grant.Config{Dialect: tg.d, Databases: dbs, DefaultDatabase: "s0",
		Health: config.Health{Disabled: true}, Sharding: sh}
	ic.db, ic.c = ic.open(t)
	return ic
}

// open opens another connector on the cluster, as another process would.
func (ic *idCluster) open(t *testing.T) (*sql.DB, *grant.Connector) {
	t.Helper()
	c, err := grant.NewConnector(ic.cfg)
	require.NoError(t, err)
	db := sql.OpenDB(c)
	t.Cleanup(func() { db.Close() })
	return db, c
}

// bind writes ? placeholders as $n on PostgreSQL.
func (ic *idCluster) bind(q string) string { return (&shardCluster{d: ic.d}).bind(q) }

// both runs DDL through Grant and on the reference.
func (ic *idCluster) both(t *testing.T, stmts ...string) {
	t.Helper()
	ctx := context.Background()
	for _, q := range stmts {
		_, err := ic.db.ExecContext(ctx, q)
		require.NoError(t, err, q)
		_, err = ic.ref.ExecContext(ctx, q)
		require.NoError(t, err, q)
	}
}

// shardedBy shards each table by customer_id modulo n; ids add id
// generation to some of them.
func shardedBy(n int, tables []string, ids map[string]*sharding.IDConfig) *sharding.Config {
	names := make([]string, n)
	for i := range n {
		names[i] = shardName(i)
	}
	sh := &sharding.Config{Resolvers: map[string]sharding.Spec{"by_customer": {Type: "modulo", Databases: names}},
		Tables: map[string]sharding.TableConfig{}}
	for _, tbl := range tables {
		sh.Tables[tbl] = sharding.TableConfig{Key: "customer_id", Resolver: "by_customer", ID: ids[tbl]}
	}
	return sh
}

// allInts returns the integer column of q's rows on every shard, read
// directly.
func (ic *idCluster) allInts(t *testing.T, q string) []int64 {
	t.Helper()
	var out []int64
	for _, s := range ic.shards {
		for _, v := range directInts(t, context.Background(), s, q) {
			out = append(out, int64(v))
		}
	}
	return out
}
