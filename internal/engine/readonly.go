package engine

import (
	"context"
	"database/sql/driver"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/registry"
	"github.com/grantsql/grant/routing"
)

// Under routing.PreventWrites a statement the analyzer cannot prove
// read-only — it calls a function that is neither built in nor in the
// function table, which may write — runs where the server refuses writes:
// on a replica, in a READ ONLY transaction of its own on the primary
// (PostgreSQL, MySQL), or with PRAGMA query_only on (SQLite); in a
// transaction begun under PreventWrites, which is READ ONLY. In a
// read-write transaction nothing can make the server refuse its writes,
// so such a statement is refused.

// mustEnforce reports whether sp, under PreventWrites, must run with the
// server refusing writes.
func mustEnforce(sp *step) bool {
	return sp.in.Overrides.WritesPrevented() && sp.st.Has(analyze.UnknownCalls)
}

// enforcedReadOnly decides how sp runs under PreventWrites: nil when the
// server already refuses writes where it runs (a replica, a READ ONLY
// transaction) or when nothing needs enforcing; an error when nothing can
// enforce it (a read-write transaction).
func (s *Session) enforcedReadOnly(sp *step) (guarded bool, err error) {
	switch {
	case !mustEnforce(sp):
		return false, nil
	case s.tx != nil && s.tx.enforced:
		return false, nil
	case s.tx != nil:
		return false, &routing.ReadOnlyError{Kind: sp.st.KindName(), Reason: sp.st.Reason, Database: sp.in.DB.Name,
			By: routing.ByPreventWrites + ", and in a read-write transaction nothing keeps a function the analyzer does not know from writing (begin the transaction under PreventWrites: it is then READ ONLY)"}
	}
	return sp.rt.Node.Role == registry.Primary, nil
}

// roGuard is a statement's read-only enforcement on its connection: a
// READ ONLY transaction, or SQLite's query_only.
type roGuard struct {
	pc     *registry.Conn
	tx     driver.Tx
	sqlite bool
}

// guard makes the server refuse writes on pc until end.
func (e *Engine) guard(ctx context.Context, pc *registry.Conn) (roGuard, error) {
	if e.d == dialect.SQLite {
		_, err := pc.Exec(ctx, "PRAGMA query_only = ON", nil, false)
		return roGuard{pc: pc, sqlite: true}, err
	}
	tx, err := pc.Begin(ctx, driver.TxOptions{ReadOnly: true})
	return roGuard{pc: pc, tx: tx}, err
}

// end ends the enforcement; err is the statement's.
func (g *roGuard) end(err error) error {
	var e error
	switch {
	case g.sqlite:
		_, e = g.pc.Exec(context.Background(), "PRAGMA query_only = OFF", nil, false)
	case g.tx != nil && err == nil:
		e = g.tx.Commit()
	case g.tx != nil:
		e = g.tx.Rollback()
	}
	*g = roGuard{}
	return e
}

// active reports whether g enforces anything.
func (g *roGuard) active() bool { return g.sqlite || g.tx != nil }
