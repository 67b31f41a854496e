package interceptors

import (
	"context"
	"database/sql/driver"
	"fmt"
	"reflect"

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
// statement: its own checker, else its connection's; on driver.ErrSkip (or
// with no checker) its legacy ColumnConverter; else driver.ErrSkip, leaving
// the default conversion to database/sql. (Implementing the interface hides
// the connection's checker from database/sql, hence the explicit chain.)
func (s *wrappedStmt) CheckNamedValue(nv *driver.NamedValue) error {
	var check func(*driver.NamedValue) error
	if c, ok := s.parent.(driver.NamedValueChecker); ok {
		check = c.CheckNamedValue
	} else if c, ok := s.conn.(driver.NamedValueChecker); ok {
		check = c.CheckNamedValue
	}
	if check != nil {
		if err := check(nv); err != driver.ErrSkip {
			return err
		}
	}
	cc, ok := s.parent.(driver.ColumnConverter) //nolint:staticcheck // legacy drivers
	if !ok {
		return driver.ErrSkip
	}
	return columnConvert(cc, s.parent.NumInput(), nv)
}

// columnConvert is database/sql's conversion through a ColumnConverter.
func columnConvert(cc driver.ColumnConverter, want int, nv *driver.NamedValue) error { //nolint:staticcheck // legacy drivers
	index := nv.Ordinal - 1
	if want >= 0 && want <= index {
		return nil
	}
	if vr, ok := nv.Value.(driver.Valuer); ok {
		v, err := callValuer(vr)
		if err != nil {
			return err
		}
		if !driver.IsValue(v) {
			return fmt.Errorf("non-subset type %T returned from Value", v)
		}
		nv.Value = v
	}
	arg := nv.Value
	v, err := cc.ColumnConverter(index).ConvertValue(arg)
	if err != nil {
		return err
	}
	if !driver.IsValue(v) {
		return fmt.Errorf("driver ColumnConverter error converted %T to unsupported type %T", arg, v)
	}
	nv.Value = v
	return nil
}

// callValuer calls Value, treating a nil pointer whose Value method has a
// value receiver as NULL, as database/sql does.
func callValuer(vr driver.Valuer) (driver.Value, error) {
	if rv := reflect.ValueOf(vr); rv.Kind() == reflect.Pointer && rv.IsNil() &&
		rv.Type().Elem().Implements(reflect.TypeFor[driver.Valuer]()) {
		return nil, nil
	}
	return vr.Value()
}

func named(args []driver.Value) []driver.NamedValue {
	out := make([]driver.NamedValue, len(args))
	for i, v := range args {
		out[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
	}
	return out
}
