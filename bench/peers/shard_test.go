package peers_test

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/sharding"
)

// shards is the number of shards of the sharding benchmarks.
const shards = 2

// peersOrder is a row of the sharded table peers_bench_orders, on the shard
// customer_id % shards. Its key is assigned by the application.
type peersOrder struct {
	ID         int64 `gorm:"primaryKey;autoIncrement:false"`
	CustomerID int64
	Amount     int64
}

func (peersOrder) TableName() string { return "peers_bench_orders" }

// shardDSNs creates the databases grant_test_peers_s<i> on s's server
// (SQLite: files), drops them when b ends, and returns their DSNs.
func shardDSNs(b *testing.B, s server) []string {
	b.Helper()
	var out []string
	for i := range shards {
		name := fmt.Sprintf("grant_test_peers_s%d", i)
		if s.dialect == dialect.SQLite {
			out = append(out, "file:"+filepath.Join(b.TempDir(), name+".db")+
				"?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)")
			continue
		}
		admin := open(b, s.driver, s.primary)
		drop, create := "DROP DATABASE IF EXISTS "+name, "CREATE DATABASE "+name
		if s.dialect == dialect.Postgres {
			drop += " WITH (FORCE)"
			create += " TEMPLATE template0"
		}
		exec(b, admin, drop, create)
		b.Cleanup(func() { admin.ExecContext(context.Background(), drop) })
		out = append(out, withDatabase(b, s, name))
	}
	return out
}

// withDatabase returns s's primary DSN naming the database name instead.
func withDatabase(b *testing.B, s server, name string) string {
	dsn := s.primary
	if s.dialect == dialect.Postgres {
		u, err := url.Parse(dsn)
		require.NoError(b, err, "GRANT_PG_DSN must be a URL")
		u.Path = "/" + name
		return u.String()
	}
	params := ""
	if i := strings.LastIndexByte(dsn, '?'); i > strings.LastIndexByte(dsn, '/') {
		dsn, params = dsn[:i], dsn[i:]
	}
	return dsn[:strings.LastIndexByte(dsn, '/')+1] + name + params
}

// shardSides opens the two sides of the sharding benchmarks over the same
// shards holding seedRows orders: GORM per shard over the raw driver (the
// application picks the shard), and GORM over Grant sharding
// peers_bench_orders by customer_id modulo the shards.
func shardSides(b *testing.B, s server) (direct []*gorm.DB, gr *gorm.DB) {
	b.Helper()
	dsns := shardDSNs(b, s)
	dbs := map[string]*config.Database{}
	var names []string
	for i, dsn := range dsns {
		raw := open(b, s.driver, dsn)
		createTable(b, raw, "peers_bench_orders", "id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL, amount BIGINT NOT NULL")
		exec(b, raw, "CREATE INDEX peers_bench_orders_customer ON peers_bench_orders (customer_id)")
		direct = append(direct, openGORM(b, s, raw))
		name := fmt.Sprintf("s%d", i)
		dbs[name] = &config.Database{Primary: dsn}
		names = append(names, name)
	}
	for id := int64(1); id <= seedRows; id++ {
		o := peersOrder{ID: id, CustomerID: id % 100, Amount: id}
		require.NoError(b, direct[o.CustomerID%shards].Create(&o).Error)
	}
	g := grantCluster(b, &grant.Config{Dialect: s.dialect, Databases: dbs, DefaultDatabase: "s0",
		Sharding: &sharding.Config{
			Resolvers: map[string]sharding.Spec{"by_customer": {Type: "modulo", Databases: names}},
			Tables:    map[string]sharding.TableConfig{"peers_bench_orders": {Key: "customer_id", Resolver: "by_customer"}},
		}})
	return direct, openGORM(b, s, g.db)
}

// runShardSides runs op as the sub-benchmarks side=raw, GORM on the shard
// the application computes from the customer, and side=grant, GORM on
// Grant's one handle.
func runShardSides(b *testing.B, direct []*gorm.DB, gr *gorm.DB, op func(b *testing.B, pick func(customer int64) *gorm.DB)) {
	sides := []struct {
		name string
		pick func(customer int64) *gorm.DB
	}{
		{"raw", func(c int64) *gorm.DB { return direct[c%shards] }},
		{"grant", func(int64) *gorm.DB { return gr }},
	}
	rotated(b, len(sides), func(i int) {
		b.Run("side="+sides[i].name, func(b *testing.B) { measure(b, func() { op(b, sides[i].pick) }) })
	})
}

// BenchmarkGORMShardRead reads one order by customer and id with GORM's
// First: raw, GORM on the shard the application computed; grant, GORM on
// Grant, which finds the shard from customer_id.
func BenchmarkGORMShardRead(b *testing.B) {
	forServers(b, func(b *testing.B, s server) {
		direct, gr := shardSides(b, s)
		read := func(b *testing.B, pick func(customer int64) *gorm.DB) {
			for i := int64(0); b.Loop(); i++ {
				id := i%seedRows + 1
				var o peersOrder
				if err := pick(id%100).Where("customer_id = ?", id%100).First(&o, id).Error; err != nil {
					b.Fatal(err)
				}
			}
		}
		runShardSides(b, direct, gr, read)
	})
}

// BenchmarkGORMShardInsert creates one order with GORM's Create, on the
// shard of its customer.
func BenchmarkGORMShardInsert(b *testing.B) {
	forServers(b, func(b *testing.B, s server) {
		direct, gr := shardSides(b, s)
		var next atomic.Int64
		next.Store(seedRows)
		write := func(b *testing.B, pick func(customer int64) *gorm.DB) {
			for b.Loop() {
				id := next.Add(1)
				if err := pick(id % 100).Create(&peersOrder{ID: id, CustomerID: id % 100, Amount: 1}).Error; err != nil {
					b.Fatal(err)
				}
			}
		}
		runShardSides(b, direct, gr, write)
	})
}
