package engine

import (
	"context"
	"database/sql/driver"
	"errors"
	"time"

	"github.com/grantsql/grant/internal/lockrewrite"
	"github.com/grantsql/grant/registry"
)

// call is one statement to run on one node: the text and arguments as the
// application gave them, whether it prepared them, and whether it wants
// rows (Query) or a result (Exec).
type call struct {
	q        string
	args     []driver.NamedValue
	prepared bool
	query    bool
	// readOnly: on a primary, outside a transaction, the statement runs
	// with the server refusing writes (see readonly.go).
	readOnly bool
	// timeout is a lock timeout to set around the statement (locks.go).
	timeout *lockrewrite.Setting
}

// outcome is what a call returns: rows for a query, a result otherwise.
type outcome struct {
	rows driver.Rows
	res  driver.Result
}

// single runs c on the node sp routes to: on the connection the session
// holds for it (a transaction, a pin, or a connection the statement pins),
// or on one taken from the node's pool, retried as configured. A
// connection the session took for this very statement carries no session
// state yet, so a failure on it is retried like one on a pooled connection.
func (s *Session) single(ctx context.Context, sp *step, c call) (outcome, error) {
	if _, err := s.enforcedReadOnly(sp); err != nil {
		return outcome{}, err
	}
	c.readOnly = mustEnforce(sp) && s.tx == nil
	for attempt := 1; ; attempt++ {
		pc, held, fresh, err := s.held(ctx, sp)
		if !held {
			return s.e.pooled(ctx, s, sp, c, attempt)
		}
		if err == nil {
			var out outcome
			if out, err = s.onHeld(ctx, sp, pc, c); err == nil {
				return out, nil
			}
			if !fresh {
				return out, s.heldFailed(pc, err)
			}
			n := pc.Node
			s.dropPin(pc, err)
			err = n.Wrap(err)
		}
		if !fresh || !s.e.retries(ctx, sp, err, attempt) {
			return outcome{}, err
		}
	}
}

// onHeld runs c on pc, a connection the session holds.
func (s *Session) onHeld(ctx context.Context, sp *step, pc *registry.Conn, c call) (outcome, error) {
	r := newRows()
	out, err := s.e.run(ctx, sp, pc, r, c, s.tx == nil && sp.writes())
	if c.query && err == nil {
		return out, nil
	}
	r.free()
	return out, err
}

// run runs c on pc. A query's rows are r, which pc stays held by until
// they close; an exec is over when run returns. A write outside a
// transaction counts for read-your-writes when record is set.
func (e *Engine) run(ctx context.Context, sp *step, pc *registry.Conn, r *rows, c call, record bool) (outcome, error) {
	var out outcome
	var g roGuard
	if c.readOnly && pc.Node.Role == registry.Primary {
		var err error
		if g, err = e.guard(ctx, pc); err != nil {
			return out, err
		}
	}
	var rs restore
	if c.timeout != nil {
		var err error
		if rs, err = setAround(ctx, e.d, pc, c.timeout); err != nil {
			g.end(err)
			return out, err
		}
	}
	if c.query {
		base, st, err := pc.Query(ctx, c.q, c.args, c.prepared)
		if err != nil {
			g.end(err)
			rs.run(err)
			return out, err
		}
		if record {
			r.record(e, ctx, sp.in, pc.Driver())
		}
		r.guard, r.restore = g, rs
		out.rows = r.start(base, st, pc.Node)
		return out, nil
	}
	var err error
	out.res, err = pc.Exec(ctx, c.q, c.args, c.prepared)
	if g.active() {
		if gerr := g.end(err); err == nil {
			err = gerr
		}
	}
	if rerr := rs.run(err); err == nil {
		err = rerr
	}
	if err == nil && record {
		e.recordWrite(ctx, sp.in, pc.Driver())
	}
	return out, err
}

// pooled runs c on a connection taken from the pool of the node sp routes
// to, from the given attempt on, retrying as configured. With a session
// the connection is the session's idle one when it is of that node, and
// goes back to the session afterwards; without one (fan-out reads, from
// several goroutines) it goes back to its pool. The rows of a query hold
// the connection until they are closed.
func (e *Engine) pooled(ctx context.Context, s *Session, sp *step, c call, attempt int) (outcome, error) {
	for ; ; attempt++ {
		if after := e.hedgeAfter(sp, c, attempt); after > 0 {
			out, err, settled := e.hedged(ctx, s, sp, c, after)
			if settled || !e.retries(ctx, sp, err, attempt) {
				return out, err
			}
			continue
		}
		var out outcome
		n := sp.rt.Node
		r := newRows()
		var err error
		if s != nil {
			err = s.take(ctx, n, &r.pc)
			r.home = s
		} else {
			err = n.Acquire(ctx, &r.pc)
		}
		if err == nil {
			if out, err = e.run(ctx, sp, &r.pc, r, c, sp.writes()); err == nil && c.query {
				return out, nil
			}
			r.release(err)
			if err == nil {
				r.free()
				return out, nil
			}
			err = n.Wrap(err)
		}
		r.free()
		if !e.retries(ctx, sp, err, attempt) {
			return out, err
		}
	}
}

// retries decides whether a failed attempt is tried again, and waits the
// configured backoff. A failure that says the node is unreachable or broken
// (registry.NodeFailure: never the statement's own error, the caller's
// cancellation or a wait for the pool) counts against the node's health.
// Only connection-level failures are retried: any statement when the
// driver guarantees it was not sent, and reads otherwise; a read that
// failed on a replica is retried where routing now sends it (another
// replica in rotation) or on the primary. A write cut off because its node
// left rotation is not retried: it may have taken effect.
func (e *Engine) retries(ctx context.Context, sp *step, err error, attempt int) bool {
	r := e.retry
	n := sp.rt.Node
	if registry.NodeFailure(ctx, err) {
		e.reg.ReportFailure(n, err)
	}
	if attempt >= r.Attempts || ctx.Err() != nil {
		return false
	}
	read := sp.st.Read
	if !read && errors.Is(err, registry.ErrLeftRotation) {
		return false
	}
	connErr := registry.IsConnError(err)
	if !registry.SafeToRetry(err) && !(read && connErr) {
		return false
	}
	if read && connErr {
		e.reroute(sp, n)
	}
	if r.Backoff > 0 {
		t := time.NewTimer(r.Backoff.D())
		defer t.Stop()
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
		}
	}
	return true
}

// reroute sends the retry of a read that failed on replica n where
// routing now sends the read, when that is another node, else to the
// primary. A read that ran on the primary stays there: it went there for
// a reason (read-your-writes, ForcePrimary, no replica in rotation).
func (e *Engine) reroute(sp *step, n *registry.Node) {
	if n.Role != registry.Replica {
		return
	}
	if rt, err := e.router.Decide(sp.st, sp.in); err == nil && rt.Node != nil && rt.Node != n {
		sp.rt = rt
		return
	}
	sp.rt.Node = sp.in.DB.Primary
}
