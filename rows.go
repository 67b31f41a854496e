package grant

import (
	"context"
	"database/sql/driver"
	"io"
	"sync"

	"github.com/grantsql/grant/internal/mirror"
	"github.com/grantsql/grant/registry"
	"github.com/grantsql/grant/routing"
)

// rows hands a physical result set to database/sql. Closing it closes the
// physical rows, any statement prepared for them, and (outside a
// transaction) returns the physical connection to its pool. The view given
// to database/sql implements exactly the optional interfaces of the physical
// rows.
//
// A query outside a transaction takes its rows value from a pool, with the
// physical connection held inside it and the mirror view cached, so the
// statement path allocates nothing of its own for them.
type rows struct {
	base driver.Rows
	st   driver.Stmt   // prepared for this query by the fallback path, or nil
	pc   registry.Conn // held until Close, outside a transaction
	node *registry.Node
	err  error // last error from Next: decides whether pc is reusable

	// A query that may write (INSERT .. RETURNING) counts for
	// read-your-writes once its rows are read: see record.
	c        *Connector
	ctx      context.Context
	in       routing.Input
	dc       driver.Conn
	recordOn bool

	pooled   bool
	view     driver.Rows // mirror view of this value, valid for viewMask
	viewMask int
}

var rowsPool = sync.Pool{New: func() any { return &rows{pooled: true, viewMask: -1} }}

func getRows() *rows { return rowsPool.Get().(*rows) }

func putRows(r *rows) {
	view, mask := r.view, r.viewMask
	*r = rows{pooled: true, view: view, viewMask: mask}
	rowsPool.Put(r)
}

// start begins serving base and returns the view for database/sql.
func (r *rows) start(base driver.Rows, st driver.Stmt, n *registry.Node) driver.Rows {
	r.base, r.st, r.node = base, st, n
	if m := mirror.Mask(base); r.view == nil || m != r.viewMask {
		r.view, r.viewMask = mirror.Rows(r), m
	}
	return r.view
}

// record makes Close report the write to routing, on dc, when the rows
// end without error.
func (r *rows) record(c *Connector, ctx context.Context, in routing.Input, dc driver.Conn) {
	r.c, r.ctx, r.in, r.dc, r.recordOn = c, ctx, in, dc, true
}

func (r *rows) Base() driver.Rows { return r.base }
func (r *rows) Columns() []string { return r.base.Columns() }

func (r *rows) Next(dest []driver.Value) error {
	err := r.base.Next(dest)
	if err != nil && err != io.EOF {
		r.err = err
		return r.node.Wrap(err)
	}
	return err
}

func (r *rows) Close() error {
	err := r.base.Close()
	if r.st != nil {
		if serr := r.st.Close(); err == nil {
			err = serr
		}
	}
	node := r.node
	if r.recordOn && err == nil && r.err == nil {
		r.c.recordWrite(context.WithoutCancel(r.ctx), r.in, r.dc)
	}
	if r.pc.Held() {
		if r.err == nil {
			r.err = err
		}
		r.pc.Release(r.err)
	}
	if r.pooled {
		putRows(r)
	}
	return node.Wrap(err)
}
