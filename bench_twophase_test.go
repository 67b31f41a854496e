package grant_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/testenv"
	"github.com/grantsql/grant/sharding"
)

// benchTwoPhase compares, on one server, a transaction writing one row to
// each of two databases (two-phase commit through Grant) with the same two
// writes in one database (one commit), through Grant and through the raw
// driver; on PostgreSQL also with the same two-phase protocol run by hand
// on the raw driver, the protocol's own cost.
func benchTwoPhase(b *testing.B, d dialect.Dialect, adminDSN string) {
	ph := qmark
	if d == dialect.Postgres {
		ph = dollar
	}
	dsns := make([]string, 2)
	for i := range dsns {
		dsns[i] = testenv.Database(b, d, adminDSN, fmt.Sprintf("grant_test_bench_tp_%d", i))
	}
	c, err := grant.NewConnector(&grant.Config{Dialect: d, DefaultDatabase: "s0",
		Databases: map[string]*config.Database{"s0": {Primary: dsns[0]}, "s1": {Primary: dsns[1]}},
		Health:    config.Health{Disabled: true},
		Sharding: &sharding.Config{
			Resolvers: map[string]sharding.Spec{"m": {Type: "modulo", Databases: []string{"s0", "s1"}}},
			Tables:    map[string]sharding.TableConfig{"bench_tp": {Key: "k", Resolver: "m"}},
		}})
	require.NoError(b, err)
	gr := sql.OpenDB(c)
	raw, err := sql.Open(d.DriverName(), dsns[0])
	require.NoError(b, err)
	b.Cleanup(func() { gr.Close(); raw.Close() })
	_, err = gr.Exec("CREATE TABLE bench_tp (id BIGINT PRIMARY KEY, k BIGINT NOT NULL)")
	require.NoError(b, err)

	insert := "INSERT INTO bench_tp (id, k) VALUES (" + ph(1) + ", " + ph(2) + ")"
	ctx := context.Background()
	next := int64(0)
	// run writes keys k1 and k2 (their parity picks the shard) in one
	// transaction per iteration. Besides the mean it reports the median
	// transaction (p50-ns), which the bursts of a shared machine (the
	// replicas applying the writes, for one) move less.
	run := func(b *testing.B, db *sql.DB, k1, k2 int64) {
		b.ReportAllocs()
		times := make([]time.Duration, 0, 1024)
		defer func() { reportMedian(b, times) }()
		for b.Loop() {
			start := time.Now()
			tx, err := db.BeginTx(ctx, nil)
			require.NoError(b, err)
			next += 2
			_, err = tx.ExecContext(ctx, insert, next, k1)
			require.NoError(b, err)
			_, err = tx.ExecContext(ctx, insert, next+1, k2)
			require.NoError(b, err)
			require.NoError(b, tx.Commit())
			times = append(times, time.Since(start))
		}
	}
	b.Run("commit=raw-one-database", func(b *testing.B) { run(b, raw, 0, 2) })
	b.Run("commit=grant-one-database", func(b *testing.B) { run(b, gr, 0, 2) })
	b.Run("commit=grant-two-phase", func(b *testing.B) { run(b, gr, 0, 1) })
	if d == dialect.Postgres {
		b.Run("commit=raw-two-phase", func(b *testing.B) { rawTwoPhase(b, dsns, insert, &next) })
	}
}

// rawTwoPhase runs, on the raw driver, the statements a two-phase commit
// over the databases of dsns sends: a write on each, the decision row
// recorded on the first while the second prepares, the first's commit,
// COMMIT PREPARED on the second, and the decision rows deleted in batches.
func rawTwoPhase(b *testing.B, dsns []string, insert string, next *int64) {
	ctx := context.Background()
	db0, err := sql.Open("pgx", dsns[0])
	require.NoError(b, err)
	db1, err := sql.Open("pgx", dsns[1])
	require.NoError(b, err)
	b.Cleanup(func() { db0.Close(); db1.Close() })
	_, err = db0.Exec("CREATE TABLE IF NOT EXISTS bench_tp_decision (gid VARCHAR(200) NOT NULL PRIMARY KEY," +
		" state VARCHAR(8) NOT NULL, participants TEXT NOT NULL, created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)")
	require.NoError(b, err)
	c1, err := db1.Conn(ctx)
	require.NoError(b, err)
	defer c1.Close()
	b.ReportAllocs()
	times := make([]time.Duration, 0, 1024)
	defer func() { reportMedian(b, times) }()
	n := 0
	for b.Loop() {
		start := time.Now()
		*next += 2
		gid := fmt.Sprintf("bench:%d", *next)
		tx, err := db0.BeginTx(ctx, nil)
		require.NoError(b, err)
		_, err = tx.ExecContext(ctx, insert, *next, 0)
		require.NoError(b, err)
		_, err = c1.ExecContext(ctx, "BEGIN")
		require.NoError(b, err)
		_, err = c1.ExecContext(ctx, insert, *next+1, 1)
		require.NoError(b, err)
		prepared := make(chan error, 1)
		go func() {
			_, err := c1.ExecContext(ctx, "PREPARE TRANSACTION '"+gid+"'")
			prepared <- err
		}()
		_, err = tx.ExecContext(ctx, "INSERT INTO bench_tp_decision (gid, state, participants) VALUES ('"+gid+"', 'commit', 's0,s1')")
		require.NoError(b, err)
		require.NoError(b, <-prepared)
		require.NoError(b, tx.Commit())
		_, err = c1.ExecContext(ctx, "COMMIT PREPARED '"+gid+"'")
		require.NoError(b, err)
		times = append(times, time.Since(start))
		if n++; n%128 == 0 {
			_, err = db0.Exec("DELETE FROM bench_tp_decision")
			require.NoError(b, err)
		}
	}
}

// reportMedian reports the median of times as p50-ns.
func reportMedian(b *testing.B, times []time.Duration) {
	if len(times) == 0 {
		return
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Nanoseconds()), "p50-ns")
}

func BenchmarkTwoPhasePostgres(b *testing.B) {
	benchTwoPhase(b, dialect.Postgres, testenv.PostgresDSN(b))
}

func BenchmarkTwoPhaseMariaDB(b *testing.B) {
	benchTwoPhase(b, dialect.MySQL, testenv.MySQLDSN(b))
}
