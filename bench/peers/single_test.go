package peers_test

import (
	"context"
	"testing"
)

// singleSides are the sides of the one-database benchmarks, all on s's
// primary: the raw driver, Grant (a cluster of that one database), sqlmw
// with a null interceptor and otelsql never sampling.
func singleSides(b *testing.B, s server) []side {
	return []side{rawSide(b, s, s.primary), grantSide(b, s, false), sqlmwSide(b, s), otelsqlSide(b, s)}
}

// pointSelect is the point SELECT by primary key of the read benchmarks.
const pointSelect = `SELECT id, name, email FROM peers_bench_users WHERE id = ?`

// BenchmarkPointSelect reads one row by primary key on the primary.
func BenchmarkPointSelect(b *testing.B) {
	forServers(b, func(b *testing.B, s server) {
		seedUsers(b, s)
		q := s.bind(pointSelect)
		runSides(b, singleSides(b, s), func(b *testing.B, sd side) {
			ctx := context.Background()
			var id int64
			var name, email string
			for i := 0; b.Loop(); i++ {
				if err := sd.h.QueryRowContext(ctx, q, i%seedRows+1).Scan(&id, &name, &email); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
}

// BenchmarkInsert inserts one row with an auto-increment key on the
// primary.
func BenchmarkInsert(b *testing.B) {
	forServers(b, func(b *testing.B, s server) {
		createWrites(b, s)
		q := s.bind(`INSERT INTO peers_bench_writes (name, email) VALUES (?, ?)`)
		runSides(b, singleSides(b, s), func(b *testing.B, sd side) {
			ctx := context.Background()
			for b.Loop() {
				if _, err := sd.h.ExecContext(ctx, q, "user", "user@example.com"); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
}

// BenchmarkPrepared prepares the point SELECT once and runs it again and
// again (database/sql's *sql.Stmt on every side).
func BenchmarkPrepared(b *testing.B) {
	forServers(b, func(b *testing.B, s server) {
		seedUsers(b, s)
		q := s.bind(pointSelect)
		runSides(b, singleSides(b, s), func(b *testing.B, sd side) {
			ctx := context.Background()
			stmt, err := sd.db.PrepareContext(ctx, q)
			if err != nil {
				b.Fatal(err)
			}
			defer stmt.Close()
			var id int64
			var name, email string
			for i := 0; b.Loop(); i++ {
				if err := stmt.QueryRowContext(ctx, i%seedRows+1).Scan(&id, &name, &email); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
}
