package interceptors

import (
	"context"
	"database/sql/driver"

	"github.com/ngrok/sqlmw"
)

// wrappedConn is a physical connection seen through one interceptor. It
// implements every optional connection interface; where the base lacks one
// it answers exactly as database/sql would without it (driver.ErrSkip, nil,
// true), so behaviour does not change.
type wrappedConn struct {
	intr   sqlmw.Interceptor
	parent driver.Conn
}

var (
	_ driver.Conn               = (*wrappedConn)(nil)
	_ driver.ConnBeginTx        = (*wrappedConn)(nil)
	_ driver.ConnPrepareContext = (*wrappedConn)(nil)
	_ driver.ExecerContext      = (*wrappedConn)(nil)
	_ driver.QueryerContext     = (*wrappedConn)(nil)
	_ driver.Pinger             = (*wrappedConn)(nil)
	_ driver.SessionResetter    = (*wrappedConn)(nil)
	_ driver.Validator          = (*wrappedConn)(nil)
	_ driver.NamedValueChecker  = (*wrappedConn)(nil)
)

// Unwrap returns the connection this layer wraps.
func (c *wrappedConn) Unwrap() driver.Conn { return c.parent }

// base returns the real driver connection under every layer: what it can do
// decides what every layer offers, so no interceptor sees a call the base
// would refuse.
func (c *wrappedConn) base() driver.Conn {
	if b, ok := Unwrap(c.parent).(driver.Conn); ok {
		return b
	}
	return c.parent
}

func (c *wrappedConn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

func (c *wrappedConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	ctx, s, err := c.intr.ConnPrepareContext(ctx, parentConn{c.parent}, query)
	if err != nil {
		return nil, err
	}
	return &wrappedStmt{intr: c.intr, ctx: ctx, query: query, parent: s, conn: c.parent}, nil
}

func (c *wrappedConn) Close() error { return c.parent.Close() }

func (c *wrappedConn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

func (c *wrappedConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	ctx, tx, err := c.intr.ConnBeginTx(ctx, parentConn{c.parent}, opts)
	if err != nil {
		return nil, err
	}
	return wrappedTx{intr: c.intr, ctx: ctx, parent: tx}, nil
}

func (c *wrappedConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if !canExec(c.base()) {
		return nil, driver.ErrSkip
	}
	res, err := c.intr.ConnExecContext(ctx, parentConn{c.parent}, query, args)
	if err != nil {
		return nil, err
	}
	return wrappedResult{intr: c.intr, parent: res}, nil
}

func (c *wrappedConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if !canQuery(c.base()) {
		return nil, driver.ErrSkip
	}
	ctx, rows, err := c.intr.ConnQueryContext(ctx, parentConn{c.parent}, query, args)
	if err != nil {
		return nil, err
	}
	return wrapRows(ctx, c.intr, rows), nil
}

func (c *wrappedConn) Ping(ctx context.Context) error {
	if _, ok := c.base().(driver.Pinger); ok {
		return c.intr.ConnPing(ctx, c.parent.(driver.Pinger))
	}
	return nil
}

func (c *wrappedConn) ResetSession(ctx context.Context) error {
	if r, ok := c.parent.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *wrappedConn) IsValid() bool {
	if v, ok := c.parent.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

func (c *wrappedConn) CheckNamedValue(nv *driver.NamedValue) error {
	if v, ok := c.parent.(driver.NamedValueChecker); ok {
		return v.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

func canExec(c driver.Conn) bool {
	_, ctx := c.(driver.ExecerContext)
	_, legacy := c.(driver.Execer) //nolint:staticcheck // legacy drivers
	return ctx || legacy
}

func canQuery(c driver.Conn) bool {
	_, ctx := c.(driver.QueryerContext)
	_, legacy := c.(driver.Queryer) //nolint:staticcheck // legacy drivers
	return ctx || legacy
}
