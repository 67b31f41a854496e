package txn

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Run runs fn in a transaction of db and commits it when fn returns nil. It
// rolls back when fn returns an error (returned unchanged, or with the
// rollback's own failure appended), when fn panics (Run then panics with the
// same value) and when the commit fails (the commit's error is returned).
//
// When ctx carries an open transaction of the same db (Run was called from
// inside another Run's function on db, with its context), fn runs in a
// savepoint of that transaction instead: see the package documentation for
// nesting, retries (Retries, RetryOn) and the AfterCommit and AfterRollback
// callbacks.
//
// fn must use the context it receives: it carries the transaction, for
// nested Runs, callbacks and Current. It must not commit or roll back tx
// itself.
func Run(ctx context.Context, db Beginner, fn func(ctx context.Context, tx *sql.Tx) error, opts ...Option) error {
	set := newSettings(opts)
	parent, err := enclosing(ctx, db)
	if err != nil {
		return err
	}
	if parent != nil {
		return nest(ctx, parent, &set, fn)
	}
	for attempt := 1; ; attempt++ {
		err := runOnce(ctx, db, &set, fn)
		if err == nil || set.retries == 0 || !set.retryable(err) {
			return err
		}
		if attempt > set.retries {
			return &RetryError{Attempts: attempt, Err: err}
		}
		if stop := wait(ctx, set.delay(attempt)); stop != nil {
			return &RetryError{Attempts: attempt, Err: err, Stopped: stop}
		}
	}
}

// runOnce is one attempt of an outermost Run: BEGIN, fn, COMMIT or ROLLBACK,
// then the callbacks of the outcome.
func runOnce(ctx context.Context, db Beginner, set *settings, fn func(context.Context, *sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, set.txOptions())
	if err != nil {
		return err
	}
	r := &root{db: db, tx: tx, set: *set}
	s := &scope{root: r, prev: fromCtx(ctx)}
	r.top = s
	inner := context.WithValue(ctx, ctxKey{}, s)

	err = guard(inner, tx, fn, func() {
		tx.Rollback()
		runCallbacks(ctx, "rollback", r.end(s, rolledBack))
	})
	if err != nil {
		if rb := tx.Rollback(); rb != nil && !errors.Is(rb, sql.ErrTxDone) {
			err = fmt.Errorf("%w (and rolling back: %w)", err, rb)
		}
		after(ctx, "rollback", r.end(s, rolledBack))
		return err
	}
	r.mu.Lock()
	broken := r.broken
	if broken == nil && r.top != s {
		broken = fmt.Errorf("%w: a nested Run was still open when the transaction's function returned: %w", ErrRollbackOnly, ErrNotInnermost)
	}
	r.mu.Unlock()
	if broken != nil {
		tx.Rollback()
		after(ctx, "rollback", r.end(s, rolledBack))
		return broken
	}
	if err := tx.Commit(); err != nil {
		after(ctx, "rollback", r.end(s, rolledBack))
		return err
	}
	after(ctx, "commit", r.end(s, committed))
	return nil
}

// end records how the transaction ended and returns the callbacks to run:
// the AfterCommit ones after a commit, the AfterRollback ones otherwise.
func (r *root) end(s *scope, outcome state) []func(context.Context) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for p := r.top; p != nil && p != s; p = p.parent {
		p.state = rolledBack // a nested Run still open (ErrNotInnermost)
	}
	s.state = outcome
	r.top = nil
	var fns []func(context.Context)
	for _, c := range r.cbs {
		if c.commit == (outcome == committed) {
			fns = append(fns, c.fn)
		}
	}
	r.cbs = nil
	return fns
}

// guard runs fn. When fn panics or calls runtime.Goexit, it calls abort
// first and then lets the panic (the same value) or the Goexit continue.
func guard(ctx context.Context, tx *sql.Tx, fn func(context.Context, *sql.Tx) error, abort func()) error {
	done := false
	defer func() {
		if done {
			return
		}
		v := recover()
		abort()
		if v != nil {
			panic(v)
		}
	}()
	err := fn(ctx, tx)
	done = true
	return err
}

// after runs callbacks and panics with the first callback panic, once all
// have run.
func after(ctx context.Context, what string, fns []func(context.Context)) {
	if p := runCallbacks(ctx, what, fns); p != nil {
		panic(p)
	}
}
