package grant_test

// The sharding differential tests: a data set loaded through Grant into N
// shard databases and, directly, into one reference database must answer
// every read the same way, whatever the dialect and N. The read corpus is in
// shard_corpus_test.go, the writes, transactions and refusals in
// shard_write_test.go, the data set in shard_data_test.go and the
// comparison in shard_compare_test.go.

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/testenv"
	"github.com/grantsql/grant/sharding"
)

// shardCluster is one sharded Grant cluster under test beside its
// reference: shard databases s0..s(n-1) behind Grant and one database
// holding every row, each also opened directly through its real driver.
type shardCluster struct {
	d dialect.Dialect
	n int
	// twoPhase: writes on several shards commit with two-phase commit (the
	// default on PostgreSQL and MariaDB); else they are refused in a
	// transaction.
	twoPhase bool
	db       *sql.DB // Grant over the shards
	c        *grant.Connector
	ref      *sql.DB   // the reference database, through the real driver
	shards   []*sql.DB // each shard, through the real driver
}

// shardDBPrefix keeps this package's databases apart from those of other
// packages (compat uses grant_test_cs) that go test runs in parallel.
const shardDBPrefix = "grant_test_rs"

// forEachShardCluster runs fn on a fresh cluster of 2 and of 4 shards per
// dialect: SQLite always, PostgreSQL and MariaDB when configured.
func forEachShardCluster(t *testing.T, fn func(t *testing.T, sc *shardCluster)) {
	forEachDialect(t, func(t *testing.T, tg target) {
		for _, n := range []int{2, 4} {
			t.Run(fmt.Sprintf("N=%d", n), func(t *testing.T) { fn(t, newShardCluster(t, tg, n)) })
		}
	})
}

// newShardCluster creates the reference and n shard databases (dropped when
// t ends) and opens Grant over the shards with the test's sharding section.
func newShardCluster(t *testing.T, tg target, n int, opts ...func(*grant.Config)) *shardCluster {
	if tg.d != dialect.SQLite {
		// Another process running this package's tests uses the same names.
		testenv.Exclusive(t, shardDBPrefix)
	}
	sc := &shardCluster{d: tg.d, n: n}
	ref := shardDatabase(t, tg, fmt.Sprintf("%s%d_single", shardDBPrefix, n))
	sc.ref = openDirect(t, tg.d, ref)
	dbs := map[string]*config.Database{}
	for i := range n {
		dsn := shardDatabase(t, tg, fmt.Sprintf("%s%d_%d", shardDBPrefix, n, i))
		dbs[shardName(i)] = &config.Database{Primary: dsn}
		sc.shards = append(sc.shards, openDirect(t, tg.d, dsn))
	}
	cfg := &grant.Config{Dialect: tg.d, Databases: dbs, DefaultDatabase: "s0",
		Health: config.Health{Disabled: true}, Sharding: shardingConfig(n)}
	for _, o := range opts {
		o(cfg)
	}
	sc.twoPhase = tg.d != dialect.SQLite && cfg.Transactions.CrossShard != config.CrossShardRefuse
	c, err := grant.NewConnector(cfg)
	require.NoError(t, err)
	sc.c, sc.db = c, sql.OpenDB(c)
	t.Cleanup(func() { sc.db.Close() })
	return sc
}

// shardName is the name of the i-th shard database in the configuration.
func shardName(i int) string { return fmt.Sprintf("s%d", i) }

// shardingConfig shards orders and order_items (one binding group) by
// customer_id modulo n, events by day over n ranges (shardOfDay), and
// broadcasts countries.
func shardingConfig(n int) *sharding.Config {
	names := make([]string, n)
	ranges := make([]sharding.RangeSpec, n)
	for i := range n {
		names[i] = shardName(i)
		ranges[i].Database = names[i]
		if i > 0 {
			ranges[i].From = dayBound(n, i)
		}
		if i < n-1 {
			ranges[i].To = dayBound(n, i+1)
		}
	}
	return &sharding.Config{
		Resolvers: map[string]sharding.Spec{
			"by_customer": {Type: "modulo", Databases: names},
			"by_day":      {Type: "range", Ranges: ranges},
		},
		Tables: map[string]sharding.TableConfig{
			"orders":      {Key: "customer_id", Resolver: "by_customer"},
			"order_items": {Key: "customer_id", Resolver: "by_customer"},
			"events":      {Key: "day", Resolver: "by_day"},
		},
		Bindings:  [][]string{{"orders", "order_items"}},
		Broadcast: []string{"countries"},
		// The MySQL schema creates sku as utf8mb4_bin (shardSchema).
		Collations: map[string]string{"order_items.sku": "binary"},
	}
}

// dayBound is the lower bound of the i-th day range of n: the days -5..74
// of the data set split evenly, the first range open below, the last above.
func dayBound(n, i int) int { return i*80/n - 5 }

// shardOfDay is the index of the shard whose range holds day.
func shardOfDay(n, day int) int {
	i := 0
	for i+1 < n && day >= dayBound(n, i+1) {
		i++
	}
	return i
}

// shardDatabase creates the database name on tg's server (dropped when t
// ends) and returns its DSN; for SQLite, a new file.
func shardDatabase(t *testing.T, tg target, name string) string {
	return testenv.Database(t, tg.d, tg.primary, name)
}

// openDirect opens dsn with the dialect's real driver, closed when t ends.
func openDirect(t *testing.T, d dialect.Dialect, dsn string) *sql.DB {
	db, err := sql.Open(d.DriverName(), dsn)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	require.NoError(t, db.Ping())
	return db
}

// TestShardDifferential runs, per dialect and shard count, the schema and
// the data set through Grant and into the reference, then compares reads,
// writes, transactions, refusals and pinned reads. The steps share the
// cluster's state, in order.
func TestShardDifferential(t *testing.T) {
	forEachShardCluster(t, func(t *testing.T, sc *shardCluster) {
		// Not subtests, so that -run filters cannot leave them out.
		sc.testSchema(t)
		sc.testLoad(t)
		t.Run("Distribution", sc.testDistribution)
		t.Run("Plans", sc.testPlans)
		t.Run("Reads", sc.testReads)
		t.Run("UseShard", sc.testUseShard)
		t.Run("Refusals", sc.testRefusals)
		t.Run("Transactions", sc.testTransactions)
		t.Run("Writes", sc.testWrites)
		t.Run("ReadsAfterWrites", sc.testReads)
	})
}

// testSchema creates the tables through Grant, DDL fanning out to every
// shard, and directly in the reference; each shard must then hold every
// table and the index.
func (sc *shardCluster) testSchema(t *testing.T) {
	ctx := context.Background()
	for _, ddl := range shardSchema(sc.d) {
		_, err := sc.db.ExecContext(ctx, ddl)
		require.NoError(t, err, ddl)
		_, err = sc.ref.ExecContext(ctx, ddl)
		require.NoError(t, err, ddl)
	}
	index := map[dialect.Dialect]string{
		dialect.Postgres: "SELECT COUNT(*) FROM pg_indexes WHERE indexname = 'orders_customer'",
		dialect.MySQL:    "SELECT COUNT(*) FROM information_schema.statistics WHERE table_schema = DATABASE() AND index_name = 'orders_customer'",
		dialect.SQLite:   "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'orders_customer'",
	}[sc.d]
	for i, s := range sc.shards {
		for _, tbl := range []string{"orders", "order_items", "events", "countries"} {
			assert.Zero(t, scanInt(t, ctx, s, "SELECT COUNT(*) FROM "+tbl), "shard %d has an empty %s", i, tbl)
		}
		assert.Equal(t, int64(1), scanInt(t, ctx, s, index), "shard %d has the index", i)
	}
}

// testLoad runs every statement of the data set through Grant and on the
// reference; each reports the same number of rows affected. Through Grant,
// statements with arguments run as prepared statements, one per text,
// reused for rows of different shards.
func (sc *shardCluster) testLoad(t *testing.T) {
	ctx := context.Background()
	stmts := map[string]*sql.Stmt{}
	for _, st := range shardDataset() {
		q := sc.bind(st.sql)
		want := execAffected(t, ctx, sc.ref, q, st.args...)
		var got int64
		if len(st.args) == 0 {
			got = execAffected(t, ctx, sc.db, q)
		} else {
			if stmts[q] == nil {
				s, err := sc.db.PrepareContext(ctx, q)
				require.NoError(t, err, q)
				defer s.Close()
				stmts[q] = s
			}
			got = execAffected(t, ctx, stmtExecer{stmts[q]}, "", st.args...)
		}
		require.Equal(t, want, got, "rows affected by %.120s", q)
	}
}

// stmtExecer runs a prepared statement where a query text is expected.
type stmtExecer struct{ *sql.Stmt }

// ExecContext runs the statement with args; the text is the statement's.
func (s stmtExecer) ExecContext(ctx context.Context, _ string, args ...any) (sql.Result, error) {
	return s.Stmt.ExecContext(ctx, args...)
}

// testDistribution checks with direct connections that every shard holds
// rows, each on the shard its key resolves to, and that together they hold
// exactly the reference's rows; broadcast rows are on every shard.
func (sc *shardCluster) testDistribution(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		table, key string
		shardOf    func(key int) int
	}{
		{"orders", "customer_id", func(k int) int { return k % sc.n }},
		{"order_items", "customer_id", func(k int) int { return k % sc.n }},
		{"events", "day", func(k int) int { return shardOfDay(sc.n, k) }},
	} {
		var total int
		for i, s := range sc.shards {
			keys := directInts(t, ctx, s, "SELECT "+tc.key+" FROM "+tc.table)
			assert.NotEmpty(t, keys, "shard %d has rows of %s", i, tc.table)
			for _, k := range keys {
				assert.Equal(t, i, tc.shardOf(k), "%s row with %s %d on shard %d", tc.table, tc.key, k, i)
			}
			total += len(keys)
		}
		assert.EqualValues(t, scanInt(t, ctx, sc.ref, "SELECT COUNT(*) FROM "+tc.table), total, "rows of %s on all shards", tc.table)
	}
	want := scanInt(t, ctx, sc.ref, "SELECT COUNT(*) FROM countries")
	for i, s := range sc.shards {
		assert.Equal(t, want, scanInt(t, ctx, s, "SELECT COUNT(*) FROM countries"), "shard %d holds every country", i)
	}
}
