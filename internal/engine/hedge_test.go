package engine

import (
	"context"
	"database/sql/driver"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/routing"
	"github.com/grantsql/grant/routing/routecfg"
)

const slowRead = "SELECT slow FROM t"

// hedgeCluster is fakeCluster(replicas, "main") with routing.hedge_after.
func hedgeCluster(replicas int, after time.Duration) *config.Cluster {
	cfg := fakeCluster(replicas, "main")
	cfg.Routing.HedgeAfter = routecfg.Duration(after)
	cfg.Routing.ReadYourWrites.Mode = routecfg.RYWOff
	return cfg
}

// query runs q on s and returns its rows, read and closed.
func query(t *testing.T, s *Session, ctx context.Context, q string) ([][]driver.Value, error) {
	t.Helper()
	rows, err := s.Query(ctx, q, nil, false)
	if err != nil {
		return nil, err
	}
	return drain(t, rows), nil
}

// A read its replica does not answer within hedge_after is sent to the
// primary too (the only other node); the primary's answer wins, and the
// replica's attempt is cancelled and its connection given back.
func TestHedgeToPrimary(t *testing.T) {
	h := newHarness(t, hedgeCluster(1, 20*time.Millisecond))
	h.db("main.r0").Hang(slowRead)
	s := h.session()
	start := time.Now()
	got, err := query(t, s, bg, slowRead)
	require.NoError(t, err)
	assert.Len(t, got, 2)
	assert.GreaterOrEqual(t, time.Since(start), 20*time.Millisecond, "the replica had its chance")
	assert.Equal(t, 1, h.db("main").Count("conn.query"), "answered by the primary")
	main := h.e.reg.Default()
	assert.Equal(t, int64(1), main.Primary.Stats().Hedges)
	assert.Equal(t, int64(1), main.Primary.Stats().HedgeWins)
	assert.True(t, main.Replicas[0].Healthy(), "a slow answer is no failure")
	require.True(t, s.Release())
	require.Eventually(t, func() bool { return main.Replicas[0].InFlight() == 0 }, time.Second, time.Millisecond,
		"the replica's attempt ended")
	h.idle()
}

// With another replica in rotation the hedge goes there, not to the
// primary.
func TestHedgeToAnotherReplica(t *testing.T) {
	h := newHarness(t, hedgeCluster(2, 10*time.Millisecond))
	h.db("main.r0").Hang(slowRead)
	h.db("main.r1").Hang(slowRead)
	s := h.session()
	// Round robin sends the first read to r0, the hedge to r1: neither
	// answers until the caller's deadline.
	ctx, cancel := context.WithTimeout(bg, 100*time.Millisecond)
	defer cancel()
	_, err := query(t, s, ctx, slowRead)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Zero(t, h.db("main").Count("conn.query"), "the primary was left alone")
	assert.Equal(t, 1, h.db("main.r0").Count("conn.query"), "the first attempt")
	assert.Equal(t, 1, h.db("main.r1").Count("conn.query"), "the hedge")
	require.True(t, s.Release())
	h.idle()

	h.db("main.r1").ClearFaults()
	for range 4 {
		got, err := query(t, s, bg, slowRead)
		require.NoError(t, err)
		assert.Len(t, got, 2)
	}
	assert.Zero(t, h.db("main").Count("conn.query"))
	require.True(t, s.Release())
	h.idle()
}

// A read that answers in time is not hedged; nor is a read outside the
// replicas (ForcePrimary), nor a write, nor a read in a transaction.
func TestHedgeOnlySlowPlainReads(t *testing.T) {
	h := newHarness(t, hedgeCluster(1, 10*time.Millisecond))
	s := h.session()
	_, err := query(t, s, bg, "SELECT fast FROM t")
	require.NoError(t, err)
	assert.Zero(t, h.db("main").Count("conn.query"), "no hedge of a read that answered")

	h.db("main").Hang("UPDATE t SET slow = 1")
	ctx, cancel := context.WithTimeout(bg, 60*time.Millisecond)
	defer cancel()
	_, err = s.Exec(ctx, "UPDATE t SET slow = 1", nil, false)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Zero(t, h.db("main.r0").Count("conn.exec"), "a write is never hedged")
	require.True(t, s.Release())

	h.db("main").Hang(slowRead)
	onReplica := h.db("main.r0").Count("conn.query")
	ctx, cancel = context.WithTimeout(routing.ForcePrimary(bg), 60*time.Millisecond)
	defer cancel()
	_, err = query(t, s, ctx, slowRead)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, onReplica, h.db("main.r0").Count("conn.query"), "a read on the primary is not hedged")
	require.True(t, s.Release())

	h.db("main.r0").Hang(slowRead)
	before := h.db("main.r0").Count("conn.query")
	tx, err := s.Begin(bg, driver.TxOptions{ReadOnly: true})
	require.NoError(t, err)
	ctx, cancel = context.WithTimeout(bg, 60*time.Millisecond)
	defer cancel()
	_, err = query(t, s, ctx, slowRead)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.NoError(t, tx.Rollback())
	assert.Equal(t, before, h.db("main.r0").Count("conn.query"), "a read in a transaction is not hedged")
	require.True(t, s.Release())
	h.idle()
}

// Under ForceReplica with one replica there is nowhere to hedge to: the
// read waits for its replica.
func TestHedgeForcedReplicaStays(t *testing.T) {
	h := newHarness(t, hedgeCluster(1, 10*time.Millisecond))
	h.db("main.r0").Hang(slowRead)
	s := h.session()
	ctx, cancel := context.WithTimeout(routing.ForceReplica(bg), 60*time.Millisecond)
	defer cancel()
	_, err := query(t, s, ctx, slowRead)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Zero(t, h.db("main").Count("conn.query"))
	require.True(t, s.Release())
	h.idle()
}

// When the first attempt fails after the hedge began, the hedge's answer
// is the read's; when both fail, the read is retried as any failed read.
func TestHedgeFirstFails(t *testing.T) {
	h := newHarness(t, hedgeCluster(1, 5*time.Millisecond))
	r0 := h.db("main.r0")
	r0.FailWith(func(ev fakeEvent) error {
		if ev.Op == "conn.query" {
			time.Sleep(30 * time.Millisecond) // past hedge_after
			return errors.New("replica lost its mind")
		}
		return nil
	})
	h.db("main").Hang(slowRead)
	s := h.session()
	ctx, cancel := context.WithTimeout(bg, 100*time.Millisecond)
	defer cancel()
	_, err := query(t, s, ctx, slowRead)
	require.Error(t, err, "both failed: the replica's own error, not retried")
	assert.ErrorContains(t, err, "replica lost its mind")
	require.True(t, s.Release())

	h.db("main").ClearFaults()
	got, err := query(t, s, bg, slowRead)
	require.NoError(t, err, "the primary's answer")
	assert.Len(t, got, 2)
	require.True(t, s.Release())
	h.idle()
}
