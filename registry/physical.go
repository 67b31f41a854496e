package registry

import (
	"context"
	"database/sql/driver"
	"io"
	"net"

	"github.com/grantsql/grant/internal/drivercall"
)

// physConnector makes the node's pool hold physical connections: the driver
// connections under the node's interceptors, each with the statements
// prepared on it and, when the node has links, its network connection.
type physConnector struct {
	inner driver.Connector
	cache int   // statements kept per connection; 0: none
	node  *Node // whose links record the network connections, if any
}

func (c physConnector) Connect(ctx context.Context) (driver.Conn, error) {
	l := c.node.links
	if l == nil {
		dc, err := c.inner.Connect(ctx)
		if err != nil {
			return nil, err
		}
		return &physical{Conn: dc, stmts: newStmtCache(c.cache)}, nil
	}
	caller := ctx
	if limit := c.node.connectLimit; !c.node.Healthy() && limit > 0 {
		// A node out of rotation may not answer at all (a hung machine
		// whose kernel still accepts connections): a connection to it,
		// which database/sql may be making for a statement routed to the
		// node just before it left, takes no longer than a health check.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, limit)
		defer cancel()
	}
	// The epoch is read before dialling: a connection made while the node
	// left rotation is stale at once, and its dial fails.
	slot := &dialSlot{epoch: l.epoch.Load()}
	dc, err := c.inner.Connect(context.WithValue(ctx, dialKey{}, slot))
	nc := l.settle(slot, err == nil)
	if err != nil {
		if ctx != caller && ctx.Err() != nil && caller.Err() == nil {
			err = &noAnswerError{limit: c.node.connectLimit, err: err}
		}
		return nil, err
	}
	return &physical{Conn: dc, stmts: newStmtCache(c.cache), links: l, nc: nc, epoch: slot.epoch}, nil
}

func (c physConnector) Driver() driver.Driver { return c.inner.Driver() }

// closingPhysConnector is a physConnector whose connector implements
// io.Closer; database/sql closes it in DB.Close.
type closingPhysConnector struct{ physConnector }

func (c closingPhysConnector) Close() error { return c.inner.(io.Closer).Close() }

func wrapConnector(inner driver.Connector, cache int, n *Node) driver.Connector {
	c := physConnector{inner: inner, cache: cache, node: n}
	if _, ok := inner.(io.Closer); ok {
		return closingPhysConnector{c}
	}
	return c
}

// physical is one connection of a node's pool. Grant runs statements on it
// through Conn; database/sql's pool uses the interfaces below (ping, reset,
// validation, and the node's own queries such as replica probes), each
// answered as the connection under it would, or as database/sql does
// without it.
type physical struct {
	driver.Conn // under the node's interceptors
	stmts       stmtCache
	links       *links   // the node's, or nil
	nc          net.Conn // the network connection under Conn, or nil
	epoch       uint64   // links' epoch when the connection was made
}

var (
	_ driver.Conn               = (*physical)(nil)
	_ driver.ConnBeginTx        = (*physical)(nil)
	_ driver.ConnPrepareContext = (*physical)(nil)
	_ driver.ExecerContext      = (*physical)(nil)
	_ driver.QueryerContext     = (*physical)(nil)
	_ driver.Pinger             = (*physical)(nil)
	_ driver.SessionResetter    = (*physical)(nil)
	_ driver.Validator          = (*physical)(nil)
	_ driver.NamedValueChecker  = (*physical)(nil)
)

// Unwrap returns the connection under this one, for interceptors.Unwrap.
func (p *physical) Unwrap() driver.Conn { return p.Conn }

// Close closes the statements prepared on the connection, then the
// connection.
func (p *physical) Close() error {
	p.stmts.closeAll()
	if p.links != nil {
		p.links.forget(p.nc)
	}
	return p.Conn.Close()
}

// stale reports whether the node left rotation since the connection was
// made, which cut its network connection.
func (p *physical) stale() bool { return p.links != nil && p.links.epoch.Load() != p.epoch }

func (p *physical) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return drivercall.Begin(ctx, p.Conn, opts)
}

func (p *physical) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	return drivercall.Prepare(ctx, p.Conn, q)
}

func (p *physical) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	return drivercall.ExecDirect(ctx, p.Conn, q, args)
}

func (p *physical) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	return drivercall.QueryDirect(ctx, p.Conn, q, args)
}

func (p *physical) Ping(ctx context.Context) error {
	if pg, ok := p.Conn.(driver.Pinger); ok {
		return pg.Ping(ctx)
	}
	return nil
}

func (p *physical) ResetSession(ctx context.Context) error {
	if p.stale() {
		return driver.ErrBadConn
	}
	if r, ok := p.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (p *physical) IsValid() bool {
	if p.stale() {
		return false
	}
	if v, ok := p.Conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

func (p *physical) CheckNamedValue(nv *driver.NamedValue) error {
	if c, ok := p.Conn.(driver.NamedValueChecker); ok {
		return c.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}
