package txn

import (
	"context"
	"runtime/debug"
)

// callback is one registered AfterCommit or AfterRollback function and the
// scope whose fate decides whether it runs.
type callback struct {
	owner  *scope
	commit bool // AfterCommit; false: AfterRollback
	fn     func(context.Context)
}

// AfterCommit registers fn to run once the outermost transaction that ctx
// carries has committed, if the work of ctx's transaction or savepoint is
// part of that commit (a savepoint that rolls back drops it). Callbacks run
// in registration order, after the commit, with the context of the
// outermost Run. Outside a transaction fn runs at once. See the package
// documentation for panics and ended transactions.
func AfterCommit(ctx context.Context, fn func(ctx context.Context)) {
	register(ctx, true, fn)
}

// AfterRollback registers fn to run when the work of ctx's transaction or
// savepoint is rolled back: right after the rollback to a savepoint (with
// the nested Run's context), after the outermost transaction rolls back or
// fails to commit, and after an attempt that is then retried (with the
// outermost Run's context). Outside a transaction fn is dropped.
func AfterRollback(ctx context.Context, fn func(ctx context.Context)) {
	register(ctx, false, fn)
}

func register(ctx context.Context, commit bool, fn func(context.Context)) {
	if fn == nil {
		return
	}
	s := fromCtx(ctx)
	if s == nil {
		if commit {
			fn(ctx)
		}
		return
	}
	r := s.root
	r.mu.Lock()
	owner, fate := s.fateLocked()
	if owner != nil {
		r.cbs = append(r.cbs, callback{owner: owner, commit: commit, fn: fn})
		r.mu.Unlock()
		return
	}
	r.mu.Unlock()
	if (fate == committed) == commit {
		fn(ctx)
	}
}

// released moves the callbacks of s to its enclosing scope.
func (s *scope) releasedLocked() {
	for i := range s.root.cbs {
		if s.root.cbs[i].owner == s {
			s.root.cbs[i].owner = s.parent
		}
	}
}

// rolledBackLocked drops the callbacks of s and returns its AfterRollback
// functions.
func (s *scope) rolledBackLocked() []func(context.Context) {
	r := s.root
	var run []func(context.Context)
	keep := r.cbs[:0]
	for _, c := range r.cbs {
		if c.owner != s {
			keep = append(keep, c)
		} else if !c.commit {
			run = append(run, c.fn)
		}
	}
	clear(r.cbs[len(keep):])
	r.cbs = keep
	return run
}

// runCallbacks runs every fn, each with ctx, and returns the first panic as a
// *CallbackPanic (nil when none panicked).
func runCallbacks(ctx context.Context, after string, fns []func(context.Context)) *CallbackPanic {
	var first *CallbackPanic
	for _, fn := range fns {
		if p := runCallback(ctx, after, fn); p != nil && first == nil {
			first = p
		}
	}
	return first
}

func runCallback(ctx context.Context, after string, fn func(context.Context)) (p *CallbackPanic) {
	defer func() {
		if v := recover(); v != nil {
			p = &CallbackPanic{After: after, Value: v, Stack: debug.Stack()}
		}
	}()
	fn(ctx)
	return nil
}
