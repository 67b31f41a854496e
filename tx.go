package grant

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"

	"github.com/grantsql/grant/registry"
	"github.com/grantsql/grant/routing"
)

// Tx is a transaction on one virtual connection. It has one participant per
// database it touches: a real transaction on one physical connection of the
// node routing chose (one taken from the pool and held until Commit or
// Rollback, or the session's pinned connection). Without sharding the
// participant of the target database begins at BeginTx; with sharding each
// database's participant begins at the transaction's first statement there.
//
// A transaction writes to one database only: a statement that would write
// to a second one is refused before it runs (ErrCrossShardWrite), so a
// commit never leaves one database committed and another not.
type Tx struct {
	vc     *Conn
	ctx    context.Context
	opts   driver.TxOptions
	o      *routing.Overrides
	parts  []*part
	first  part
	buf    [1]*part
	writer *part // the participant the transaction writes to, or nil
	saves  []savepoint
	// failed, when set, is why the transaction can no longer commit: a
	// statement that ran on several databases could not be undone on all
	// of them. Commit then rolls back and returns it.
	failed error
	done   bool
}

// part is one database's share of a transaction.
type part struct {
	db    *registry.Database
	pc    *registry.Conn // &own, or the session's pinned connection
	own   registry.Conn
	tx    driver.Tx
	in    routing.Input // what routing knew at begin, for read-your-writes
	wrote bool          // a statement may have written here
}

var _ driver.Tx = (*Tx)(nil)

// errTxDone mirrors database/sql's sql.ErrTxDone for the driver side.
var errTxDone = errors.New("grant: transaction has already been committed or rolled back")

func newTx(ctx context.Context, vc *Conn, o *routing.Overrides, opts driver.TxOptions) *Tx {
	t := &Tx{vc: vc, ctx: ctx, opts: opts, o: o}
	t.parts = t.buf[:0]
	return t
}

// part returns the participant of db, or nil.
func (t *Tx) part(db *registry.Database) *part {
	for _, p := range t.parts {
		if p.db == db {
			return p
		}
	}
	return nil
}

// enlist returns the participant of db, beginning it where routing puts a
// transaction of db when it has none yet. The real transaction begins under
// the context of BeginTx, not of the statement: drivers keep that context
// for the commit, and database/sql keeps it alive until the transaction
// ends.
func (t *Tx) enlist(ctx context.Context, db *registry.Database) (*part, error) {
	if p := t.part(db); p != nil {
		return p, nil
	}
	vc := t.vc
	in := routing.Input{DB: db, Overrides: t.o, Session: vc.sess, Pinned: vc.pinnedNode(db)}
	rt, err := vc.c.router.DecideBegin(in, t.opts)
	if err != nil {
		return nil, err
	}
	p := &t.first
	if len(t.parts) > 0 {
		p = new(part)
	}
	*p = part{db: db, in: in}
	var pinned *registry.Conn
	if pp := vc.pinOf(db.Name); pp != nil {
		pinned = &pp.Conn
		pp.state = true // a transaction's effects may linger (SET inside it)
	}
	if err := p.begin(ctx, t.ctx, rt.Node, pinned, t.opts); err != nil {
		if len(t.parts) == 0 && t.vc.c.shards == nil {
			return nil, err // as the one database reported it
		}
		return nil, fmt.Errorf("grant: beginning the transaction on %s: %w", db.Name, err)
	}
	if err := t.replaySavepoints(ctx, p); err != nil {
		p.tx.Rollback()
		p.release(err)
		return nil, err
	}
	t.parts = append(t.parts, p)
	return p, nil
}

// begin takes a connection under ctx and begins on it under txCtx.
func (p *part) begin(ctx, txCtx context.Context, n *registry.Node, pinned *registry.Conn, opts driver.TxOptions) error {
	if pinned != nil && pinned.Node == n {
		p.pc = pinned
	} else {
		p.pc = &p.own
		if err := n.Acquire(ctx, p.pc); err != nil {
			return err
		}
	}
	tx, err := beginOn(txCtx, p.pc.Driver(), opts)
	if err != nil {
		p.release(err)
		return n.Wrap(err)
	}
	p.tx = tx
	return nil
}

// beginOn begins a transaction on a driver connection with opts.
func beginOn(ctx context.Context, dc driver.Conn, opts driver.TxOptions) (driver.Tx, error) {
	if b, ok := dc.(driver.ConnBeginTx); ok {
		return b.BeginTx(ctx, opts)
	}
	if opts.Isolation != 0 || opts.ReadOnly {
		return nil, errors.New("the driver does not support isolation levels or read-only transactions")
	}
	return dc.Begin() //nolint:staticcheck // legacy fallback
}

// checkWrite refuses a statement that would write to dbs when the
// transaction writes, or would then write, to more than one database.
func (t *Tx) checkWrite(statement string, dbs ...*registry.Database) error {
	if len(dbs) == 0 || len(dbs) == 1 && (t.writer == nil || t.writer.db == dbs[0]) {
		return nil
	}
	names := make([]string, len(dbs))
	for i, d := range dbs {
		names[i] = d.Name
	}
	return crossShardWrite(statement, t.writer, false, names...)
}

// wrote records that a statement may have written through p.
func (t *Tx) wrote(p *part) {
	p.wrote = true
	if t.writer == nil {
		t.writer = p
	}
}

// Commit commits every participant, the one that wrote last: a failure
// before it rolls it back, so nothing written is committed unless every
// other participant committed first. Committed writes count for
// read-your-writes. The connections go back to their pools.
func (t *Tx) Commit() error {
	if t.done {
		return errTxDone
	}
	t.done = true
	if t.failed != nil {
		rerr := t.rollbackAll()
		t.finish(rerr)
		return errors.Join(fmt.Errorf("grant: transaction rolled back: %w", t.failed), rerr)
	}
	var err error
	commit := func(p *part) {
		if err != nil {
			p.tx.Rollback()
			return
		}
		if e := p.tx.Commit(); e != nil {
			p.tx.Rollback() // a driver may leave the transaction open
			err = p.pc.Node.Wrap(e)
			if len(t.parts) > 1 {
				err = fmt.Errorf("grant: commit on %s: %w", p.db.Name, err)
			}
			return
		}
		if p.wrote {
			t.vc.c.recordWrite(context.WithoutCancel(t.ctx), p.in, p.pc.Driver())
		}
	}
	for _, p := range t.parts {
		if p != t.writer {
			commit(p)
		}
	}
	if t.writer != nil {
		commit(t.writer)
	}
	t.finish(err)
	return err
}

// Rollback rolls every participant back and returns its connection.
func (t *Tx) Rollback() error {
	if t.done {
		return errTxDone
	}
	t.done = true
	err := t.rollbackAll()
	t.finish(err)
	return err
}

// rollbackAll rolls every participant back and returns the first error.
func (t *Tx) rollbackAll() error {
	var err error
	for _, p := range t.parts {
		if e := p.tx.Rollback(); e != nil && err == nil {
			err = p.pc.Node.Wrap(e)
		}
	}
	return err
}

func (t *Tx) finish(err error) {
	for _, p := range t.parts {
		p.release(err)
	}
	if t.vc.tx == t {
		t.vc.tx = nil
	}
}

// release gives back a connection the participant took; a pinned one stays
// with the session.
func (p *part) release(err error) {
	if p.pc == &p.own {
		p.own.Release(err)
	}
}
