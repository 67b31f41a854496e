package registry

import (
	"context"
	"database/sql"
	"database/sql/driver"
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
	Node *Node
	sc   *sql.Conn
	pc   *physical
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
		return drivercall.Query(ctx, c.pc.Conn, q, args, convertArgs)
	}
	for retried := false; ; retried = true {
		st, kept, err := c.stmt(ctx, q)
		if err != nil {
			return nil, nil, err
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
		return nil, nil, err
	}
}

// Exec runs q with args like Query, for a statement that returns no rows.
func (c *Conn) Exec(ctx context.Context, q string, args []driver.NamedValue, prepared bool) (driver.Result, error) {
	if !prepared {
		return drivercall.Exec(ctx, c.pc.Conn, q, args, convertArgs)
	}
	for retried := false; ; retried = true {
		st, kept, err := c.stmt(ctx, q)
		if err != nil {
			return nil, err
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
		return nil, err
	}
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
	return drivercall.Begin(ctx, c.pc.Conn, opts)
}

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
	*c = Conn{}
}

// Release returns the connection to its pool. err is the last error seen on
// it: a connection error discards the connection instead of pooling it and
// counts as a failure of the node.
func (c *Conn) Release(err error) {
	if c.sc == nil {
		return
	}
	if err != nil {
		c.Node.errs.Add(1)
		if IsConnError(err) {
			// Raw with driver.ErrBadConn makes database/sql drop the connection.
			_ = c.sc.Raw(func(any) error { return driver.ErrBadConn })
		}
	}
	_ = c.sc.Close()
	c.Node.inFlight.Add(-1)
	*c = Conn{}
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
