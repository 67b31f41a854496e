package grant_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/testenv"
)

// readResult is one read of a read loop.
type readResult struct {
	start     time.Time
	onReplica bool
	err       error
}

// readLoop runs reads on several goroutines until stopped.
type readLoop struct {
	stop    chan struct{}
	wg      sync.WaitGroup
	mu      sync.Mutex
	results []readResult
}

// startReads runs probe in a loop on readers goroutines; probe reports
// whether the read ran on the replica.
func startReads(readers int, probe func(ctx context.Context) (bool, error)) *readLoop {
	l := &readLoop{stop: make(chan struct{})}
	for range readers {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			for {
				select {
				case <-l.stop:
					return
				default:
				}
				r := readResult{start: time.Now()}
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				r.onReplica, r.err = probe(ctx)
				cancel()
				l.mu.Lock()
				l.results = append(l.results, r)
				l.mu.Unlock()
				time.Sleep(2 * time.Millisecond)
			}
		}()
	}
	return l
}

// snapshot returns the results so far.
func (l *readLoop) snapshot() []readResult {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]readResult(nil), l.results...)
}

// end stops the loop and returns every result.
func (l *readLoop) end() []readResult {
	close(l.stop)
	l.wg.Wait()
	return l.snapshot()
}

// replicaProbe returns a read through Grant that reports, from the server
// itself, whether it ran on the replica.
func replicaProbe(t *testing.T, rc *rtCluster) func(ctx context.Context) (bool, error) {
	if rc.d == dialect.Postgres {
		return func(ctx context.Context) (bool, error) {
			var b bool
			err := rc.db.QueryRowContext(ctx, inRecovery).Scan(&b)
			return b, err
		}
	}
	replicaID := scanInt(t, context.Background(), rc.rawReplica, "SELECT @@server_id")
	return func(ctx context.Context) (bool, error) {
		var id int64
		err := rc.db.QueryRowContext(ctx, "SELECT @@server_id").Scan(&id)
		return id == replicaID, err
	}
}

func TestFaultReplicaStop(t *testing.T) {
	for _, tc := range []struct {
		d       dialect.Dialect
		service string
	}{{dialect.Postgres, "pg-replica"}, {dialect.MySQL, "mysql-replica"}} {
		t.Run(tc.service, func(t *testing.T) { faultReplicaStop(t, tc.d, tc.service) })
	}
}

// faultReplicaStop stops the replica under a read loop and restarts it.
//
// What the code guarantees, and the test asserts:
//   - a read that starts after the next health check, at most one interval
//     plus one timeout after the stop, is routed to the primary and
//     succeeds (the replica's DownSince lies within that bound);
//   - a read whose replica fails at the connection level marks it down at
//     once (failures: 1) and is retried on the primary, so the reads that
//     met the stopping replica succeed too (PostgreSQL's FATAL 57P0x
//     shutdown answers included: TestFaultPostgresTerminatedReplicaConnection).
func faultReplicaStop(t *testing.T, d dialect.Dialect, service string) {
	// A timeout well above a connection's set-up under the race detector
	// on two busy cores (PostgreSQL's SCRAM took over 150ms there): the
	// healthy primary must not be taken out by a slow probe.
	const interval, timeout = 600 * time.Millisecond, 500 * time.Millisecond
	rc := openRT(t, d, "health: {interval: 600ms, timeout: 500ms, failures: 1}\nrouting: {read_your_writes: {mode: off}}")
	probe := replicaProbe(t, rc)
	// Start is idempotent: it skips the test without a service control and
	// brings back a replica an interrupted run left stopped. Whatever
	// happens, the replica runs again afterwards for the other tests.
	testenv.ServiceCtl(t, "start", service)
	t.Cleanup(func() { testenv.ServiceCtl(t, "start", service) })

	loop := startReads(4, probe)
	defer func() {
		select {
		case <-loop.stop:
		default:
			loop.end()
		}
	}()
	require.Eventually(t, func() bool {
		for _, r := range loop.snapshot() {
			if r.err == nil && r.onReplica {
				return true
			}
		}
		return false
	}, 5*time.Second, 10*time.Millisecond, "no read reached the replica")

	stopping := time.Now()
	testenv.ServiceCtl(t, "stop", service)
	stopped := time.Now()
	require.Eventually(t, func() bool { return !rc.replica.Healthy() }, interval+timeout+time.Second, 10*time.Millisecond,
		"the stopped replica stayed in rotation")
	const margin = 250 * time.Millisecond
	settled := stopped.Add(interval + timeout + margin)
	require.Eventually(t, func() bool {
		n := 0
		for _, r := range loop.snapshot() {
			if r.start.After(settled) {
				n++
			}
		}
		return n >= 40
	}, 20*time.Second, 10*time.Millisecond, "the read loop stalled")
	results := loop.end()
	var during, after, failedDuring, shutdownErrs, failedAfter, lateOnReplica int
	for _, r := range results {
		switch {
		case r.start.Before(stopping):
		case r.start.After(settled):
			after++
			if r.err != nil {
				failedAfter++
				t.Errorf("a read %s after the stop failed: %v", r.start.Sub(stopped), r.err)
			} else if r.onReplica {
				lateOnReplica++
			}
		default:
			during++
			if r.err != nil {
				t.Logf("a read %s after the stop began failed: %v", r.start.Sub(stopping), r.err)
				if isAdminShutdown(r.err) {
					shutdownErrs++ // see TestFaultPostgresTerminatedReplicaConnection
				} else {
					failedDuring++
				}
			}
		}
	}
	t.Logf("stop took %s; reads while stopping and settling: %d (%d failed, %d with FATAL 57P0x); after: %d (%d failed)",
		stopped.Sub(stopping).Round(time.Millisecond), during, failedDuring+shutdownErrs, shutdownErrs, after, failedAfter)
	require.NotZero(t, after)
	assert.Zero(t, failedAfter, "reads after one health interval all succeed")
	assert.Zero(t, lateOnReplica, "and none of them reached the stopped replica")
	assert.Zero(t, failedDuring, "reads that met the stopping replica at the connection level were retried on the primary")
	st := rc.replica.Stats()
	assert.False(t, st.Healthy)
	assert.NotEmpty(t, st.LastError)
	assert.True(t, st.DownSince.Before(settled), "out of rotation %s after the stop", st.DownSince.Sub(stopped))

	// Restarted, the replica returns to rotation: reads are counted on it
	// again (Stats().Stmts counts only routed statements, not health
	// checks or lag measurements).
	_, down := rc.stmts()
	testenv.ServiceCtl(t, "start", service)
	require.Eventually(t, func() bool {
		onReplica, err := probe(context.Background())
		return err == nil && onReplica && rc.replica.Stats().Healthy
	}, 15*time.Second, 20*time.Millisecond, "the restarted replica never returned to rotation")
	_, up := rc.stmts()
	assert.Greater(t, up, down, "reads counted on the replica again")
	assert.GreaterOrEqual(t, rc.replica.Stats().Transitions, int64(2), "left and rejoined rotation")
}

// isAdminShutdown reports a PostgreSQL FATAL sent to a backend's client
// when the server shuts down or the backend is terminated (SQLSTATE
// 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now).
func isAdminShutdown(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && strings.HasPrefix(pgErr.Code, "57P0")
}
