package registry_test

import (
	"context"
	"database/sql/driver"
	"errors"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/registry"
)

// poolState is the part of a node's Stats that Acquire, Release and
// Discard change.
type poolState struct {
	InFlight, Stmts, Errors  int64
	Open, InUse, Idle        int
	Connects, CountersErrors int64
}

func stateOf(n *registry.Node) poolState {
	s := n.Stats()
	return poolState{
		InFlight: s.InFlight, Stmts: s.Stmts, Errors: s.Errors,
		Open: s.Pool.OpenConnections, InUse: s.Pool.InUse, Idle: s.Pool.Idle,
		Connects: s.Counters.Connects, CountersErrors: s.Counters.Errors,
	}
}

func TestStatsAcrossAcquireReleaseDiscard(t *testing.T) {
	cfg := fakeConfig()
	cfg.Pool = config.Pool{MaxOpen: 2, MaxIdle: 2}
	reg, fake := openFake(t, cfg, registry.Options{Counters: true})
	n := primary(reg)
	db := fake.DB(primaryDSN)
	assert.Equal(t, poolState{}, stateOf(n), "opening does no I/O")

	c1 := acquire(t, n)
	assert.True(t, c1.Held())
	assert.Equal(t, poolState{InFlight: 1, Stmts: 1, Open: 1, InUse: 1, Connects: 1}, stateOf(n))
	c2 := acquire(t, n)
	assert.Equal(t, poolState{InFlight: 2, Stmts: 2, Open: 2, InUse: 2, Connects: 2}, stateOf(n))

	c1.Release(nil)
	assert.False(t, c1.Held())
	c1.Release(nil) // a second Release does nothing
	assert.Equal(t, poolState{InFlight: 1, Stmts: 2, Open: 2, InUse: 1, Idle: 1, Connects: 2}, stateOf(n))

	// A statement's error counts against the node; the connection is kept.
	c2.Release(&mysql.MySQLError{Number: 1062, Message: "Duplicate entry"})
	assert.Equal(t, poolState{Stmts: 2, Errors: 1, Open: 2, Idle: 2, Connects: 2}, stateOf(n))
	assert.Zero(t, db.Count("conn.close"))

	// A connection error also discards the connection.
	c3 := acquire(t, n)
	c3.Release(driver.ErrBadConn)
	assert.Equal(t, poolState{Stmts: 3, Errors: 2, Open: 1, Idle: 1, Connects: 2}, stateOf(n))
	assert.Equal(t, 1, db.Count("conn.close"))

	// Discard closes the connection without counting an error.
	c4 := acquire(t, n)
	c4.Discard()
	assert.False(t, c4.Held())
	c4.Discard()
	assert.Equal(t, poolState{Stmts: 4, Errors: 2, Connects: 2}, stateOf(n))
	assert.Equal(t, 2, db.Count("conn.close"))

	// Only the primary was used.
	stats := reg.Stats()
	require.Len(t, stats, 2)
	assert.Equal(t, "main.primary", stats[0].Name)
	assert.Equal(t, "main.replicas[0]", stats[1].Name)
	assert.Equal(t, "replica", stats[1].Role)
	assert.Zero(t, stats[1].Stmts)
	assert.Zero(t, stats[1].Pool.OpenConnections)
	assert.Zero(t, fake.DB(replicaDSN).Conns())
}

func TestStatsNameTheNodeAndMaskItsPassword(t *testing.T) {
	reg, _ := openFake(t, nil, registry.Options{})
	s := primary(reg).Stats()
	assert.Equal(t, "main.primary", s.Name)
	assert.Equal(t, "main", s.Database)
	assert.Equal(t, "primary", s.Role)
	assert.Equal(t, "postgres://app:xxxxx@main-db/main", s.DSN)
	assert.True(t, s.Healthy)
	assert.Nil(t, s.Counters, "no Counters unless Options.Counters")
}

func TestAcquireConnectFailureCountsAnError(t *testing.T) {
	reg, fake := openFake(t, nil, registry.Options{Counters: true})
	n := primary(reg)
	fake.DB(primaryDSN).FailConnect(errors.New("dial " + primaryDSN + ": connection refused"))
	var c registry.Conn
	err := n.Acquire(context.Background(), &c)
	var ne *registry.NodeError
	require.ErrorAs(t, err, &ne)
	assert.Equal(t, "main.primary", ne.Node)
	assert.NotContains(t, err.Error(), password)
	assert.False(t, c.Held())
	s := stateOf(n)
	assert.Equal(t, int64(1), s.Errors)
	assert.Zero(t, s.InFlight)
	assert.Zero(t, s.Stmts)
	assert.Equal(t, int64(1), s.CountersErrors, "the interceptor saw the failed connect")
}

// TestAcquireWaitEndedByContext: a capped pool whose only connection is
// held makes Acquire wait; a context that ends then is the caller's
// business, not a failure of the node.
func TestAcquireWaitEndedByContext(t *testing.T) {
	cfg := fakeConfig()
	cfg.Pool = config.Pool{MaxOpen: 1}
	reg, _ := openFake(t, cfg, registry.Options{})
	n := primary(reg)
	held := acquire(t, n)
	defer held.Release(nil)

	for name, want := range map[string]error{"deadline": context.DeadlineExceeded, "cancel": context.Canceled} {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
			defer cancel()
			if want == context.Canceled {
				go func() {
					time.Sleep(5 * time.Millisecond)
					cancel()
				}()
			}
			var c registry.Conn
			err := n.Acquire(ctx, &c)
			require.ErrorIs(t, err, want)
			assert.False(t, c.Held())
			s := n.Stats()
			assert.Zero(t, s.Errors, "the wait was the caller's")
			assert.Equal(t, int64(1), s.InFlight)
			assert.Equal(t, int64(1), s.Stmts)
			assert.Positive(t, s.Pool.WaitCount)
		})
	}
}
