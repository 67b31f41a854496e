package registry

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"

	"github.com/grantsql/grant/internal/drivercall"
)

// Conn is one physical connection taken from a node's pool for the life of a
// statement, a transaction or a pinned session. Everything Grant sends to a
// server goes through its methods.
//
// Grant talks to the driver connection directly instead of going through a
// second database/sql layer per statement, which would re-wrap rows and
// re-convert values. The *sql.Conn stays checked out while Grant uses the
// driver connection, so database/sql never touches it concurrently; it
// returns to the pool on Release.
type Conn struct {
	Node   *Node
	sc     *sql.Conn
	pc     *physical
	cancel context.CancelFunc // called on Release or Discard, or nil
}

// Acquire takes a connection from the node's pool into c, which the caller
// owns (so it can live inside a longer-lived, reused value). A wait that
// ends because ctx ended is the caller's, not a failure of the node.
func (n *Node) Acquire(ctx context.Context, c *Conn) error {
	sc, err := n.DB.Conn(ctx)
	if err != nil {
		if ctx.Err() == nil {
			n.errs.Add(1)
		}
		return n.WrapConn(err)
	}
	*c = Conn{Node: n, sc: sc}
	if err := sc.Raw(c.capture); err != nil {
		sc.Close()
		c.sc = nil
		return n.WrapConn(err)
	}
	n.inFlight.Add(1)
	n.stmts.Add(1)
	return nil
}

// Held reports whether c holds a connection (between Acquire and Release).
func (c *Conn) Held() bool { return c.sc != nil }

func (c *Conn) capture(dc any) error {
	c.pc = dc.(*physical)
	return nil
}

// Driver returns the driver connection (under the node's interceptors).
func (c *Conn) Driver() driver.Conn { return c.pc.Conn }

// Query runs q with args, which it converts in place for the driver. With
// prepared set, q runs as a statement prepared on this connection and kept
// there, so every later execution of the same text on it reuses the
// server's prepared statement (pool.statement_cache bounds how many are
// kept). Otherwise q runs directly or, for a driver that cannot, through a
// statement prepared for this query alone. A statement not kept is
// returned for the caller to close after the rows; it is nil otherwise.
func (c *Conn) Query(ctx context.Context, q string, args []driver.NamedValue, prepared bool) (driver.Rows, driver.Stmt, error) {
	if !prepared {
		rows, st, err := drivercall.Query(ctx, c.pc.Conn, q, args, convertArgs)
		return rows, st, c.cutOff(err)
	}
	for retried := false; ; retried = true {
		st, kept, err := c.stmt(ctx, q)
		if err != nil {
			return nil, nil, c.cutOff(err)
		}
		conv, err := convertArgs(c.pc.Conn, st, args)
		if err == nil {
			var rows driver.Rows
			if rows, err = drivercall.StmtQuery(ctx, st, conv); err == nil {
				if kept {
					st = nil
				}
				return rows, st, nil
			}
		}
		if c.failed(q, st, kept, err) && !retried {
			continue
		}
		return nil, nil, c.cutOff(err)
	}
}

// Exec runs q with args like Query, for a statement that returns no rows.
func (c *Conn) Exec(ctx context.Context, q string, args []driver.NamedValue, prepared bool) (driver.Result, error) {
	if !prepared {
		res, err := drivercall.Exec(ctx, c.pc.Conn, q, args, convertArgs)
		return res, c.cutOff(err)
	}
	for retried := false; ; retried = true {
		st, kept, err := c.stmt(ctx, q)
		if err != nil {
			return nil, c.cutOff(err)
		}
		conv, err := convertArgs(c.pc.Conn, st, args)
		var res driver.Result
		if err == nil {
			res, err = drivercall.StmtExec(ctx, st, conv)
		}
		if err == nil {
			if !kept {
				err = st.Close()
			}
			return res, err
		}
		if c.failed(q, st, kept, err) && !retried {
			continue
		}
		return nil, c.cutOff(err)
	}
}

// cutOff returns err, or, when it is the connection's failure after the
// node left rotation (which cut the connection), a *NodeError with a
// *LeftRotationError saying so.
func (c *Conn) cutOff(err error) error {
	if err == nil || !c.pc.stale() || !IsConnError(err) || errors.Is(err, ErrLeftRotation) {
		return err
	}
	if errors.Is(err, driver.ErrBadConn) {
		// database/sql would run the statement again on another
		// connection: a write that may have taken effect must not be.
		err = errors.New(err.Error())
	}
	n := c.Node
	n.cut.Add(1)
	n.mu.Lock()
	reason := n.lastErr
	n.mu.Unlock()
	return n.WrapConn(&LeftRotationError{Reason: reason, Err: err})
}

// stmt returns the statement to run q with: the one kept for q on this
// connection, else a new one, kept there unless the cache keeps none.
func (c *Conn) stmt(ctx context.Context, q string) (st driver.Stmt, kept bool, err error) {
	if st := c.pc.stmts.get(q); st != nil {
		return st, true, nil
	}
	if st, err = drivercall.Prepare(ctx, c.pc.Conn, q); err != nil {
		return nil, false, err
	}
	return st, c.pc.stmts.put(q, st), nil
}

// failed handles the error of a statement: a statement not kept is
// closed; a kept one the server no longer knows, or whose plan the server
// refuses to reuse (see staleStatement), is dropped, and failed reports
// that running it again on a new statement is safe.
func (c *Conn) failed(q string, st driver.Stmt, kept bool, err error) bool {
	if !kept {
		if st != nil {
			_ = st.Close()
		}
		return false
	}
	if !staleStatement(err) {
		return false
	}
	c.pc.stmts.forget(q)
	return true
}

// Begin begins a transaction on the connection.
func (c *Conn) Begin(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	tx, err := drivercall.Begin(ctx, c.pc.Conn, opts)
	return tx, c.cutOff(err)
}

// CancelOnRelease makes Release or Discard call cancel: for a statement
// run under a context of its own, which must live as long as its rows.
// A cancel set before is called first.
func (c *Conn) CancelOnRelease(cancel context.CancelFunc) {
	if c.cancel != nil {
		c.cancel()
	}
	c.cancel = cancel
}

// Stale reports whether the node left rotation since the connection was
// made: it was cut, and fails or is about to.
func (c *Conn) Stale() bool { return c.pc != nil && c.pc.stale() }

// Statements returns how many prepared statements the connection keeps.
func (c *Conn) Statements() int { return c.pc.stmts.len() }

// Discard closes the physical connection instead of pooling it: for a
// connection that carries session state (SET, temporary tables, locks) no
// later user may inherit.
func (c *Conn) Discard() {
	if c.sc == nil {
		return
	}
	_ = c.sc.Raw(func(any) error { return driver.ErrBadConn })
	_ = c.sc.Close()
	c.Node.inFlight.Add(-1)
	c.end()
}

// end calls the cancel set by CancelOnRelease and clears c.
func (c *Conn) end() {
	if c.cancel != nil {
		c.cancel()
	}
	*c = Conn{}
}

// Release returns the connection to its pool. err is the last error seen on
// it: a connection error discards the connection instead of pooling it, as
// does the node having left rotation. It counts in the node's Errors; no
// error means the node answered, so failures counted against it before
// are no longer consecutive (see Registry.ReportFailure).
func (c *Conn) Release(err error) {
	if c.sc == nil {
		return
	}
	if err != nil {
		c.Node.errs.Add(1)
		if IsConnError(err) || c.pc.stale() {
			// Raw with driver.ErrBadConn makes database/sql drop the connection.
			_ = c.sc.Raw(func(any) error { return driver.ErrBadConn })
		}
	} else {
		c.Node.answered()
	}
	_ = c.sc.Close()
	c.Node.inFlight.Add(-1)
	c.end()
}

// QueryString runs q and returns the first column of its first row as
// text ("" for no row or NULL): for reading one setting or status value.
func (c *Conn) QueryString(ctx context.Context, q string, args ...driver.NamedValue) (string, error) {
	rows, st, err := c.Query(ctx, q, args, false)
	if err != nil {
		return "", err
	}
	defer func() {
		rows.Close()
		if st != nil {
			st.Close()
		}
	}()
	row := make([]driver.Value, len(rows.Columns()))
	if err := rows.Next(row); err != nil {
		if err == io.EOF {
			return "", nil
		}
		return "", err
	}
	switch v := row[0].(type) {
	case string:
		return v, nil
	case []byte:
		return string(v), nil
	case nil:
		return "", nil
	default:
		return fmt.Sprint(v), nil
	}
}
