package lockrewrite

import (
	"context"
	"database/sql/driver"
	"testing"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/locking"
)

const (
	benchSelect = `SELECT "accounts"."id", "accounts"."balance", "accounts"."user_id" FROM "accounts" WHERE "accounts"."user_id" = $1 AND "accounts"."deleted_at" IS NULL ORDER BY "accounts"."id" LIMIT $2`
	benchUpdate = `UPDATE "accounts" SET "balance" = $1, "updated_at" = $2 WHERE "accounts"."id" = $3 AND "accounts"."deleted_at" IS NULL`
)

// BenchmarkLockCached is the executor's per-statement cost of a lock
// request once the statement text has been seen: the context lookup and
// the cached rewrite.
func BenchmarkLockCached(b *testing.B) {
	w := New(Postgres, nil, 0)
	st := analyze.Analyze(dialect.Postgres, benchSelect)
	ctx := locking.ForUpdate(context.Background(), locking.NoWait, locking.Of("accounts"))
	b.ReportAllocs()
	for b.Loop() {
		r, _ := locking.FromContext(ctx)
		l, err := w.Lock(st, r)
		if err != nil || !l.Changed {
			b.Fatal(err)
		}
	}
}

// BenchmarkVersionCached is the same for an optimistic check.
func BenchmarkVersionCached(b *testing.B) {
	w := New(Postgres, &locking.Config{VersionColumn: "lock_version"}, 0)
	st := analyze.Analyze(dialect.Postgres, benchUpdate)
	ctx := locking.ExpectVersion(context.Background(), 3)
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := locking.VersionFrom(ctx); !ok {
			b.Fatal("no version")
		}
		v, err := w.Version(st)
		if err != nil || !v.Changed {
			b.Fatal(err)
		}
	}
}

// BenchmarkVersionArgs is the insertion of the version argument (one new
// slice of arguments).
func BenchmarkVersionArgs(b *testing.B) {
	v, err := Optimistic(analyze.Analyze(dialect.Postgres, benchUpdate), &locking.Config{VersionColumn: "lock_version"})
	if err != nil {
		b.Fatal(err)
	}
	args := []driver.NamedValue{{Ordinal: 1, Value: int64(10)}, {Ordinal: 2, Value: int64(11)}, {Ordinal: 3, Value: int64(12)}}
	b.ReportAllocs()
	for b.Loop() {
		_ = v.Args(args, 3)
	}
}

// BenchmarkLockUncached is the cost paid once per statement text.
func BenchmarkLockUncached(b *testing.B) {
	st := analyze.Analyze(dialect.Postgres, benchSelect)
	r := locking.Request{Strength: locking.Update, Wait: locking.FailFast}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Pessimistic(Postgres, st, r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVersionUncached is the cost paid once per statement text.
func BenchmarkVersionUncached(b *testing.B) {
	st := analyze.Analyze(dialect.Postgres, benchUpdate)
	cfg := &locking.Config{VersionColumn: "lock_version"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Optimistic(st, cfg); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLockCachedParallel measures the cache under concurrent readers.
func BenchmarkLockCachedParallel(b *testing.B) {
	w := New(MariaDB, nil, 0)
	st := analyze.Analyze(dialect.MySQL, "SELECT * FROM `accounts` WHERE `accounts`.`user_id` = ? ORDER BY `accounts`.`id` LIMIT 1")
	r := locking.Request{Strength: locking.Update}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := w.Lock(st, r); err != nil {
				b.Fatal(err)
			}
		}
	})
}
