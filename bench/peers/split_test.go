package peers_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

// splitSides are the sides of the primary/replica benchmarks: the raw
// driver straight to target (the replica for reads, the primary for
// writes), Grant over the primary and its replica, and nap over both.
func splitSides(b *testing.B, s server, target string) []side {
	return []side{rawSide(b, s, target), grantSide(b, s, true), napSide(b, s)}
}

// checkRoute fails b unless Grant's node named node ran at least n
// statements more than before (statements counted by nodeStatements).
func checkRoute(b *testing.B, sd side, before map[string]int64, node string, n int) {
	b.Helper()
	if sd.gr == nil {
		return
	}
	after := nodeStatements(sd)
	require.GreaterOrEqual(b, after[node]-before[node], int64(n), "Grant ran the statements on %s: %v", node, after)
}

// BenchmarkReplicaRead reads one row by primary key from the replica.
func BenchmarkReplicaRead(b *testing.B) {
	forReplicated(b, func(b *testing.B, s server) {
		seedUsers(b, s)
		q := s.bind(pointSelect)
		runSides(b, splitSides(b, s, s.replica), func(b *testing.B, sd side) {
			ctx := context.Background()
			var id int64
			var name, email string
			var before map[string]int64
			if sd.gr != nil {
				before = nodeStatements(sd)
			}
			n := 0
			for i := 0; b.Loop(); i++ {
				if err := sd.h.QueryRowContext(ctx, q, i%seedRows+1).Scan(&id, &name, &email); err != nil {
					b.Fatal(err)
				}
				n++
			}
			checkRoute(b, sd, before, "main.replicas[0]", n)
		})
	})
}

// BenchmarkPrimaryWrite inserts one row on the primary of a cluster that
// has a replica.
func BenchmarkPrimaryWrite(b *testing.B) {
	forReplicated(b, func(b *testing.B, s server) {
		createWrites(b, s)
		q := s.bind(`INSERT INTO peers_bench_writes (name, email) VALUES (?, ?)`)
		runSides(b, splitSides(b, s, s.primary), func(b *testing.B, sd side) {
			ctx := context.Background()
			var before map[string]int64
			if sd.gr != nil {
				before = nodeStatements(sd)
			}
			n := 0
			for b.Loop() {
				if _, err := sd.h.ExecContext(ctx, q, "user", "user@example.com"); err != nil {
					b.Fatal(err)
				}
				n++
			}
			checkRoute(b, sd, before, "main.primary", n)
		})
	})
}
