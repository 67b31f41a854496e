package wire

import (
	"context"
	"sync"
	"time"
)

// callContext is the context a plugin's resolver gets: it ends at the
// host's deadline, or when the request is answered. It is
// context.WithDeadline without a timer until Done is called: a resolver
// that only computes (most do) never asks for Done, and a timer added and
// removed on every request wakes an idle thread of the scheduler each
// time, which costs more than the rest of a small request.
type callContext struct {
	deadline time.Time

	mu    sync.Mutex
	done  chan struct{} // made by Done or Err, closed at the end
	timer *time.Timer   // closes done at the deadline, once Done was called
	err   error
}

var _ context.Context = (*callContext)(nil)

// newCallContext returns a context that ends at deadline, and the
// function that ends it before.
func newCallContext(deadline time.Time) (*callContext, context.CancelFunc) {
	c := &callContext{deadline: deadline}
	return c, func() { c.end(context.Canceled) }
}

// Deadline returns the host's deadline.
func (c *callContext) Deadline() (time.Time, bool) { return c.deadline, true }

// Value returns nil: the context carries no values.
func (c *callContext) Value(any) any { return nil }

// Done returns a channel closed at the deadline or when the request is
// answered; the first call starts the timer.
func (c *callContext) Done() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done == nil {
		c.done = make(chan struct{})
		if c.err != nil {
			close(c.done)
		} else if d := time.Until(c.deadline); d > 0 {
			c.timer = time.AfterFunc(d, func() { c.end(context.DeadlineExceeded) })
		} else {
			c.endLocked(context.DeadlineExceeded)
		}
	}
	return c.done
}

// Err returns context.DeadlineExceeded once the deadline has passed,
// context.Canceled once the request was answered, nil before.
func (c *callContext) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil && !time.Now().Before(c.deadline) {
		c.endLocked(context.DeadlineExceeded)
	}
	return c.err
}

// end ends the context with err, unless it has ended.
func (c *callContext) end(err error) {
	c.mu.Lock()
	c.endLocked(err)
	c.mu.Unlock()
}

func (c *callContext) endLocked(err error) {
	if c.err != nil {
		return
	}
	c.err = err
	if c.timer != nil {
		c.timer.Stop()
	}
	if c.done != nil {
		close(c.done)
	}
}
