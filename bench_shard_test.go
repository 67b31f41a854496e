package grant_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/testenv"
	"github.com/grantsql/grant/sharding"
)

// benchShards is a cluster of 4 shards reached two ways in the same run:
// each shard through its raw driver, and the cluster through Grant.
type benchShards struct {
	raw []*sql.DB
	gr  *sql.DB
	ph  func(int) string
}

const benchShardCount = 4

// sqliteShards opens 4 SQLite files.
func sqliteShards(b *testing.B) *benchShards {
	dsns := make([]string, benchShardCount)
	for i := range dsns {
		dsns[i] = "file:" + filepath.Join(b.TempDir(), fmt.Sprintf("s%d.db", i)) + "?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"
	}
	return openBenchShards(b, dialect.SQLite, "sqlite", dsns, func(int) string { return "?" })
}

// postgresShards uses 4 schemas of the test database as 4 shards: distinct
// DSNs by search_path, one server, no databases to create.
func postgresShards(b *testing.B) *benchShards {
	if os.Getenv(testenv.PostgresVar) == "" {
		b.Skipf("%s is not set", testenv.PostgresVar)
	}
	base := testenv.PostgresDSN(b)
	admin, err := sql.Open("pgx", base)
	require.NoError(b, err)
	defer admin.Close()
	dsns := make([]string, benchShardCount)
	for i := range dsns {
		schema := fmt.Sprintf("bench_s%d", i)
		_, err := admin.Exec(`CREATE SCHEMA IF NOT EXISTS ` + schema)
		require.NoError(b, err)
		sep := "?"
		if strings.Contains(base, "?") {
			sep = "&"
		}
		dsns[i] = base + sep + "search_path=" + schema
	}
	return openBenchShards(b, dialect.Postgres, "pgx", dsns, dollar)
}

func openBenchShards(b *testing.B, d dialect.Dialect, driverName string, dsns []string, ph func(int) string) *benchShards {
	s := &benchShards{ph: ph}
	dbs := map[string]*config.Database{}
	names := make([]string, len(dsns))
	for i, dsn := range dsns {
		raw, err := sql.Open(driverName, dsn)
		require.NoError(b, err)
		s.raw = append(s.raw, raw)
		names[i] = fmt.Sprintf("s%d", i)
		dbs[names[i]] = &config.Database{Primary: dsn}
	}
	c, err := grant.NewConnector(&grant.Config{Dialect: d, Databases: dbs, DefaultDatabase: "s0",
		Sharding: &sharding.Config{
			Resolvers: map[string]sharding.Spec{"by_customer": {Type: "modulo", Databases: names}},
			Tables:    map[string]sharding.TableConfig{"bench_orders": {Key: "customer_id", Resolver: "by_customer"}},
		}})
	require.NoError(b, err)
	s.gr = sql.OpenDB(c)
	return s
}

// load creates bench_orders on every shard with perShard rows each, every
// row on the shard of its customer_id.
func (s *benchShards) load(b *testing.B, perShard int) {
	ctx := context.Background()
	n := len(s.raw)
	for i, raw := range s.raw {
		for _, q := range []string{`DROP TABLE IF EXISTS bench_orders`,
			`CREATE TABLE bench_orders (id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL, amount BIGINT NOT NULL)`} {
			_, err := raw.ExecContext(ctx, q)
			require.NoError(b, err)
		}
		const batch = 500
		for lo := 0; lo < perShard; lo += batch {
			var sb strings.Builder
			sb.WriteString(`INSERT INTO bench_orders (id, customer_id, amount) VALUES `)
			for k := lo; k < min(lo+batch, perShard); k++ {
				id := k*n + i // customer_id = id: on shard id mod n
				if k > lo {
					sb.WriteString(", ")
				}
				fmt.Fprintf(&sb, "(%d, %d, %d)", id, id, (id*7919)%100000)
			}
			_, err := raw.ExecContext(ctx, sb.String())
			require.NoError(b, err)
		}
	}
}

func (s *benchShards) close() {
	for _, r := range s.raw {
		r.Close()
	}
	s.gr.Close()
}

// benchShardPoint compares a point SELECT by shard key sent straight to the
// shard that holds the row with the same SELECT through Grant, which plans
// it to that shard.
func benchShardPoint(b *testing.B, s *benchShards) {
	defer s.close()
	const perShard = 1000
	s.load(b, perShard)
	q := `SELECT id, customer_id, amount FROM bench_orders WHERE customer_id = ` + s.ph(1)
	total := perShard * len(s.raw)
	for _, side := range []string{"side=raw", "side=grant"} {
		b.Run(side, func(b *testing.B) {
			ctx := context.Background()
			var id, cust, amount int64
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				key := (i * 7) % total
				db := s.gr
				if side == "side=raw" {
					db = s.raw[key%len(s.raw)]
				}
				if err := db.QueryRowContext(ctx, q, key).Scan(&id, &cust, &amount); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// benchShardFanOut compares a query without a shard key on each shard's own
// (the raw side, one sub-benchmark per shard) with the same query through
// Grant, which runs it on the 4 shards in parallel and merges: its time
// should be close to the slowest shard's, not to their sum.
func benchShardFanOut(b *testing.B, s *benchShards, q string, perShard int) {
	defer s.close()
	s.load(b, perShard)
	run := func(b *testing.B, db *sql.DB) {
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			rows, err := db.QueryContext(ctx, q)
			if err != nil {
				b.Fatal(err)
			}
			for rows.Next() {
			}
			if err := rows.Err(); err != nil {
				b.Fatal(err)
			}
			rows.Close()
		}
	}
	for i, raw := range s.raw {
		b.Run(fmt.Sprintf("side=raw-s%d", i), func(b *testing.B) { run(b, raw) })
	}
	b.Run("side=grant", func(b *testing.B) { run(b, s.gr) })
}

// The fan-out queries. fanOutWait spends most of its time waiting (as a
// shard across a network does), so it shows whether the shards run in
// parallel; the others are CPU-bound on one server, so on a machine with
// fewer cores than shards they cannot all run at once.
const (
	fanOutWait      = `SELECT count(*), sum(amount) FROM bench_orders WHERE (SELECT pg_sleep(0.002)) IS NOT NULL`
	fanOutAggregate = `SELECT count(*), sum(amount), min(amount), max(amount) FROM bench_orders WHERE amount % 3 = 0`
	fanOutTopN      = `SELECT id, customer_id, amount FROM bench_orders ORDER BY amount DESC, id LIMIT 20`
)

func BenchmarkShardPointSelectSQLite(b *testing.B)   { benchShardPoint(b, sqliteShards(b)) }
func BenchmarkShardPointSelectPostgres(b *testing.B) { benchShardPoint(b, postgresShards(b)) }
func BenchmarkShardFanOutWaitPostgres(b *testing.B) {
	benchShardFanOut(b, postgresShards(b), fanOutWait, 200)
}
func BenchmarkShardFanOutAggregatePostgres(b *testing.B) {
	benchShardFanOut(b, postgresShards(b), fanOutAggregate, 50000)
}
func BenchmarkShardFanOutTopNPostgres(b *testing.B) {
	benchShardFanOut(b, postgresShards(b), fanOutTopN, 50000)
}
func BenchmarkShardFanOutAggregateSQLite(b *testing.B) {
	benchShardFanOut(b, sqliteShards(b), fanOutAggregate, 50000)
}

// BenchmarkShardMergeMillionSQLite reads 1,000,000 rows through Grant, an
// ORDER BY merge of 4 SQLite shards of 250,000 rows each, and reports the
// largest growth of the live heap seen while reading (sampled every 50,000
// rows after a GC): the merge streams, so it stays far below the rows' size.
func BenchmarkShardMergeMillionSQLite(b *testing.B) {
	s := sqliteShards(b)
	defer s.close()
	const perShard = 250_000
	for i, raw := range s.raw {
		for _, q := range []string{`DROP TABLE IF EXISTS bench_orders`,
			`CREATE TABLE bench_orders (id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL, amount BIGINT NOT NULL)`,
			fmt.Sprintf(`INSERT INTO bench_orders WITH RECURSIVE k(x) AS (SELECT 0 UNION ALL SELECT x+1 FROM k WHERE x < %d)
				SELECT x*4+%d, x*4+%d, (x*4+%d)*7919 %% 1000003 FROM k`, perShard-1, i, i, i)} {
			_, err := raw.Exec(q)
			require.NoError(b, err)
		}
	}
	var before, now runtime.MemStats
	var growth uint64
	for b.Loop() {
		runtime.GC()
		runtime.ReadMemStats(&before)
		rows, err := s.gr.Query(`SELECT id, customer_id, amount FROM bench_orders ORDER BY amount, id`)
		require.NoError(b, err)
		n := 0
		var id, cust, amount, prev int64
		for rows.Next() {
			require.NoError(b, rows.Scan(&id, &cust, &amount))
			if amount < prev {
				b.Fatalf("row %d out of order: %d after %d", n, amount, prev)
			}
			prev = amount
			if n++; n%50_000 == 0 {
				runtime.GC()
				runtime.ReadMemStats(&now)
				if now.HeapAlloc > before.HeapAlloc {
					growth = max(growth, now.HeapAlloc-before.HeapAlloc)
				}
			}
		}
		require.NoError(b, rows.Err())
		require.NoError(b, rows.Close())
		require.Equal(b, perShard*len(s.raw), n)
	}
	b.ReportMetric(float64(growth)/(1<<20), "heap-growth-MiB")
}
