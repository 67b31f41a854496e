package grant_test

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/testenv"
	"github.com/grantsql/grant/registry"
	"github.com/grantsql/grant/routing"
)

// frozenPair is a private primary and its replica, which a test may
// freeze with SIGSTOP, behind Grant.
type frozenPair struct {
	d                dialect.Dialect
	primary, replica *testenv.Private
	db               *sql.DB
	c                *grant.Connector
	p, r             *registry.Node
}

// openFrozenPair starts a private primary and replica of dialect d and
// opens Grant over them with the YAML settings.
func openFrozenPair(t *testing.T, d dialect.Dialect, settings string) *frozenPair {
	t.Helper()
	fp := &frozenPair{d: d}
	db := ""
	if d == dialect.Postgres {
		fp.primary = testenv.PrivatePostgres(t)
		fp.replica = testenv.PrivatePostgresReplica(t, fp.primary)
		db = "postgres"
	} else {
		fp.primary = testenv.PrivateMariaDB(t)
		fp.replica = testenv.PrivateMariaDBReplica(t, fp.primary)
	}
	cfg, err := config.Parse([]byte(settings), "yaml")
	require.NoError(t, err)
	cfg.Dialect = d
	cfg.Databases = map[string]*config.Database{"main": {Primary: fp.primary.DSN(db), Replicas: []string{fp.replica.DSN(db)}}}
	logger := slog.New(slog.NewTextHandler(testLog{t}, nil))
	fp.c, err = grant.NewConnector(cfg, grant.WithLogger(logger))
	require.NoError(t, err)
	fp.db = sql.OpenDB(fp.c)
	t.Cleanup(func() { fp.db.Close() })
	main := fp.c.Registry().Default()
	fp.p, fp.r = main.Primary, main.Replicas[0]
	// The replica replicates, as the lag monitor sees it, and serves
	// reads before anything freezes.
	require.Eventually(t, func() bool {
		if fp.c.Router().State().Info(fp.r).Status != routing.StatusReplicating {
			return false
		}
		on, err := fp.onReplica(context.Background())
		return err == nil && on
	}, 30*time.Second, 20*time.Millisecond, "reads never reached the replica")
	return fp
}

// warm runs n concurrent reads on the replica, so that its pool holds
// that many idle connections.
func (fp *frozenPair) warm(t *testing.T, n int) {
	t.Helper()
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var s string
			assert.NoError(t, fp.db.QueryRow(slowOnReplica[fp.d]).Scan(&s))
		}()
	}
	wg.Wait()
	require.GreaterOrEqual(t, fp.r.Stats().Pool.Idle, n)
}

// slowOnReplica is a read that takes a moment, so that concurrent reads
// need a connection each.
var slowOnReplica = map[dialect.Dialect]string{
	dialect.Postgres: "SELECT pg_sleep(0.05)::text",
	dialect.MySQL:    "SELECT SLEEP(0.05)",
}

// onReplica reads, through Grant, whether the read ran on the replica.
func (fp *frozenPair) onReplica(ctx context.Context) (bool, error) {
	if fp.d == dialect.Postgres {
		var b bool
		err := fp.db.QueryRowContext(ctx, inRecovery).Scan(&b)
		return b, err
	}
	var id int64
	err := fp.db.QueryRowContext(ctx, "SELECT @@server_id").Scan(&id)
	return id == 2, err
}

// timedReads runs n reads on as many goroutines and returns how long each
// took, failing the test on any error or on a read served by the replica.
func (fp *frozenPair) timedReads(t *testing.T, n int) []time.Duration {
	t.Helper()
	out := make([]time.Duration, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			start := time.Now()
			on, err := fp.onReplica(ctx)
			out[i] = time.Since(start)
			assert.NoError(t, err)
			assert.False(t, on, "a read reached the frozen replica")
		}()
	}
	wg.Wait()
	slices.Sort(out)
	return out
}

// TestHealthFrozenReplicaHedged: with routing.hedge_after 50ms, reads that
// meet a replica frozen with SIGSTOP are answered by the primary after
// about that delay, each abandoned attempt cancelled and its connection
// discarded. Health checks are off, so nothing else could help. Without
// hedging the same read waits for the frozen server until its deadline.
func TestHealthFrozenReplicaHedged(t *testing.T) {
	for _, d := range healthDialects {
		t.Run(d.String(), func(t *testing.T) {
			fp := openFrozenPair(t, d, "health: {disabled: true}\n"+
				"routing: {hedge_after: 50ms, read_your_writes: {mode: off}, lag_check_interval: 200ms}\npool: {max_open: 4}")
			fp.replica.Freeze()
			const frozenFor = 5 * time.Second
			thaw := time.AfterFunc(frozenFor, fp.replica.Thaw)
			defer thaw.Stop()
			frozen := time.Now()
			times := fp.timedReads(t, 16)
			times = append(times, fp.timedReads(t, 16)...)
			slices.Sort(times)
			elapsed := time.Since(frozen)
			t.Logf("32 reads while the replica was frozen: median %s, max %s", times[len(times)/2], times[len(times)-1])
			assert.Less(t, elapsed, frozenFor/2, "no read waited for the frozen replica")
			assert.GreaterOrEqual(t, times[0], 50*time.Millisecond, "the replica had its chance first")
			st := fp.r.Stats()
			assert.True(t, st.Healthy, "health checks are off")
			assert.Equal(t, int64(32), fp.p.Stats().HedgeWins, "the primary answered every hedged read")
			assert.Zero(t, st.InFlight, "the abandoned attempts ended")

			// The same cluster without hedging: a read waits for the
			// frozen replica until the caller's deadline.
			fp2 := *fp
			fp2.db, fp2.c = reopen(t, fp, "health: {disabled: true}\nrouting: {read_your_writes: {mode: off}, lag_check_interval: 1h}")
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			_, err := fp2.onReplica(ctx)
			assert.ErrorIs(t, err, context.DeadlineExceeded, "without hedging a read stalls on the frozen replica")
		})
	}
}

// reopen opens a second connector over fp's servers with other settings.
func reopen(t *testing.T, fp *frozenPair, settings string) (*sql.DB, *grant.Connector) {
	t.Helper()
	cfg, err := config.Parse([]byte(settings), "yaml")
	require.NoError(t, err)
	db := ""
	if fp.d == dialect.Postgres {
		db = "postgres"
	}
	cfg.Dialect = fp.d
	cfg.Databases = map[string]*config.Database{"main": {Primary: fp.primary.DSN(db), Replicas: []string{fp.replica.DSN(db)}}}
	c, err := grant.NewConnector(cfg)
	require.NoError(t, err)
	sdb := sql.OpenDB(c)
	t.Cleanup(func() { sdb.Close() })
	return sdb, c
}

// TestHealthFrozenReplicaLeavesWithItsReads: without hedging, reads in
// flight on a replica frozen with SIGSTOP (and those that meet it before
// the health checks notice) are cancelled when it leaves rotation and
// retried on the primary: none waits for the server to thaw, none fails.
func TestHealthFrozenReplicaLeavesWithItsReads(t *testing.T) {
	for _, d := range healthDialects {
		t.Run(d.String(), func(t *testing.T) {
			fp := openFrozenPair(t, d, "health: {interval: 100ms, timeout: 100ms, failures: 2}\n"+
				"routing: {read_your_writes: {mode: off}, lag_check_interval: 200ms}\npool: {max_open: 8, max_idle: 8}")
			fp.warm(t, 4)
			fp.replica.Freeze()
			const frozenFor = 8 * time.Second
			thaw := time.AfterFunc(frozenFor, fp.replica.Thaw)
			defer thaw.Stop()
			frozen := time.Now()
			times := fp.timedReads(t, 8)
			elapsed := time.Since(frozen)
			t.Logf("8 reads begun as the replica froze: median %s, max %s", times[len(times)/2], times[len(times)-1])
			assert.Less(t, elapsed, frozenFor/2, "the reads did not wait for the thaw")
			st := fp.r.Stats()
			assert.False(t, st.Healthy, "the frozen replica left rotation")
			assert.Equal(t, int64(1), st.Transitions, "once")
			assert.NotZero(t, st.Interrupted, "statements in flight were cancelled")
			assert.True(t, fp.p.Stats().Healthy)

			// After the thaw the replica returns and serves reads again.
			fp.replica.Thaw()
			require.Eventually(t, func() bool {
				on, err := fp.onReplica(context.Background())
				return err == nil && on
			}, 20*time.Second, 20*time.Millisecond, "the thawed replica never returned to rotation")
			assert.Equal(t, int64(2), fp.r.Stats().Transitions)
		})
	}
}

// TestHealthFrozenPrimaryWriteError: a write in flight on a primary that
// freezes fails, once the primary leaves rotation, with an error that names
// the node and says the write may or may not have taken effect; the next
// write, which needs a new connection, fails within the health check
// timeout instead of waiting for the server.
func TestHealthFrozenPrimaryWriteError(t *testing.T) {
	for _, d := range healthDialects {
		t.Run(d.String(), func(t *testing.T) {
			fp := openFrozenPair(t, d, "health: {interval: 100ms, timeout: 100ms, failures: 2}\n"+
				"routing: {read_your_writes: {mode: off}, lag_check_interval: 200ms}")
			ctx := context.Background()
			tbl := "frozen_w"
			if d == dialect.MySQL {
				_, err := fp.db.ExecContext(ctx, "CREATE DATABASE fz")
				require.NoError(t, err)
				tbl = "fz.frozen_w"
			}
			// The session keeps its connection to the primary: the write
			// below goes out on it.
			sc, err := fp.db.Conn(ctx)
			require.NoError(t, err)
			defer sc.Close()
			_, err = sc.ExecContext(ctx, "CREATE TABLE "+tbl+" (id INT PRIMARY KEY)")
			require.NoError(t, err)
			fp.primary.Freeze()
			const frozenFor = 8 * time.Second
			thaw := time.AfterFunc(frozenFor, fp.primary.Thaw)
			defer thaw.Stop()
			start := time.Now()
			_, err = sc.ExecContext(ctx, "INSERT INTO "+tbl+" VALUES (1)")
			elapsed := time.Since(start)
			require.Error(t, err)
			t.Logf("the write failed after %s: %v", elapsed, err)
			assert.Less(t, elapsed, frozenFor/2, "the write did not wait for the thaw")
			assert.ErrorIs(t, err, registry.ErrLeftRotation)
			assert.Contains(t, err.Error(), "grant: node main.primary: left rotation while the statement ran")
			assert.Contains(t, err.Error(), "may or may not have taken effect")
			var ne *registry.NodeError
			require.True(t, errors.As(err, &ne))
			assert.Equal(t, "main.primary", ne.Node)
			assert.Equal(t, int64(1), fp.p.Stats().Interrupted)

			start = time.Now()
			_, err = fp.db.ExecContext(ctx, "INSERT INTO "+tbl+" VALUES (2)")
			require.Error(t, err)
			t.Logf("the next write failed after %s: %v", time.Since(start), err)
			assert.Less(t, time.Since(start), frozenFor/2)
			assert.Contains(t, err.Error(), "grant: node main.primary: out of rotation, no answer within 100ms")
		})
	}
}

// TestHealthMarkDownCancelsReads: taking a node out of rotation by hand
// cancels the reads running on it, which are retried on the primary.
func TestHealthMarkDownCancelsReads(t *testing.T) {
	for _, d := range healthDialects {
		t.Run(d.String(), func(t *testing.T) {
			rc := openRT(t, d, rareChecks)
			q := "SELECT SLEEP(0.5), @@server_id"
			if d == dialect.Postgres {
				q = "SELECT pg_sleep(0.5), pg_is_in_recovery()::text"
			}
			probe := replicaProbe(t, rc)
			on, err := probe(context.Background())
			require.NoError(t, err)
			require.True(t, on)
			primaryID := ""
			if d == dialect.MySQL {
				require.NoError(t, rc.rawPrimary.QueryRow("SELECT @@server_id").Scan(&primaryID))
			} else {
				primaryID = "false"
			}
			got := make(chan string, 1)
			go func() {
				var a, b string
				if err := rc.db.QueryRow(q).Scan(&a, &b); err != nil {
					b = err.Error()
				}
				got <- b
			}()
			require.Eventually(t, func() bool { return rc.replica.InFlight() > 0 }, 5*time.Second, time.Millisecond)
			time.Sleep(50 * time.Millisecond)
			rc.c.Registry().MarkDown(rc.replica, errors.New("taken out by the operator"))
			assert.Equal(t, primaryID, <-got, "retried on the primary")
			st := rc.replica.Stats()
			assert.False(t, st.Healthy)
			assert.Equal(t, int64(1), st.Interrupted)
			assert.Equal(t, "taken out by the operator", st.LastError)
		})
	}
}
