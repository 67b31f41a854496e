package interceptors

import (
	"context"
	"database/sql/driver"
	"errors"
)

// parentConn gives a base connection the context interfaces the interceptor
// methods take, falling back to the legacy methods as database/sql does.
type parentConn struct{ driver.Conn }

func (c parentConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if b, ok := c.Conn.(driver.ConnBeginTx); ok {
		return b.BeginTx(ctx, opts)
	}
	if opts.Isolation != driver.IsolationLevel(0) || opts.ReadOnly {
		return nil, errors.New("driver does not support non-default isolation level or read-only transactions")
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return c.Conn.Begin() //nolint:staticcheck // legacy fallback
}

func (c parentConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	if p, ok := c.Conn.(driver.ConnPrepareContext); ok {
		return p.PrepareContext(ctx, query)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return c.Conn.Prepare(query)
}

func (c parentConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if e, ok := c.Conn.(driver.ExecerContext); ok {
		return e.ExecContext(ctx, query, args)
	}
	vals, err := values(args)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return c.Conn.(driver.Execer).Exec(query, vals) //nolint:staticcheck // legacy fallback
}

func (c parentConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if q, ok := c.Conn.(driver.QueryerContext); ok {
		return q.QueryContext(ctx, query, args)
	}
	vals, err := values(args)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return c.Conn.(driver.Queryer).Query(query, vals) //nolint:staticcheck // legacy fallback
}

// parentStmt does the same for statements.
type parentStmt struct{ driver.Stmt }

func (s parentStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	if e, ok := s.Stmt.(driver.StmtExecContext); ok {
		return e.ExecContext(ctx, args)
	}
	vals, err := values(args)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.Stmt.Exec(vals) //nolint:staticcheck // legacy fallback
}

func (s parentStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	if q, ok := s.Stmt.(driver.StmtQueryContext); ok {
		return q.QueryContext(ctx, args)
	}
	vals, err := values(args)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.Stmt.Query(vals) //nolint:staticcheck // legacy fallback
}

// values converts named arguments for a legacy driver, which cannot take names.
func values(named []driver.NamedValue) ([]driver.Value, error) {
	out := make([]driver.Value, len(named))
	for i, nv := range named {
		if nv.Name != "" {
			return nil, errors.New("driver does not support the use of Named Parameters")
		}
		out[i] = nv.Value
	}
	return out, nil
}
