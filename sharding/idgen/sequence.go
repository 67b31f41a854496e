package idgen

import (
	"context"
	"fmt"
)

// DefaultCache is the block size of a sequence configured without one.
const DefaultCache = 10000

// Sequence hands out consecutive ids from blocks of a counter (see the
// package documentation).
type Sequence struct {
	name         string
	cache, start int64
	// mu is a lock that a waiter can give up on (its context ends).
	mu        chan struct{}
	next, end int64 // the unused part of the current block
}

// NewSequence returns the sequence of table name, taking blocks of cache
// ids (DefaultCache for 0 or less) from a counter starting at start (1 for
// 0 or less).
func NewSequence(name string, cache, start int64) *Sequence {
	if cache <= 0 {
		cache = DefaultCache
	}
	if start <= 0 {
		start = 1
	}
	return &Sequence{name: name, cache: cache, start: start, mu: make(chan struct{}, 1)}
}

// Name returns the name of the sequence's counter.
func (s *Sequence) Name() string { return s.name }

// Start returns the first id of a new counter.
func (s *Sequence) Start() int64 { return s.start }

// Ready reports whether a Fill of n ids would need no new block: a hint,
// since another caller may take the ids first.
func (s *Sequence) Ready(n int) bool {
	select {
	case s.mu <- struct{}{}:
	default:
		return false // someone holds the lock, perhaps taking a block
	}
	ok := s.end-s.next >= int64(n)
	<-s.mu
	return ok
}

// Fill fills ids with consecutive ids, taking a new block from st when the
// current one has too few left (its rest is skipped).
func (s *Sequence) Fill(ctx context.Context, ids []int64, st Store) error {
	n := int64(len(ids))
	if n == 0 {
		return nil
	}
	select {
	case s.mu <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-s.mu }()
	if s.end-s.next < n {
		size := max(s.cache, n)
		first, err := st.TakeBlock(ctx, s.name, size, s.start)
		if err != nil {
			return fmt.Errorf("idgen: taking %d ids of sequence %s: %w", size, s.name, err)
		}
		s.next, s.end = first, first+size
	}
	for i := range ids {
		ids[i] = s.next + int64(i)
	}
	s.next += n
	return nil
}
