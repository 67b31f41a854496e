package grant_test

import (
	"context"
	"database/sql"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/testenv"
	"github.com/grantsql/grant/routing"
)

// BenchmarkReadAfterWrite measures a read made through a second connector
// of the cluster with a session's token right after the session's write,
// in three read-your-writes settings:
//
//   - causal+check: causal mode, with the on-demand check of the replica
//     (read_your_writes.max_wait, default 20ms);
//   - causal: causal mode without it (max_wait 0): the read waits for the
//     lag monitor's next measurement (every 500ms) to leave the primary;
//   - window: window mode (2s), the primary.
//
// Custom metrics: replica-share, the share of the reads served by the
// replica; read-µs, read-p50-µs and read-p99-µs, their latency (the check
// included); stale, reads that missed their write (must be 0);
// checks/read, the queries the check ran on the replica per read. ns/op is
// one write plus one read.
func BenchmarkReadAfterWrite(b *testing.B) {
	modes := []struct{ name, settings string }{
		{"causal+check", "routing: {read_your_writes: {mode: causal}}"},
		{"causal", "routing: {read_your_writes: {mode: causal, max_wait: 0s}}"},
		{"window", "routing: {read_your_writes: {mode: window}}"},
	}
	for _, d := range []dialect.Dialect{dialect.Postgres, dialect.MySQL} {
		for _, m := range modes {
			b.Run(d.String()+"/"+m.name, func(b *testing.B) { benchReadAfterWrite(b, d, m.settings) })
		}
	}
}

func benchReadAfterWrite(b *testing.B, d dialect.Dialect, settings string) {
	ctx := context.Background()
	primary, replica, raw := benchReplicaDSNs(b, d)
	var readerRouter *routing.Router
	open := func() *sql.DB {
		cfg, err := config.Parse([]byte(settings), "yaml")
		require.NoError(b, err)
		cfg.Dialect = d
		cfg.Databases = map[string]*config.Database{"main": {Primary: primary, Replicas: []string{replica}}}
		c, err := grant.NewConnector(cfg)
		require.NoError(b, err)
		db := sql.OpenDB(c)
		b.Cleanup(func() { db.Close() })
		readerRouter = c.Router()
		return db
	}
	rawPrimary, err := sql.Open(raw, primary)
	require.NoError(b, err)
	defer rawPrimary.Close()
	rawReplica, err := sql.Open(raw, replica)
	require.NoError(b, err)
	defer rawReplica.Close()

	tbl := rtName("bench_raw")
	_, err = rawPrimary.Exec("DROP TABLE IF EXISTS " + tbl)
	require.NoError(b, err)
	_, err = rawPrimary.Exec("CREATE TABLE " + tbl + " (id BIGINT PRIMARY KEY)")
	require.NoError(b, err)
	defer rawPrimary.Exec("DROP TABLE " + tbl)
	require.Eventually(b, func() bool {
		_, err := rawReplica.Exec("SELECT count(*) FROM " + tbl)
		return err == nil
	}, 15*time.Second, 10*time.Millisecond)

	ins := "INSERT INTO " + tbl + " (id) VALUES ($1)"
	sel := "SELECT pg_is_in_recovery(), count(*) FROM " + tbl + " WHERE id = $1"
	if d == dialect.MySQL {
		var replicaID int64
		require.NoError(b, rawReplica.QueryRow("SELECT @@server_id").Scan(&replicaID))
		ins = "INSERT INTO " + tbl + " (id) VALUES (?)"
		sel = "SELECT @@server_id = " + strconv.FormatInt(replicaID, 10) + ", count(*) FROM " + tbl + " WHERE id = ?"
	}
	writer, reader := open(), open()
	var (
		id          int64
		onReplica   int
		stale       int
		reads       []time.Duration
		replicaRead bool
		n           int64
	)
	for b.Loop() {
		id++
		sess := routing.NewSession()
		if _, err := writer.ExecContext(routing.WithSession(ctx, sess), ins, id); err != nil {
			b.Fatal(err)
		}
		rctx := routing.WithToken(ctx, sess.Token())
		start := time.Now()
		if err := reader.QueryRowContext(rctx, sel, id).Scan(&replicaRead, &n); err != nil {
			b.Fatal(err)
		}
		reads = append(reads, time.Since(start))
		if replicaRead {
			onReplica++
		}
		if n != 1 {
			stale++
		}
	}
	slices.Sort(reads)
	var total time.Duration
	for _, r := range reads {
		total += r
	}
	us := func(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
	b.ReportMetric(float64(onReplica)/float64(len(reads)), "replica-share")
	b.ReportMetric(us(total/time.Duration(len(reads))), "read-µs")
	b.ReportMetric(us(reads[len(reads)/2]), "read-p50-µs")
	b.ReportMetric(us(reads[len(reads)*99/100]), "read-p99-µs")
	b.ReportMetric(float64(stale), "stale")
	b.ReportMetric(float64(readerRouter.CatchUpStats().Checks)/float64(len(reads)), "checks/read")
}

// benchReplicaDSNs returns the primary and replica DSNs of d's test
// servers and the raw driver's name, skipping without them.
func benchReplicaDSNs(b *testing.B, d dialect.Dialect) (primary, replica, raw string) {
	switch d {
	case dialect.Postgres:
		if os.Getenv(testenv.PostgresVar) == "" {
			b.Skipf("%s is not set", testenv.PostgresVar)
		}
		testenv.Exclusive(b, "pg-replica")
		return testenv.PostgresDSN(b), testenv.PostgresReplicaDSN(b), "pgx"
	default:
		if os.Getenv(testenv.MySQLVar) == "" {
			b.Skipf("%s is not set", testenv.MySQLVar)
		}
		testenv.Exclusive(b, "mysql-replica")
		return testenv.MySQLDSN(b), testenv.MySQLReplicaDSN(b), "mysql"
	}
}
