package grant_test

import (
	"bytes"
	"context"
	"database/sql"
	"log/slog"
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
)

// TestFaultPostgresTerminatedReplicaConnection: a replica backend that is
// terminated (what a fast shutdown does to every backend) answers the next
// query on its connection with FATAL 57P01. A read is idempotent and the
// connection is gone, so the read should be retried on the primary, as it
// is for a refused or reset connection.
func TestFaultPostgresTerminatedReplicaConnection(t *testing.T) {
	ctx := context.Background()
	rc := openRT(t, dialect.Postgres, "pool: {max_open: 1}\nhealth: {disabled: true}\n"+
		"routing: {read_your_writes: {mode: off}, lag_check_interval: 1h}")
	// pg_backend_pid() pins the session to the primary: find the replica
	// backend of Grant's pooled connection by its client port instead.
	port := scanInt(t, ctx, rc.db, "SELECT inet_client_port()")
	require.True(t, scanBool(t, ctx, rc.db, inRecovery), "on the replica")
	pid := scanInt(t, ctx, rc.rawReplica, "SELECT pid FROM pg_stat_activity WHERE client_port = $1", port)
	var ok bool
	require.NoError(t, rc.rawReplica.QueryRow("SELECT pg_terminate_backend($1)", pid).Scan(&ok))
	require.True(t, ok)
	require.Eventually(t, func() bool {
		var n int
		return rc.rawReplica.QueryRow("SELECT count(*) FROM pg_stat_activity WHERE pid = $1", pid).Scan(&n) == nil && n == 0
	}, 5*time.Second, 2*time.Millisecond)

	var b bool
	err := rc.db.QueryRowContext(ctx, inRecovery).Scan(&b)
	assert.NoError(t, err, "a read whose replica connection was terminated is retried")
	assert.False(t, b, "on the primary")
	assert.NotZero(t, rc.replica.Stats().Errors)

	// A read in flight when its backend is terminated (as in a fast
	// shutdown) gets the same answer.
	const slow = "SELECT pg_sleep(2)::text || pg_is_in_recovery()::text"
	got := make(chan string, 1)
	go func() {
		var s string
		if err := rc.db.QueryRowContext(ctx, slow).Scan(&s); err != nil {
			s = err.Error()
		}
		got <- s
	}()
	require.Eventually(t, func() bool {
		err := rc.rawReplica.QueryRow("SELECT pid FROM pg_stat_activity WHERE query = $1", slow).Scan(&pid)
		return err == nil
	}, 5*time.Second, 5*time.Millisecond)
	require.NoError(t, rc.rawReplica.QueryRow("SELECT pg_terminate_backend($1)", pid).Scan(&ok))
	assert.Equal(t, "false", <-got, "the read is retried on the primary")
}

// TestFaultDeadReplicaRead: a read routed to a replica that refuses
// connections is retried on the primary, and the replica leaves rotation
// without waiting for a health check (they are disabled here): failures: 1
// counts failed reads too.
func TestFaultDeadReplicaRead(t *testing.T) {
	ctx := context.Background()
	var logs lockedBuffer
	cfg := &grant.Config{Dialect: dialect.Postgres, Health: config.Health{Disabled: true, Failures: 1},
		Databases: map[string]*config.Database{"main": {Primary: testenv.PostgresDSN(t),
			Replicas: []string{"postgres://grant_app:s3cret@127.0.0.1:1/grant_test?sslmode=disable&connect_timeout=1"}}}}
	c, err := grant.NewConnector(cfg, grant.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	require.NoError(t, err)
	db := sql.OpenDB(c)
	t.Cleanup(func() { db.Close() })
	replica := c.Registry().Default().Replicas[0]

	require.Same(t, replica, mustRoute(t, c, inRecovery), "routed to the replica")
	var b bool
	require.NoError(t, db.QueryRowContext(ctx, inRecovery).Scan(&b), "retried on the primary")
	assert.False(t, b)
	st := replica.Stats()
	assert.False(t, st.Healthy, "out of rotation at once")
	assert.Contains(t, st.LastError, "127.0.0.1:1")
	assert.NotContains(t, st.LastError, "s3cret")
	assert.NotSame(t, replica, mustRoute(t, c, inRecovery))

	t.Run("logged", func(t *testing.T) {
		assert.Contains(t, logs.String(), "node out of rotation")
	})
}

func mustRoute(t *testing.T, c *grant.Connector, q string) *registry.Node {
	t.Helper()
	rt, err := c.Router().Explain(context.Background(), q)
	require.NoError(t, err)
	return rt.Node
}

// lockedBuffer is a bytes.Buffer safe for the connector's goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
