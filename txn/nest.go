package txn

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
)

// savepointName is the savepoint of nesting depth n: an unquoted identifier
// that PostgreSQL, MySQL/MariaDB and SQLite all accept and that no keyword
// list reserves. Sibling Runs reuse the name of their depth, one after the
// other: each releases its savepoint before the next sets it.
func savepointName(depth int) string {
	return "txn_sp_" + strconv.Itoa(depth)
}

// compatible checks a nested Run's options against its transaction's.
func (outer *settings) compatible(inner *settings) error {
	if inner.isolation != sql.LevelDefault && inner.isolation != outer.isolation {
		return fmt.Errorf("%w: it asks for isolation level %s, the transaction began with %s", ErrNestedOptions, inner.isolation, outer.isolation)
	}
	if inner.readOnly && !outer.readOnly {
		return fmt.Errorf("%w: it asks for a read-only transaction, the enclosing one is read-write", ErrNestedOptions)
	}
	return nil
}

// nest runs fn in a savepoint of parent's transaction.
func nest(ctx context.Context, parent *scope, set *settings, fn func(context.Context, *sql.Tx) error) error {
	r := parent.root
	if err := r.set.compatible(set); err != nil {
		return err
	}
	r.mu.Lock()
	if r.top != parent {
		r.mu.Unlock()
		return ErrNotInnermost
	}
	s := &scope{root: r, parent: parent, prev: fromCtx(ctx), depth: parent.depth + 1}
	r.top = s
	r.mu.Unlock()

	name := savepointName(s.depth)
	if _, err := r.tx.ExecContext(ctx, "SAVEPOINT "+name); err != nil {
		r.mu.Lock()
		s.state = rolledBack
		if r.top == s {
			r.top = parent
		}
		r.mu.Unlock()
		return err
	}
	inner := context.WithValue(ctx, ctxKey{}, s)
	err := guard(inner, r.tx, fn, func() {
		fns, _ := s.rollback(ctx, name, nil)
		runCallbacks(ctx, "rollback", fns)
	})
	if err == nil {
		return s.release(ctx, name)
	}
	fns, err := s.rollback(ctx, name, err)
	after(ctx, "rollback", fns)
	return err
}

// release releases the savepoint of s after fn returned nil. When that
// fails (a statement failed on PostgreSQL and fn returned nil anyway) the
// savepoint is rolled back and the release's error returned.
func (s *scope) release(ctx context.Context, name string) error {
	r := s.root
	r.mu.Lock()
	innermost := r.top == s
	r.mu.Unlock()
	var err error
	if !innermost {
		err = fmt.Errorf("txn: a nested Run was still open when savepoint %s was to be released: %w", name, ErrNotInnermost)
	} else if _, err = r.tx.ExecContext(ctx, "RELEASE SAVEPOINT "+name); err == nil {
		r.mu.Lock()
		s.state = released
		r.top = s.parent
		s.releasedLocked()
		r.mu.Unlock()
		return nil
	}
	fns, err := s.rollback(ctx, name, err)
	after(ctx, "rollback", fns)
	return err
}

// rollback rolls back to the savepoint of s and releases it, whatever
// ctx's state (the enclosing transaction goes on), and returns the
// AfterRollback callbacks to run and the error for the nested Run to
// return: cause, with the rollback's failure appended. When the rollback
// fails, or a nested Run of s was still open, the transaction can only roll
// back.
func (s *scope) rollback(ctx context.Context, name string, cause error) ([]func(context.Context), error) {
	r := s.root
	r.mu.Lock()
	ended := s.state != active
	r.mu.Unlock()
	if ended { // an enclosing Run ended while this one was open
		return nil, withCause(cause, fmt.Errorf("%w: savepoint %s had ended already: %w", ErrRollbackOnly, name, ErrNotInnermost))
	}
	c := context.WithoutCancel(ctx)
	_, err := r.tx.ExecContext(c, "ROLLBACK TO SAVEPOINT "+name)
	if err == nil {
		_, err = r.tx.ExecContext(c, "RELEASE SAVEPOINT "+name)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	var fns []func(context.Context)
	for p := r.top; p != nil && p != s && p.state == active; p = p.parent {
		p.state = rolledBack // a nested Run still open: ErrNotInnermost
		fns = append(fns, p.rolledBackLocked()...)
		if r.broken == nil {
			r.broken = fmt.Errorf("%w: savepoint %s was rolled back under a nested Run still open: %w", ErrRollbackOnly, name, ErrNotInnermost)
		}
	}
	fns = append(fns, s.rolledBackLocked()...)
	s.state = rolledBack
	r.top = s.parent
	if err != nil {
		err = fmt.Errorf("rolling back to savepoint %s: %w", name, err)
		if r.broken == nil {
			r.broken = fmt.Errorf("%w: %w", ErrRollbackOnly, withCause(cause, err))
		}
		return fns, withCause(cause, err)
	}
	return fns, cause
}

// withCause returns err alone, or cause with err appended.
func withCause(cause, err error) error {
	if cause == nil {
		return err
	}
	return fmt.Errorf("%w (and %w)", cause, err)
}
