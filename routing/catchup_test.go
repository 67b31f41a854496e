package routing

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/registry"
	"github.com/grantsql/grant/routing/routecfg"
)

// fakeCheck stands for a replica's on-demand check: it reports pos, or
// fails with err; with a gate, each check first waits for it.
type fakeCheck struct {
	mu    sync.Mutex
	pos   Position
	err   error
	gate  chan struct{}
	calls atomic.Int64
}

func (c *fakeCheck) check(ctx context.Context, _ *registry.Node, _ Position, _ time.Duration) (Position, error) {
	c.calls.Add(1)
	if c.gate != nil {
		select {
		case <-c.gate:
		case <-ctx.Done():
			return Position{}, ctx.Err()
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.pos, c.err
}

func (c *fakeCheck) set(p Position) {
	c.mu.Lock()
	c.pos = p
	c.mu.Unlock()
}

// catchUpFixture is a causal router over one replica measured at 0/1000,
// with max_wait wait, whose checks fakeCheck answers, and a session that
// wrote at 0/2000: reads of the session find the replica behind.
func catchUpFixture(t *testing.T, wait time.Duration) (*fixture, *fakeCheck, Input) {
	cfg := Config{ReadYourWrites: routecfg.ReadYourWrites{Mode: routecfg.RYWCausal, MaxWait: routecfg.NewDuration(wait)}}
	f := newFixture(t, cfg, 1)
	c := &fakeCheck{pos: lsn("0/1000")}
	f.r.catchUp.check = c.check
	f.at(0, lsn("0/1000"))
	in := Input{DB: f.main, Overrides: FromContext(WithSession(context.Background(), NewSession()))}
	f.r.Wrote(in, lsn("0/2000"))
	return f, c, in
}

func TestCatchUpFindsTheReplica(t *testing.T) {
	f, c, in := catchUpFixture(t, time.Second)
	rt := f.mustRoute("SELECT 1", in)
	assert.Same(t, f.main.Primary, rt.Node)
	assert.Equal(t, ReasonBehind, rt.Reason)
	assert.True(t, rt.CatchUp, "the replica may have caught up since its measurement")

	c.set(lsn("0/2000"))
	got := f.r.CatchUp(context.Background(), in, rt)
	assert.Same(t, f.replica(0), got.Node)
	assert.Equal(t, ReasonCaughtUp, got.Reason)
	assert.Equal(t, "select", got.Kind)
	assert.EqualValues(t, 1, c.calls.Load())

	// The check recorded the position: the next read goes there at once.
	rt = f.mustRoute("SELECT 1", in)
	assert.Same(t, f.replica(0), rt.Node)
	assert.Equal(t, ReasonRead, rt.Reason)
	assert.Equal(t, "pg:0/2000", f.r.State().Info(f.replica(0)).Position.String())
	assert.Equal(t, CatchUpStats{Reads: 1, CaughtUp: 1, Flights: 1, Checks: 1}, f.r.CatchUpStats())
}

func TestCatchUpGivesUpAfterMaxWait(t *testing.T) {
	f, c, in := catchUpFixture(t, 20*time.Millisecond)
	rt := f.mustRoute("SELECT 1", in)
	got := f.r.CatchUp(context.Background(), in, rt)
	assert.Equal(t, rt, got, "still behind: the primary")
	assert.GreaterOrEqual(t, c.calls.Load(), int64(1))
	st := f.r.CatchUpStats()
	assert.EqualValues(t, 1, st.Reads)
	assert.Zero(t, st.CaughtUp)
	assert.Zero(t, st.Errors)
}

func TestCatchUpSharesOneCheck(t *testing.T) {
	f, c, in := catchUpFixture(t, time.Second)
	c.gate = make(chan struct{})
	rt := f.mustRoute("SELECT 1", in)
	// Readers of other sessions need other positions, all at or before
	// what the replica will report.
	const readers = 12
	got := make([]Route, readers)
	var wg sync.WaitGroup
	for i := range readers {
		rin := in
		if i%2 == 1 {
			s := NewSession()
			rin.Overrides = FromContext(WithSession(context.Background(), s))
			f.r.Wrote(rin, lsn("0/1800"))
		}
		wg.Go(func() { got[i] = f.r.CatchUp(context.Background(), rin, rt) })
	}
	w := f.r.route("").replicas[0].watch
	require.Eventually(t, func() bool {
		w.mu.Lock()
		defer w.mu.Unlock()
		return len(w.waiters) == readers
	}, 5*time.Second, time.Millisecond, "the readers never all waited")
	c.set(lsn("0/2000"))
	close(c.gate)
	wg.Wait()
	for i, rt := range got {
		assert.Same(t, f.replica(0), rt.Node, "reader %d", i)
	}
	assert.EqualValues(t, 1, c.calls.Load(), "one check for every waiting read")
	st := f.r.CatchUpStats()
	assert.Equal(t, CatchUpStats{Reads: readers, CaughtUp: readers, Flights: 1, Checks: 1}, st)
}

func TestCatchUpFailedCheck(t *testing.T) {
	f, c, in := catchUpFixture(t, time.Second)
	c.err = errors.New("connection refused")
	rt := f.mustRoute("SELECT 1", in)
	start := time.Now()
	assert.Equal(t, rt, f.r.CatchUp(context.Background(), in, rt))
	assert.Less(t, time.Since(start), time.Second, "a failed check ends the wait")
	assert.EqualValues(t, 1, f.r.CatchUpStats().Errors)
	// Within lag_check_interval the replica is not checked again.
	assert.Equal(t, rt, f.r.CatchUp(context.Background(), in, rt))
	assert.EqualValues(t, 1, c.calls.Load())
	assert.True(t, f.replica(0).Healthy(), "a failed check says nothing of health")
}

func TestCatchUpEndsWithTheContext(t *testing.T) {
	f, c, in := catchUpFixture(t, time.Second)
	c.gate = make(chan struct{})
	defer close(c.gate)
	rt := f.mustRoute("SELECT 1", in)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan Route)
	go func() { done <- f.r.CatchUp(ctx, in, rt) }()
	require.Eventually(t, func() bool { return c.calls.Load() == 1 }, 5*time.Second, time.Millisecond)
	cancel()
	assert.Equal(t, rt, <-done)
}

func TestCatchUpOnlyWhenAsked(t *testing.T) {
	// max_wait 0: Decide does not ask, and CatchUp does nothing.
	f, c, in := catchUpFixture(t, 0)
	rt := f.mustRoute("SELECT 1", in)
	assert.Equal(t, ReasonBehind, rt.Reason)
	assert.False(t, rt.CatchUp)
	assert.Equal(t, rt, f.r.CatchUp(context.Background(), in, rt))
	forced := rt
	forced.CatchUp = true
	assert.Equal(t, forced, f.r.CatchUp(context.Background(), in, forced))
	assert.Zero(t, c.calls.Load())

	// Other routes never ask.
	g, c2, gin := catchUpFixture(t, time.Second)
	for _, q := range []string{"UPDATE t SET a = 1", "SELECT 1 FOR UPDATE"} {
		assert.False(t, g.mustRoute(q, gin).CatchUp, q)
	}
	assert.False(t, g.mustRoute("SELECT 1", Input{DB: g.other}).CatchUp, "nothing written there")
	// Window mode never asks.
	w := newFixture(t, Config{}, 1)
	w.r.Wrote(Input{DB: w.main}, Position{})
	assert.False(t, w.mustRoute("SELECT 1", Input{}).CatchUp)

	// A token's position of another kind of server is not checked.
	tok := NewSession()
	tok.note("main", 1, gtid("0-1-5"))
	tin := Input{DB: g.main, Overrides: FromContext(WithToken(context.Background(), tok.Token()))}
	rt = g.mustRoute("SELECT 1", tin)
	assert.Equal(t, rt, g.r.CatchUp(context.Background(), tin, rt))
	assert.Zero(t, c2.calls.Load())
}

func TestDecideBehindAllocatesNothing(t *testing.T) {
	f, _, in := catchUpFixture(t, time.Second)
	read := st("SELECT 1")
	allocs := testing.AllocsPerRun(1000, func() {
		if rt, err := f.r.Decide(read, in); err != nil || !rt.CatchUp {
			t.Fatal(rt, err)
		}
	})
	assert.Zero(t, allocs)
}
