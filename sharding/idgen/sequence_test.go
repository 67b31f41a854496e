package idgen

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// countingStore counts the blocks taken.
type countingStore struct {
	MemoryStore
	mu     sync.Mutex
	blocks []int64
	fail   error
	delay  time.Duration
}

func (c *countingStore) TakeBlock(ctx context.Context, name string, n, start int64) (int64, error) {
	c.mu.Lock()
	c.blocks = append(c.blocks, n)
	fail, delay := c.fail, c.delay
	c.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
	if fail != nil {
		return 0, fail
	}
	return c.MemoryStore.TakeBlock(ctx, name, n, start)
}

func TestSequenceBlocks(t *testing.T) {
	st := &countingStore{}
	s := NewSequence("orders", 10, 100)
	assert.Equal(t, "orders", s.Name())
	assert.Equal(t, int64(100), s.Start())
	var got []int64
	for _, n := range []int{1, 3, 4, 5, 25, 1} {
		ids := make([]int64, n)
		require.NoError(t, s.Fill(bg, ids, st))
		assert.True(t, consecutive(ids), "%d ids are consecutive", n)
		got = append(got, ids...)
	}
	assert.True(t, slices.IsSorted(got))
	assert.Equal(t, int64(100), got[0], "the counter starts at start")
	// 1+3+4 from the first block; 5 does not fit in its 2 left: a new
	// block; 25 gets a block of its own size; 1 a new block.
	assert.Equal(t, []int64{10, 10, 25, 10}, st.blocks)
	assert.Equal(t, []int64{100, 101, 102, 103, 104, 105, 106, 107, 110}, got[:9])

	// Defaults.
	d := NewSequence("x", 0, 0)
	ids := make([]int64, 2)
	require.NoError(t, d.Fill(bg, ids, st))
	assert.Equal(t, []int64{1, 2}, ids)
	assert.Equal(t, int64(DefaultCache), st.blocks[len(st.blocks)-1])
	require.NoError(t, d.Fill(bg, nil, st))
}

func TestSequenceTwoProcesses(t *testing.T) {
	st := &MemoryStore{} // the counter both share
	a, b := NewSequence("orders", 50, 1), NewSequence("orders", 7, 1)
	var mu sync.Mutex
	var all []int64
	var wg sync.WaitGroup
	for w := range 8 {
		s := a
		if w%2 == 1 {
			s = b
		}
		wg.Go(func() {
			for i := range 300 {
				ids := make([]int64, 1+i%4)
				if err := s.Fill(bg, ids, st); err != nil {
					t.Error(err)
					return
				}
				if !consecutive(ids) {
					t.Errorf("not consecutive: %v", ids)
				}
				mu.Lock()
				all = append(all, ids...)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	slices.Sort(all)
	assert.Len(t, slices.Compact(all), len(all), "no id twice")
}

func TestSequenceErrors(t *testing.T) {
	boom := errors.New("boom")
	st := &countingStore{fail: boom}
	s := NewSequence("orders", 10, 1)
	err := s.Fill(bg, make([]int64, 1), st)
	assert.ErrorIs(t, err, boom)
	assert.Contains(t, err.Error(), "sequence orders")

	// A waiter gives up with its context while another takes a block.
	st = &countingStore{delay: 200 * time.Millisecond}
	go func() { _ = s.Fill(bg, make([]int64, 1), st) }()
	time.Sleep(20 * time.Millisecond)
	ctx, cancel := context.WithTimeout(bg, 20*time.Millisecond)
	defer cancel()
	assert.ErrorIs(t, s.Fill(ctx, make([]int64, 1), st), context.DeadlineExceeded)
}

func TestReady(t *testing.T) {
	st := &MemoryStore{}
	s := NewSequence("t", 3, 1)
	assert.False(t, s.Ready(1), "no block yet")
	require.NoError(t, s.Fill(bg, make([]int64, 1), st))
	assert.True(t, s.Ready(2))
	assert.False(t, s.Ready(3))

	g, _ := NewSnowflake(1)
	assert.True(t, g.Ready(), "a configured node needs no lease")
	l := NewLeasedSnowflake("t")
	assert.False(t, l.Ready())
	require.NoError(t, l.Fill(bg, make([]int64, 1), st))
	assert.True(t, l.Ready())
}
