package grant

import (
	"context"
	"database/sql/driver"
	"errors"

	"github.com/grantsql/grant/registry"
)

// Tx is a transaction on one virtual connection. Its statements run on one
// physical connection of the node it began on, which it holds until Commit
// or Rollback.
type Tx struct {
	vc   *Conn
	pc   registry.Conn
	tx   driver.Tx
	done bool
}

var _ driver.Tx = (*Tx)(nil)

// errTxDone mirrors database/sql's sql.ErrTxDone for the driver side.
var errTxDone = errors.New("grant: transaction has already been committed or rolled back")

func beginTx(ctx context.Context, vc *Conn, n *registry.Node, opts driver.TxOptions) (*Tx, error) {
	t := &Tx{vc: vc}
	if err := n.Acquire(ctx, &t.pc); err != nil {
		return nil, err
	}
	dc := t.pc.Driver()
	var err error
	var tx driver.Tx
	if b, ok := dc.(driver.ConnBeginTx); ok {
		tx, err = b.BeginTx(ctx, opts)
	} else if opts.Isolation != 0 || opts.ReadOnly {
		err = errors.New("the driver does not support isolation levels or read-only transactions")
	} else {
		tx, err = dc.Begin() //nolint:staticcheck // legacy fallback
	}
	if err != nil {
		t.pc.Release(err)
		return nil, n.Wrap(err)
	}
	t.tx = tx
	return t, nil
}

func (t *Tx) query(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	rows, st, err := query(ctx, t.pc.Driver(), q, args)
	if err != nil {
		return nil, t.pc.Node.Wrap(err)
	}
	return newTxRows(rows, st, t.pc.Node), nil
}

func (t *Tx) exec(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	res, err := exec(ctx, t.pc.Driver(), q, args)
	return res, t.pc.Node.Wrap(err)
}

// Commit commits the transaction and returns its connection to the pool.
func (t *Tx) Commit() error {
	if t.done {
		return errTxDone
	}
	err := t.tx.Commit()
	t.finish(err)
	return t.pc.Node.Wrap(err)
}

// Rollback rolls the transaction back and returns its connection to the pool.
func (t *Tx) Rollback() error {
	if t.done {
		return errTxDone
	}
	err := t.tx.Rollback()
	t.finish(err)
	return t.pc.Node.Wrap(err)
}

func (t *Tx) finish(err error) {
	t.done = true
	node := t.pc.Node
	t.pc.Release(err)
	t.pc.Node = node // errors after the end still name the node
	if t.vc.tx == t {
		t.vc.tx = nil
	}
}
