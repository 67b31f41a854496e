package registry

import (
	"context"
	"database/sql/driver"
	"io"

	"github.com/grantsql/grant/internal/drivercall"
)

// physConnector makes the node's pool hold physical connections: the driver
// connections under the node's interceptors, each with the statements
// prepared on it.
type physConnector struct {
	inner driver.Connector
	cache int // statements kept per connection; 0: none
}

func (c physConnector) Connect(ctx context.Context) (driver.Conn, error) {
	dc, err := c.inner.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &physical{Conn: dc, stmts: newStmtCache(c.cache)}, nil
}

func (c physConnector) Driver() driver.Driver { return c.inner.Driver() }

// closingPhysConnector is a physConnector whose connector implements
// io.Closer; database/sql closes it in DB.Close.
type closingPhysConnector struct{ physConnector }

func (c closingPhysConnector) Close() error { return c.inner.(io.Closer).Close() }

func wrapConnector(inner driver.Connector, cache int) driver.Connector {
	c := physConnector{inner: inner, cache: cache}
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
	return p.Conn.Close()
}

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
	if r, ok := p.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (p *physical) IsValid() bool {
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
