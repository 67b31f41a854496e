package registry

import (
	"context"
	"database/sql"
	"database/sql/driver"
)

// Conn is one physical connection taken from a node's pool for the life of a
// statement, a transaction or a pinned session.
//
// Grant talks to the driver connection directly instead of going through a
// second database/sql layer per statement, which would re-wrap rows and
// re-convert values. The *sql.Conn stays checked out while Grant uses the
// driver connection, so database/sql never touches it concurrently; it
// returns to the pool on Release.
type Conn struct {
	Node *Node
	sc   *sql.Conn
	dc   driver.Conn
}

// Acquire takes a connection from the node's pool into c, which the caller
// owns (so it can live inside a longer-lived, reused value).
func (n *Node) Acquire(ctx context.Context, c *Conn) error {
	sc, err := n.DB.Conn(ctx)
	if err != nil {
		n.errs.Add(1)
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
	c.dc = dc.(driver.Conn)
	return nil
}

// Driver returns the driver connection (under the node's interceptors).
func (c *Conn) Driver() driver.Conn { return c.dc }

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
