package engine

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/grantsql/grant/registry"
	"github.com/grantsql/grant/routing"
	"github.com/grantsql/grant/routing/routecfg"
)

// A hedged read (routing.hedge_after): the read runs first on the replica
// routing chose, on the caller's goroutine. When that has not answered
// after the delay, a second attempt starts on another node, on a goroutine
// of its own: another replica routing would choose for the same read, or
// the primary when there is none. The first attempt to return rows wins;
// the other is cancelled through its context, and its connection goes back
// to its pool or, when the cancel cut it, is discarded.
//
// Only plain reads are hedged: routed to a replica as a read (not for the
// session's results), outside a transaction and a pinned session (those run
// on a held connection and never reach here), on the first attempt.
// Hedging costs a context and a timer per such read, and a goroutine only
// when the second attempt starts.
type hedge struct {
	e   *Engine
	ctx context.Context // the caller's
	sp  step            // the read's step, for the second attempt
	c   call            // the read, with arguments of its own

	mu          sync.Mutex
	state       hedgeState
	cancelFirst context.CancelFunc
	done        chan struct{} // closed when the second attempt ended; nil until it starts
	cancel      context.CancelFunc
	out         outcome // the second attempt's, when it won
}

type hedgeState uint8

const (
	racing    hedgeState = iota // no attempt has answered
	firstWon                    // the first attempt answered first
	secondWon                   // the second attempt answered first
	closed                      // the first failed before the second began: none will
)

// hedgeAfter returns the delay after which the read sp would be hedged on
// this attempt, or 0 when it is not hedged.
func (e *Engine) hedgeAfter(sp *step, c call, attempt int) time.Duration {
	if attempt != 1 || !c.query || !sp.st.Read || sp.writes() || sp.rt.Node == nil || sp.rt.Node.Role != registry.Replica {
		return 0
	}
	switch sp.rt.Reason {
	case routing.ReasonRead, routing.ReasonForceReplica:
		return e.router.Config().HedgeAfter.D()
	}
	return 0
}

// hedged runs the read c as a hedged read. settled reports a final
// outcome: rows from either attempt. Otherwise err is the first attempt's
// error (the second failed too, or never started), for the caller's retry.
func (e *Engine) hedged(ctx context.Context, s *Session, sp *step, c call, after time.Duration) (out outcome, err error, settled bool) {
	h := &hedge{e: e, ctx: ctx, sp: *sp, c: c}
	h.c.args = slices.Clone(c.args) // each attempt converts its arguments in place
	ctx1, cancel1 := context.WithCancel(ctx)
	h.cancelFirst = cancel1
	t := time.AfterFunc(after, h.start)
	out, err = e.attempt(ctx1, s, sp, c, cancel1)
	t.Stop()
	h.mu.Lock()
	if h.state == racing {
		switch {
		case err == nil:
			h.state = firstWon
			if h.cancel != nil {
				h.cancel()
			}
		case h.done == nil:
			h.state = closed
		}
	}
	state, done := h.state, h.done
	h.mu.Unlock()
	switch state {
	case firstWon:
		return out, nil, true
	case secondWon:
		if err == nil {
			out.rows.Close() // answered just after the second attempt
		}
		return h.out, nil, true
	case closed:
		return out, err, false
	}
	// The first attempt failed while the second runs: its answer decides.
	<-done
	h.mu.Lock()
	state = h.state
	h.mu.Unlock()
	if state == secondWon {
		return h.out, nil, true
	}
	return out, err, false
}

// start begins the second attempt, unless the first has answered or
// there is no node to send it to. time.AfterFunc runs it on a goroutine of
// its own.
func (h *hedge) start() {
	n := h.e.hedgeTarget(&h.sp)
	if n == nil {
		return
	}
	h.mu.Lock()
	if h.state != racing {
		h.mu.Unlock()
		return
	}
	ctx, cancel := context.WithCancel(h.ctx)
	h.cancel, h.done = cancel, make(chan struct{})
	h.mu.Unlock()

	sp := h.sp
	sp.rt.Node = n
	out, err := h.e.attempt(ctx, nil, &sp, h.c, cancel)
	h.mu.Lock()
	won := err == nil && h.state == racing
	if won {
		h.state, h.out = secondWon, out
		h.cancelFirst()
	}
	close(h.done)
	h.mu.Unlock()
	n.CountHedge(won)
	switch {
	case err == nil && !won:
		out.rows.Close()
	case err != nil && registry.NodeFailure(ctx, err):
		h.e.reg.ReportFailure(n, err)
	}
}

// hedgeTarget returns the node a hedge of the read sp goes to: another
// replica routing would send the read to now (in rotation, and honouring
// read-your-writes), else the primary when it is in rotation, unless the
// read must stay on a replica (routing.ForceReplica, no_replica: fail).
// It returns nil when there is none.
func (e *Engine) hedgeTarget(sp *step) *registry.Node {
	first := sp.rt.Node
	for range len(sp.in.DB.Replicas) {
		rt, err := e.router.Decide(sp.st, sp.in)
		if err != nil || rt.Node == nil {
			break
		}
		if rt.Node != first {
			return rt.Node
		}
	}
	if role, forced := sp.in.Overrides.ForcedRole(); forced && role == registry.Replica {
		return nil
	}
	if e.router.Config().NoReplica == routecfg.NoReplicaFail {
		return nil
	}
	if p := sp.in.DB.Primary; p.Healthy() {
		return p
	}
	return nil
}

// attempt runs the read c once on a connection of sp's node: the session's
// idle one when s holds one of that node, else one from the node's pool.
// The rows hold the connection until they close; it then goes back to the
// session s, or to its pool. cancel, which ends ctx (the attempt's own),
// runs when the connection goes back to its pool: once the rows closed,
// nothing uses ctx any more, and a connection the session keeps calls it
// when the session gives the connection back or runs the next hedged
// read on it.
func (e *Engine) attempt(ctx context.Context, s *Session, sp *step, c call, cancel context.CancelFunc) (outcome, error) {
	n := sp.rt.Node
	r := newRows()
	var err error
	if s != nil {
		err = s.take(ctx, n, &r.pc)
		r.home = s
	} else {
		err = n.Acquire(ctx, &r.pc)
	}
	if err != nil {
		r.free()
		cancel()
		return outcome{}, n.Wrap(err)
	}
	r.pc.CancelOnRelease(cancel)
	out, err := e.run(ctx, sp, &r.pc, r, c, false)
	if err == nil {
		return out, nil
	}
	r.release(err)
	r.free()
	return outcome{}, n.Wrap(err)
}
