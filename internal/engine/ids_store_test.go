package engine

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	_ "github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"

	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/testenv"
	"github.com/grantsql/grant/sharding/idgen"
)

// forEachReal runs fn per dialect on a fresh real database: SQLite always,
// PostgreSQL and MariaDB when their servers are configured. open returns a
// new engine (another process, as far as the database can tell) on it.
func forEachReal(t *testing.T, fn func(t *testing.T, d dialect.Dialect, open func() *Engine)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, dialect.SQLite, realEngines(t, dialect.SQLite, "")) })
	t.Run("postgres", func(t *testing.T) { fn(t, dialect.Postgres, realEngines(t, dialect.Postgres, testenv.PostgresDSN(t))) })
	t.Run("mysql", func(t *testing.T) { fn(t, dialect.MySQL, realEngines(t, dialect.MySQL, testenv.MySQLDSN(t))) })
}

// realEngines creates a fresh database of d (on the server of admin) and
// returns a function opening engines on it, closed when t ends.
func realEngines(t testing.TB, d dialect.Dialect, admin string) func() *Engine {
	var dsn string
	if d == dialect.SQLite {
		dsn = "file:" + filepath.Join(t.TempDir(), "ids.db") + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)"
	} else {
		testenv.Exclusive(t, "grant_test_engine_ids")
		dsn = testenv.Database(t, d, admin, "grant_test_engine_ids")
	}
	return func() *Engine {
		cfg := &config.Cluster{Dialect: d, Databases: map[string]*config.Database{"main": {Primary: dsn}},
			Health: config.Health{Disabled: true}}
		e := newTestEngine(t, cfg, nil)
		t.Cleanup(func() { e.reg.Close() })
		return e
	}
}

// TestIDStoreBlocks takes sequence blocks from two engines at once: the
// counter is created at first use at its start, and no two blocks overlap.
func TestIDStoreBlocks(t *testing.T) {
	forEachReal(t, func(t *testing.T, d dialect.Dialect, open func() *Engine) {
		ctx := context.Background()
		seqs := []*idgen.Sequence{idgen.NewSequence("orders", 4, 100), idgen.NewSequence("orders", 3, 100)}
		var mu sync.Mutex
		var all []int64
		var wg sync.WaitGroup
		for w := range 4 {
			e := open()
			wg.Go(func() {
				s := e.NewSession()
				defer s.Close()
				for i := range 10 {
					ids := make([]int64, 1+i%3)
					if !assert.NoError(t, seqs[w%2].Fill(ctx, ids, idStore{s})) {
						return
					}
					mu.Lock()
					all = append(all, ids...)
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		slices.Sort(all)
		assert.Len(t, slices.Compact(slices.Clone(all)), len(all), "no id twice")
		assert.GreaterOrEqual(t, all[0], int64(100), "the counter started at start")
		// Another counter is independent.
		s := open().NewSession()
		defer s.Close()
		first, err := idStore{s}.TakeBlock(ctx, "users", 5, 1)
		require.NoError(t, err)
		assert.Equal(t, int64(1), first)
	})
}

// TestIDStoreLeases leases snowflake nodes from two engines: distinct
// nodes, renewals extend the lease, and a lapsed node is leased again with
// a range after its old one.
func TestIDStoreLeases(t *testing.T) {
	forEachReal(t, func(t *testing.T, d dialect.Dialect, open func() *Engine) {
		ctx := context.Background()
		a, b := open().NewSession(), open().NewSession()
		defer a.Close()
		defer b.Close()
		const dur = 1000
		la, err := idStore{a}.LeaseNode(ctx, idgen.LeaseRequest{Name: "orders", Holder: "a", Now: 5000, Duration: dur})
		require.NoError(t, err)
		lb, err := idStore{b}.LeaseNode(ctx, idgen.LeaseRequest{Name: "orders", Holder: "b", Now: 5000, Duration: dur})
		require.NoError(t, err)
		assert.NotEqual(t, la.Node, lb.Node)
		assert.Equal(t, idgen.Lease{Node: la.Node, Holder: "a", Until: 6000}, la)

		renewed, err := idStore{a}.LeaseNode(ctx, idgen.LeaseRequest{Name: "orders", Holder: "a", Prev: la, Now: 5600, Duration: dur})
		require.NoError(t, err)
		assert.Equal(t, idgen.Lease{Node: la.Node, Holder: "a", Until: 6600}, renewed)

		// b stops renewing; c takes its node once it lapsed a duration ago.
		c := open().NewSession()
		defer c.Close()
		lc, err := idStore{c}.LeaseNode(ctx, idgen.LeaseRequest{Name: "orders", Holder: "c", Now: 7100, Duration: dur})
		require.NoError(t, err)
		assert.Equal(t, lb.Node, lc.Node)
		assert.Equal(t, lb.Until+1, lc.From, "the new range starts after the old one")
		// b's renewal finds its node gone and leases another.
		lb2, err := idStore{b}.LeaseNode(ctx, idgen.LeaseRequest{Name: "orders", Holder: "b", Prev: lb, Now: 7100, Duration: dur})
		require.NoError(t, err)
		assert.NotContains(t, []int{la.Node, lc.Node}, lb2.Node)

		// Leases of another table are apart.
		lu, err := idStore{a}.LeaseNode(ctx, idgen.LeaseRequest{Name: "users", Holder: "a", Now: 5000, Duration: dur})
		require.NoError(t, err)
		assert.Zero(t, lu.Node)
	})
}

// BenchmarkSequenceBlocks is one id of a sequence whose blocks of 1000 or
// 10000 ids are taken from a real database, each in a transaction of its
// own (the target is 1 µs per id, amortized).
func BenchmarkSequenceBlocks(b *testing.B) {
	for _, tc := range []struct {
		d     dialect.Dialect
		admin func(testing.TB) string
	}{{dialect.SQLite, nil}, {dialect.Postgres, testenv.PostgresDSN}, {dialect.MySQL, testenv.MySQLDSN}} {
		for _, cache := range []int64{1000, 10000} {
			b.Run(fmt.Sprintf("%s/cache=%d", tc.d, cache), func(b *testing.B) {
				admin := ""
				if tc.admin != nil {
					admin = tc.admin(b)
				}
				s := realEngines(b, tc.d, admin)().NewSession()
				defer s.Close()
				seq := idgen.NewSequence("bench", cache, 1)
				ids := make([]int64, 1)
				b.ReportAllocs()
				for b.Loop() {
					if err := seq.Fill(context.Background(), ids, idStore{s}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
