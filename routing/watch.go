package routing

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/grantsql/grant/registry"
)

const (
	// checkEvery is the least time between the first two checks of one
	// replica, doubling from there up to checkEveryMax: PostgreSQL has no
	// server-side wait for a replayed position before version 17, so a
	// check is a poll; a replica on the same network usually replays a
	// commit within a few hundred microseconds.
	checkEvery    = 250 * time.Microsecond
	checkEveryMax = 2 * time.Millisecond
	// checkSlice bounds one server-side wait (MASTER_GTID_WAIT), so that
	// the reads waiting for other positions are looked at again soon.
	checkSlice = 5 * time.Millisecond
	// checkTimeout bounds one check query beyond its own wait: a replica
	// that does not answer by then has its check fail, without the
	// caller's context ever cancelling a query.
	checkTimeout = time.Second
)

// watcher holds the reads waiting for one replica to catch up, and runs
// one check loop for all of them while there are any.
type watcher struct {
	r     *Router
	node  *registry.Node
	state *replicaState

	mu          sync.Mutex
	waiters     []*waiter
	running     bool      // a check loop is running
	failedUntil time.Time // no checks before then: the last one failed
}

// waiter is one read waiting for the replica to replay need.
type waiter struct {
	need     Position
	deadline time.Time
	done     chan struct{} // closed by the loop when it removes the waiter
	ok       bool          // the replica replayed need (set before done)
}

func newWatcher(r *Router, n *registry.Node, s *replicaState) *watcher {
	return &watcher{r: r, node: n, state: s}
}

// wait waits up to limit, or until ctx ends, for the replica to replay
// need, and reports whether it has.
func (w *watcher) wait(ctx context.Context, need Position, limit time.Duration) bool {
	now := time.Now()
	wt := &waiter{need: need, deadline: now.Add(limit), done: make(chan struct{})}
	w.mu.Lock()
	if now.Before(w.failedUntil) {
		w.mu.Unlock()
		return false
	}
	w.waiters = append(w.waiters, wt)
	if !w.running {
		w.running = true
		w.r.catchUp.flights.Add(1)
		go w.loop()
	}
	w.mu.Unlock()

	t := time.NewTimer(limit)
	defer t.Stop()
	select {
	case <-wt.done:
	case <-t.C:
	case <-ctx.Done():
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if i := slices.Index(w.waiters, wt); i >= 0 {
		w.waiters = slices.Delete(w.waiters, i, i+1)
	}
	if wt.ok {
		return true
	}
	// The loop may have recorded a position past need as the wait ended.
	p := w.state.pos.Load()
	return p != nil && p.Covers(&need)
}

// loop checks the replica until no read waits for it: each round waits
// for the position the oldest waiting read needs (the one nearest its
// deadline), records the replica's position and releases every read it
// covers. Rounds start at least checkEvery apart, then twice that, up to
// checkEveryMax.
func (w *watcher) loop() {
	c := &w.r.catchUp
	delay := checkEvery
	for {
		w.mu.Lock()
		now := time.Now()
		w.waiters = slices.DeleteFunc(w.waiters, func(x *waiter) bool { return !now.Before(x.deadline) })
		if len(w.waiters) == 0 {
			w.running = false
			w.mu.Unlock()
			return
		}
		first := w.waiters[0]
		target, slice := first.need, min(first.deadline.Sub(now), checkSlice)
		w.mu.Unlock()

		c.checks.Add(1)
		ctx, cancel := context.WithTimeout(context.Background(), slice+checkTimeout)
		pos, err := c.check(ctx, w.node, target, slice)
		cancel()

		w.mu.Lock()
		if err != nil {
			c.errs.Add(1)
			w.failedUntil = time.Now().Add(c.backoff)
			for _, x := range w.waiters {
				close(x.done)
			}
			w.waiters, w.running = nil, false
			w.mu.Unlock()
			return
		}
		w.state.advance(pos)
		w.waiters = slices.DeleteFunc(w.waiters, func(x *waiter) bool {
			if !pos.Covers(&x.need) {
				return false
			}
			x.ok = true
			close(x.done)
			return true
		})
		more := len(w.waiters) > 0
		w.mu.Unlock()
		if more {
			if rest := delay - time.Since(now); rest > 0 {
				time.Sleep(rest)
			}
			delay = min(2*delay, checkEveryMax)
		}
	}
}
