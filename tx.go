package grant

import (
	"context"
	"database/sql/driver"
	"errors"

	"github.com/grantsql/grant/registry"
	"github.com/grantsql/grant/routing"
)

// Tx is a transaction on one virtual connection. Its statements run on one
// physical connection of the node it began on: one it takes from the pool
// and holds until Commit or Rollback, or the session's pinned connection.
type Tx struct {
	vc    *Conn
	pc    *registry.Conn // &own, or the session's pinned connection
	own   registry.Conn
	tx    driver.Tx
	ctx   context.Context
	in    routing.Input // what routing knew at begin, for read-your-writes
	wrote bool          // a statement of the transaction may have written
	done  bool
}

var _ driver.Tx = (*Tx)(nil)

// errTxDone mirrors database/sql's sql.ErrTxDone for the driver side.
var errTxDone = errors.New("grant: transaction has already been committed or rolled back")

func beginTx(ctx context.Context, vc *Conn, n *registry.Node, pinned *registry.Conn, in routing.Input, opts driver.TxOptions) (*Tx, error) {
	t := &Tx{vc: vc, ctx: ctx, in: in}
	if pinned != nil && pinned.Node == n {
		t.pc = pinned
	} else {
		t.pc = &t.own
		if err := n.Acquire(ctx, t.pc); err != nil {
			return nil, err
		}
	}
	dc := t.pc.Driver()
	var tx driver.Tx
	var err error
	if b, ok := dc.(driver.ConnBeginTx); ok {
		tx, err = b.BeginTx(ctx, opts)
	} else if opts.Isolation != 0 || opts.ReadOnly {
		err = errors.New("the driver does not support isolation levels or read-only transactions")
	} else {
		tx, err = dc.Begin() //nolint:staticcheck // legacy fallback
	}
	if err != nil {
		t.release(err)
		return nil, n.Wrap(err)
	}
	t.tx = tx
	return t, nil
}

// Commit commits the transaction and returns its connection to the pool.
// A committed write counts for read-your-writes.
func (t *Tx) Commit() error {
	if t.done {
		return errTxDone
	}
	err := t.tx.Commit()
	if err == nil && t.wrote {
		t.vc.c.recordWrite(context.WithoutCancel(t.ctx), t.in, t.pc.Driver())
	}
	return t.finish(err)
}

// Rollback rolls the transaction back and returns its connection to the pool.
func (t *Tx) Rollback() error {
	if t.done {
		return errTxDone
	}
	return t.finish(t.tx.Rollback())
}

func (t *Tx) finish(err error) error {
	t.done = true
	node := t.pc.Node
	t.release(err)
	if t.vc.tx == t {
		t.vc.tx = nil
	}
	return node.Wrap(err)
}

// release gives back a connection the transaction took; a pinned one stays
// with the session.
func (t *Tx) release(err error) {
	if t.pc == &t.own {
		t.own.Release(err)
	}
}
