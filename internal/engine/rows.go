package engine

import (
	"context"
	"database/sql/driver"
	"io"
	"reflect"
	"sync"

	"github.com/grantsql/grant/registry"
	"github.com/grantsql/grant/routing"
)

// rows hands one node's result set to database/sql. Closing it closes the
// physical rows, the statement prepared for them alone if any, and returns
// the physical connection it took to its pool.
//
// It implements every optional rows interface of database/sql/driver,
// answering as the physical rows do, or, where they lack one, exactly as
// database/sql does without it; rows_go127.go adds
// driver.RowsColumnScanner only when the physical rows have it, since its
// mere presence changes how database/sql scans.
//
// Values come from a pool (rowsBox), so the statement path allocates
// nothing of its own for them.
type rows struct {
	base driver.Rows
	st   driver.Stmt   // prepared for these rows alone, or nil
	pc   registry.Conn // held until Close, when taken for this query
	node *registry.Node
	err  error // last error from Next: decides whether pc is reusable

	// A query that may write (INSERT .. RETURNING) counts for
	// read-your-writes once its rows are read: see record.
	e        *Engine
	ctx      context.Context
	in       routing.Input
	dc       driver.Conn
	recordOn bool

	guard   roGuard  // read-only enforcement, ended at Close
	restore restore  // a setting changed around the query, restored at Close
	home    *Session // takes pc back at Close, when the statement's session
	box     *rowsBox // the pooled value holding r
}

// rowsBox is the pooled value: rows, plus, under Go 1.27, the column
// scanner methods (rows_go127.go), offered only for base rows that have
// them.
type rowsBox struct{ rows }

var rowsPool = sync.Pool{New: func() any {
	b := new(rowsBox)
	b.box = b
	return b
}}

var (
	_ driver.Rows                           = (*rows)(nil)
	_ driver.RowsNextResultSet              = (*rows)(nil)
	_ driver.RowsColumnTypeDatabaseTypeName = (*rows)(nil)
	_ driver.RowsColumnTypeLength           = (*rows)(nil)
	_ driver.RowsColumnTypeNullable         = (*rows)(nil)
	_ driver.RowsColumnTypePrecisionScale   = (*rows)(nil)
	_ driver.RowsColumnTypeScanType         = (*rows)(nil)
)

func newRows() *rows { return &rowsPool.Get().(*rowsBox).rows }

// free returns r, cleared, to the pool.
func (r *rows) free() {
	b := r.box
	*r = rows{box: b}
	rowsPool.Put(b)
}

// start begins serving base and returns r as database/sql sees it.
func (r *rows) start(base driver.Rows, st driver.Stmt, n *registry.Node) driver.Rows {
	r.base, r.st, r.node = base, st, n
	return r.view()
}

// record makes Close report the write to routing, on dc, when the rows
// end without error.
func (r *rows) record(e *Engine, ctx context.Context, in routing.Input, dc driver.Conn) {
	r.e, r.ctx, r.in, r.dc, r.recordOn = e, ctx, in, dc, true
}

func (r *rows) Columns() []string { return r.base.Columns() }

func (r *rows) Next(dest []driver.Value) error { return r.check(r.base.Next(dest)) }

// check records and wraps an error of the base rows.
func (r *rows) check(err error) error {
	if err != nil && err != io.EOF {
		r.err = err
		return r.node.Wrap(err)
	}
	return err
}

func (r *rows) Close() error {
	err := r.base.Close()
	if r.guard.active() {
		if gerr := r.guard.end(err); err == nil {
			err = gerr
		}
	}
	stmtErr := r.err
	if stmtErr == nil {
		stmtErr = err
	}
	if rerr := r.restore.run(stmtErr); err == nil {
		err = rerr
	}
	if r.st != nil {
		if serr := r.st.Close(); err == nil {
			err = serr
		}
	}
	node := r.node
	if r.recordOn && err == nil && r.err == nil {
		r.e.recordWrite(context.WithoutCancel(r.ctx), r.in, r.dc)
	}
	if r.err == nil {
		r.err = err
	}
	r.release(r.err)
	r.free()
	return node.Wrap(err)
}

// release gives back the connection r holds, if any: to the session it
// came from, else to its pool.
func (r *rows) release(err error) {
	switch {
	case !r.pc.Held():
	case r.home != nil:
		r.home.keep(&r.pc, err)
	default:
		r.pc.Release(err)
	}
}

// HasNextResultSet reports whether another result set follows; false when
// the base rows cannot tell, as database/sql assumes.
func (r *rows) HasNextResultSet() bool {
	if m, ok := r.base.(driver.RowsNextResultSet); ok {
		return m.HasNextResultSet()
	}
	return false
}

// NextResultSet advances to the next result set; io.EOF when the base rows
// have none, which database/sql treats as their absence.
func (r *rows) NextResultSet() error {
	if m, ok := r.base.(driver.RowsNextResultSet); ok {
		return r.check(m.NextResultSet())
	}
	return io.EOF
}

func (r *rows) ColumnTypeDatabaseTypeName(i int) string {
	if m, ok := r.base.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return m.ColumnTypeDatabaseTypeName(i)
	}
	return ""
}

func (r *rows) ColumnTypeLength(i int) (int64, bool) {
	if m, ok := r.base.(driver.RowsColumnTypeLength); ok {
		return m.ColumnTypeLength(i)
	}
	return 0, false
}

func (r *rows) ColumnTypeNullable(i int) (nullable, ok bool) {
	if m, ok := r.base.(driver.RowsColumnTypeNullable); ok {
		return m.ColumnTypeNullable(i)
	}
	return false, false
}

func (r *rows) ColumnTypePrecisionScale(i int) (precision, scale int64, ok bool) {
	if m, ok := r.base.(driver.RowsColumnTypePrecisionScale); ok {
		return m.ColumnTypePrecisionScale(i)
	}
	return 0, 0, false
}

// ColumnTypeScanType returns the base rows' scan type, or the type of any
// (interface{}), which database/sql reports for rows without one.
func (r *rows) ColumnTypeScanType(i int) reflect.Type {
	if m, ok := r.base.(driver.RowsColumnTypeScanType); ok {
		return m.ColumnTypeScanType(i)
	}
	return anyType
}

var anyType = reflect.TypeFor[any]()
