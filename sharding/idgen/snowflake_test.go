package idgen

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeClock is a settable clock in milliseconds since Epoch.
type fakeClock struct{ ms atomic.Int64 }

func (c *fakeClock) now() int64 { return c.ms.Load() }

func withClock(g *Snowflake, ms int64) *fakeClock {
	c := &fakeClock{}
	c.ms.Store(ms)
	g.clock = c.now
	return c
}

var bg = context.Background()

func TestSnowflakeLayout(t *testing.T) {
	g, err := NewSnowflake(7)
	require.NoError(t, err)
	before := time.Now()
	id, err := g.Next()
	require.NoError(t, err)
	assert.Positive(t, id)
	at, node, seq := Parts(id)
	assert.Equal(t, 7, node)
	assert.Zero(t, seq)
	assert.WithinDuration(t, before, at, time.Second)
	assert.Equal(t, id, Compose(Millis(at), node, seq))
	n, ok := g.Node()
	assert.True(t, ok)
	assert.Equal(t, 7, n)

	for _, bad := range []int{-1, MaxNode + 1} {
		_, err := NewSnowflake(bad)
		assert.Error(t, err, "node %d", bad)
	}
}

func TestSnowflakeBatches(t *testing.T) {
	g, _ := NewSnowflake(3)
	c := withClock(g, 1000)
	one := make([]int64, 10)
	require.NoError(t, g.Fill(bg, one, nil))
	assert.True(t, consecutive(one), "a batch is consecutive")
	full := make([]int64, MaxBatch)
	require.NoError(t, g.Fill(bg, full, nil))
	assert.True(t, consecutive(full), "a batch of MaxBatch is consecutive: it borrows the next millisecond")
	assert.Greater(t, full[0], one[9])
	at, _, _ := Parts(full[0])
	assert.Equal(t, int64(1001), Millis(at))

	c.ms.Store(2000)
	big := make([]int64, 3*MaxBatch+5)
	require.NoError(t, g.Fill(bg, big, nil))
	assert.True(t, slices.IsSorted(big), "a larger batch increases")
	assert.True(t, consecutive(big[:MaxBatch]), "in runs of MaxBatch")
	assert.Len(t, slices.Compact(slices.Clone(big)), len(big))
}

func TestSnowflakeClockBack(t *testing.T) {
	g, _ := NewSnowflake(1)
	c := withClock(g, 5000)
	first, err := g.Next()
	require.NoError(t, err)
	// A small step back: the generator waits for its clock, which a
	// helper moves on meanwhile.
	c.ms.Store(4990)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for c.now() < 5001 {
			time.Sleep(time.Millisecond)
			c.ms.Add(1)
		}
	}()
	second, err := g.Next()
	require.NoError(t, err)
	<-done
	assert.Greater(t, second, first)

	// A large step back is refused until the clock catches up.
	c.ms.Store(5001 - 2*MaxClockWait.Milliseconds())
	_, err = g.Next()
	assert.ErrorIs(t, err, ErrClockBack)
	var ce *ClockError
	require.ErrorAs(t, err, &ce)
	assert.GreaterOrEqual(t, ce.Behind, MaxClockWait)
	c.ms.Store(6000)
	third, err := g.Next()
	require.NoError(t, err)
	assert.Greater(t, third, second)
}

func TestSnowflakeWaitEndsWithContext(t *testing.T) {
	g, _ := NewSnowflake(1)
	c := withClock(g, 5000)
	_, err := g.Next()
	require.NoError(t, err)
	c.ms.Store(5000 - 500) // frozen half a second behind
	ctx, cancel := context.WithTimeout(bg, 20*time.Millisecond)
	defer cancel()
	err = g.Fill(ctx, make([]int64, 1), nil)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestSnowflakeConcurrent(t *testing.T) {
	g, _ := NewSnowflake(9)
	const workers, each = 8, 2000
	out := make([][]int64, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				ids := make([]int64, 1+i%3)
				if err := g.Fill(bg, ids, nil); err != nil {
					t.Error(err)
					return
				}
				out[w] = append(out[w], ids...)
			}
		})
	}
	wg.Wait()
	var all []int64
	for _, ids := range out {
		assert.True(t, slices.IsSorted(ids), "each caller sees increasing ids")
		all = append(all, ids...)
	}
	slices.Sort(all)
	assert.Len(t, slices.Compact(all), len(all), "no id twice")
}

func TestSnowflakeLeases(t *testing.T) {
	st := &MemoryStore{}
	a, b := NewLeasedSnowflake("orders"), NewLeasedSnowflake("orders")
	ca, cb := withClock(a, 10_000), withClock(b, 10_000)
	_, ok := a.Node()
	assert.False(t, ok, "no node before the first id")
	_, err := a.Next()
	assert.Error(t, err, "a leased generator needs a store")

	var ids []int64
	fill := func(g *Snowflake, n int) {
		buf := make([]int64, n)
		require.NoError(t, g.Fill(bg, buf, st))
		ids = append(ids, buf...)
	}
	fill(a, 3)
	fill(b, 3)
	na, _ := a.Node()
	nb, _ := b.Node()
	assert.NotEqual(t, na, nb, "two generators lease two nodes")

	// a renews while it is used: its lease moves with its clock.
	ca.ms.Add(LeaseDuration.Milliseconds() * 3 / 4)
	fill(a, 1)
	fill(a, 1)
	assert.Greater(t, a.lease.Until, 10_000+LeaseDuration.Milliseconds()*3/2)

	// b pauses long enough for its lease to lapse; a third generator
	// takes b's node, with timestamps after b's range.
	c := NewLeasedSnowflake("orders")
	cc := withClock(c, cb.now()+3*LeaseDuration.Milliseconds())
	ca.ms.Store(cc.now())
	fill(a, 1)
	fill(c, 2)
	nc, _ := c.Node()
	assert.Equal(t, nb, nc, "the lapsed node is leased again")
	assert.Greater(t, c.lease.From, b.lease.Until)
	// b wakes up with its old clock: it makes ids in its old range, then
	// finds its lease gone and takes another node.
	fill(b, 2)
	cb.ms.Store(b.lease.Until + 1)
	fill(b, 2)
	nb2, _ := b.Node()
	assert.NotEqual(t, nb, nb2, "b moved to a free node")
	slices.Sort(ids)
	assert.Len(t, slices.Compact(ids), len(ids), "no id twice across the three generators")

	// Another table has nodes of its own.
	d := NewLeasedSnowflake("users")
	withClock(d, 10_000)
	fill(d, 1)
	nd, _ := d.Node()
	assert.Zero(t, nd)
}

func TestSnowflakeNoFreeNode(t *testing.T) {
	st := &MemoryStore{}
	for range MaxNode + 1 {
		g := NewLeasedSnowflake("t")
		withClock(g, 1)
		require.NoError(t, g.Fill(bg, make([]int64, 1), st))
	}
	g := NewLeasedSnowflake("t")
	withClock(g, 1)
	assert.ErrorIs(t, g.Fill(bg, make([]int64, 1), st), ErrNoNode)
}

// consecutive reports whether ids are n, n+1, ...
func consecutive(ids []int64) bool {
	for i := range ids {
		if ids[i] != ids[0]+int64(i) {
			return false
		}
	}
	return true
}
