package engine

import (
	"context"
	"database/sql"
	"database/sql/driver"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/lockrewrite"
	"github.com/grantsql/grant/internal/twopc"
	"github.com/grantsql/grant/registry"
	"github.com/grantsql/grant/routing"
)

// participant is one database's share of a unit of work that commits as
// one: a transaction's participant, or one database's part of a statement
// that writes to several databases outside a transaction.
//
// Its transaction is a BEGIN transaction (tx), or, on MySQL when the unit
// may commit in two phases, an XA branch (xa): MySQL can prepare only a
// transaction begun with XA START.
type participant struct {
	db       *registry.Database
	pc       *registry.Conn // &own, or a connection the session holds
	own      registry.Conn
	tx       driver.Tx
	xa       bool
	branch   twopc.Branch // the two-phase branch; set for a unit that may need one
	prepared bool
	in       routing.Input // what routing knew, for read-your-writes
	// with, when set, begins the transaction instead of BEGIN (SQLite's
	// BEGIN IMMEDIATE for a transaction begun with a lock request).
	with  *lockrewrite.Begin
	wrote bool  // a statement may have written here
	err   error // the last error seen on pc, for its release
}

// begin takes a connection of n for session s under ctx (or uses pinned,
// when it is of n) and starts the participant's transaction on it under
// txCtx.
func (p *participant) begin(ctx, txCtx context.Context, s *Session, n *registry.Node, pinned *registry.Conn, opts driver.TxOptions) error {
	if pinned != nil && pinned.Node == n {
		p.pc = pinned
	} else {
		p.pc = &p.own
		if err := s.take(ctx, n, p.pc); err != nil {
			return err
		}
	}
	if err := p.start(txCtx, s.e.d, opts); err != nil {
		p.release(err)
		return n.Wrap(err)
	}
	return nil
}

// start begins the transaction on p.pc: an XA branch when p.branch is set
// on MySQL, else a BEGIN transaction with opts.
func (p *participant) start(ctx context.Context, d dialect.Dialect, opts driver.TxOptions) error {
	if p.with != nil {
		return p.beginWith(ctx, d, p.with)
	}
	if p.branch.Database == "" || !twopc.StartsXA(d) {
		tx, err := p.pc.Begin(ctx, opts)
		p.tx = tx
		return err
	}
	if opts.Isolation != 0 {
		level := sql.IsolationLevel(opts.Isolation).String()
		if _, err := p.pc.Exec(ctx, "SET TRANSACTION ISOLATION LEVEL "+level, nil, false); err != nil {
			return err
		}
	}
	if err := twopc.Begin(ctx, p.pc, p.branch); err != nil {
		return err
	}
	p.xa = true
	return nil
}

// commitLocal commits the participant without preparing it.
func (p *participant) commitLocal(ctx context.Context) error {
	if p.xa {
		return twopc.CommitOnePhase(ctx, p.pc, p.branch)
	}
	return p.tx.Commit()
}

// rollback rolls the participant back, prepared or not.
func (p *participant) rollback(ctx context.Context, d dialect.Dialect) error {
	switch {
	case p.prepared:
		return twopc.RollbackPrepared(ctx, d, p.pc, p.branch)
	case p.xa:
		return twopc.RollbackActive(ctx, p.pc, p.branch)
	case p.tx == nil:
		return nil // already ended
	}
	return p.tx.Rollback()
}

// release gives back a connection the participant took; one the session
// holds stays with it.
func (p *participant) release(err error) {
	if p.pc == &p.own {
		p.own.Release(err)
	}
}
