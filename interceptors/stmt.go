package interceptors

import (
	"context"
	"database/sql/driver"
	"fmt"

	"github.com/ngrok/sqlmw"
)

// wrappedStmt is a prepared statement seen through one interceptor.
type wrappedStmt struct {
	intr   sqlmw.Interceptor
	ctx    context.Context
	query  string
	parent driver.Stmt
	conn   driver.Conn
}

var (
	_ driver.Stmt              = (*wrappedStmt)(nil)
	_ driver.StmtExecContext   = (*wrappedStmt)(nil)
	_ driver.StmtQueryContext  = (*wrappedStmt)(nil)
	_ driver.NamedValueChecker = (*wrappedStmt)(nil)
)

func (s *wrappedStmt) Close() error  { return s.intr.StmtClose(s.ctx, s.parent) }
func (s *wrappedStmt) NumInput() int { return s.parent.NumInput() }

func (s *wrappedStmt) Exec(args []driver.Value) (driver.Result, error) {
	return s.ExecContext(context.Background(), named(args))
}

func (s *wrappedStmt) Query(args []driver.Value) (driver.Rows, error) {
	return s.QueryContext(context.Background(), named(args))
}

func (s *wrappedStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	res, err := s.intr.StmtExecContext(ctx, parentStmt{s.parent}, s.query, args)
	if err != nil {
		return nil, err
	}
	return wrappedResult{intr: s.intr, parent: res}, nil
}

func (s *wrappedStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	ctx, rows, err := s.intr.StmtQueryContext(ctx, parentStmt{s.parent}, s.query, args)
	if err != nil {
		return nil, err
	}
	return wrapRows(ctx, s.intr, rows), nil
}

// CheckNamedValue converts an argument as database/sql would for the base
// statement: its own checker first, then its connection's, then its legacy
// ColumnConverter; driver.ErrSkip leaves the default conversion to
// database/sql. (Implementing the interface hides the connection's checker
// from database/sql, hence the explicit chain.)
func (s *wrappedStmt) CheckNamedValue(nv *driver.NamedValue) error {
	if c, ok := s.parent.(driver.NamedValueChecker); ok {
		return c.CheckNamedValue(nv)
	}
	if c, ok := s.conn.(driver.NamedValueChecker); ok {
		return c.CheckNamedValue(nv)
	}
	cc, ok := s.parent.(driver.ColumnConverter) //nolint:staticcheck // legacy drivers
	if !ok {
		return driver.ErrSkip
	}
	if n := s.parent.NumInput(); n >= 0 && nv.Ordinal > n {
		return nil
	}
	if vr, ok := nv.Value.(driver.Valuer); ok {
		v, err := vr.Value()
		if err != nil {
			return err
		}
		if !driver.IsValue(v) {
			return fmt.Errorf("non-Value type %T returned from Value", v)
		}
		nv.Value = v
		return nil
	}
	v, err := cc.ColumnConverter(nv.Ordinal - 1).ConvertValue(nv.Value)
	if err != nil {
		return err
	}
	if !driver.IsValue(v) {
		return fmt.Errorf("driver ColumnConverter error converted %T to unsupported type %T", nv.Value, v)
	}
	nv.Value = v
	return nil
}

func named(args []driver.Value) []driver.NamedValue {
	out := make([]driver.NamedValue, len(args))
	for i, v := range args {
		out[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
	}
	return out
}
