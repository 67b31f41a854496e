package txn

import (
	"context"
	"database/sql"
	"reflect"
	"sync"
)

// Beginner is what Run begins transactions on: *sql.DB and *sql.Conn.
type Beginner interface {
	BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error)
}

// state is where a transaction or savepoint is in its life.
type state uint8

const (
	active     state = iota
	released         // a savepoint released: its fate is its enclosing scope's
	committed        // the outermost transaction committed
	rolledBack       // the transaction, or the savepoint, rolled back
)

// scope is one Run: the outermost transaction or one savepoint in it.
type scope struct {
	root   *root
	parent *scope // the enclosing scope of the same transaction; nil for the outermost
	prev   *scope // what the context held before this scope (any transaction)
	depth  int    // 0 for the outermost, then the savepoint's nesting depth
	state  state  // guarded by root.mu
}

// root is one transaction: what every scope of it shares.
type root struct {
	db  Beginner
	tx  *sql.Tx
	set settings

	mu     sync.Mutex
	top    *scope     // the innermost open scope, nil once the transaction ended
	cbs    []callback // registered callbacks, in registration order
	broken error      // set: the transaction can only roll back (wraps ErrRollbackOnly)
}

type ctxKey struct{}

func fromCtx(ctx context.Context) *scope {
	s, _ := ctx.Value(ctxKey{}).(*scope)
	return s
}

// Detach returns a context that carries ctx's values and deadline but none
// of its transactions: Run given it begins a new, independent transaction
// even on a database whose transaction ctx carries (an audit record that
// must survive the enclosing transaction's rollback), and AfterCommit given
// it runs its function at once.
func Detach(ctx context.Context) context.Context {
	if fromCtx(ctx) == nil {
		return ctx
	}
	return context.WithValue(ctx, ctxKey{}, (*scope)(nil))
}

// Current returns the open transaction of db that ctx carries: the
// transaction of the innermost Run on db whose context ctx is or derives
// from, while it has not ended. Code deep in a call chain uses it to join
// the caller's transaction without taking it as an argument (Run, given the
// same ctx and db, does that and adds a savepoint).
func Current(ctx context.Context, db Beginner) (*sql.Tx, bool) {
	for s := fromCtx(ctx); s != nil; s = s.prev {
		if !sameDB(s.root.db, db) {
			continue
		}
		s.root.mu.Lock()
		open := s.openLocked()
		s.root.mu.Unlock()
		if open != nil {
			return s.root.tx, true
		}
	}
	return nil, false
}

// enclosing returns the open scope of db's transaction that ctx carries, in
// which a nested Run sets its savepoint, or nil when there is none.
func enclosing(ctx context.Context, db Beginner) (*scope, error) {
	for s := fromCtx(ctx); s != nil; s = s.prev {
		if !sameDB(s.root.db, db) {
			continue
		}
		r := s.root
		r.mu.Lock()
		open, top, broken := s.openLocked(), r.top, r.broken
		r.mu.Unlock()
		switch {
		case open == nil:
			continue // that transaction has ended
		case broken != nil:
			return nil, broken
		case open != top:
			return nil, ErrNotInnermost
		}
		return open, nil
	}
	return nil, nil
}

// openLocked returns s or its nearest enclosing scope that is still open,
// or nil when the transaction has ended.
func (s *scope) openLocked() *scope {
	for p := s; p != nil; p = p.parent {
		if p.state == active {
			return p
		}
	}
	return nil
}

// fateLocked returns the open scope that the work of s now belongs to, or,
// when there is none, how that work ended: committed or rolledBack.
func (s *scope) fateLocked() (*scope, state) {
	for p := s; p != nil; p = p.parent {
		switch p.state {
		case active:
			return p, active
		case committed, rolledBack:
			return nil, p.state
		}
	}
	return nil, rolledBack // unreachable: the outermost scope never is released
}

// sameDB reports whether a and b are the same database value: equal
// interface values of a comparable type (the same *sql.DB or *sql.Conn).
func sameDB(a, b Beginner) bool {
	ta := reflect.TypeOf(a)
	if ta == nil || ta != reflect.TypeOf(b) || !ta.Comparable() {
		return false
	}
	return a == b
}
