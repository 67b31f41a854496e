package planner

import (
	"database/sql/driver"
	"testing"

	"github.com/grantsql/grant/sharding"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/analyze"
)

// BenchmarkPlanPointSelect plans a single-shard point SELECT from a cached
// analysis: the planner's share of the single-shard overhead.
func BenchmarkPlanPointSelect(b *testing.B) {
	p := newTestPlanner(b, dialect.Postgres)
	cache := analyze.NewCache(0)
	sql := `SELECT * FROM "orders" WHERE "orders"."customer_id" = $1 AND "orders"."deleted_at" IS NULL ORDER BY "orders"."id" LIMIT 1`
	args := []driver.NamedValue{{Ordinal: 1, Value: int64(42)}}
	b.ReportAllocs()
	for b.Loop() {
		st := cache.Analyze(dialect.Postgres, sql)
		pl, err := p.Plan(bg, st, args, Options{})
		if err != nil || pl.Route != sharding.RouteSingle {
			b.Fatal(pl, err)
		}
	}
}

// BenchmarkShardedUnsharded is the check every unsharded statement pays.
func BenchmarkShardedUnsharded(b *testing.B) {
	p := newTestPlanner(b, dialect.MySQL)
	st := analyze.Analyze(dialect.MySQL, "SELECT id, email FROM Users u JOIN accounts a ON a.user_id = u.id WHERE u.id = ?")
	b.ReportAllocs()
	for b.Loop() {
		if p.Sharded(st) {
			b.Fatal("sharded")
		}
	}
}

// BenchmarkPlanScatterOrdered plans a fan-out read with ORDER BY and LIMIT.
func BenchmarkPlanScatterOrdered(b *testing.B) {
	p := newTestPlanner(b, dialect.Postgres)
	st := analyze.Analyze(dialect.Postgres, `SELECT id, total FROM orders WHERE status = $1 ORDER BY created_at DESC LIMIT $2 OFFSET $3`)
	args := []driver.NamedValue{{Ordinal: 1, Value: "paid"}, {Ordinal: 2, Value: int64(10)}, {Ordinal: 3, Value: int64(20)}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Plan(bg, st, args, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPlanInsertOneRow plans GORM's single-row INSERT.
func BenchmarkPlanInsertOneRow(b *testing.B) {
	p := newTestPlanner(b, dialect.Postgres)
	cache := analyze.NewCache(0)
	sql := `INSERT INTO "orders" ("customer_id","total","created_at") VALUES ($1,$2,$3) RETURNING "id"`
	args := []driver.NamedValue{{Ordinal: 1, Value: int64(42)}, {Ordinal: 2, Value: 1.5}, {Ordinal: 3, Value: "2024-01-01"}}
	b.ReportAllocs()
	for b.Loop() {
		pl, err := p.Plan(bg, cache.Analyze(dialect.Postgres, sql), args, Options{})
		if err != nil || pl.Route != sharding.RouteSingle {
			b.Fatal(pl, err)
		}
	}
}

// BenchmarkPlanInsertSplit plans a three-row INSERT over two shards.
func BenchmarkPlanInsertSplit(b *testing.B) {
	p := newTestPlanner(b, dialect.Postgres)
	st := analyze.Analyze(dialect.Postgres, `INSERT INTO "orders" ("customer_id","total") VALUES ($1,$2),($3,$4),($5,$6) RETURNING "id"`)
	args := []driver.NamedValue{{Ordinal: 1, Value: int64(1)}, {Ordinal: 2, Value: 1.5}, {Ordinal: 3, Value: int64(2)},
		{Ordinal: 4, Value: 2.5}, {Ordinal: 5, Value: int64(5)}, {Ordinal: 6, Value: 3.5}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Plan(bg, st, args, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
