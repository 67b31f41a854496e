// Package drivercall calls a database/sql/driver connection the way
// database/sql does: through the context interfaces when the driver has
// them, else through the legacy methods, and through a prepared statement
// when the driver cannot query or execute directly (driver.ErrSkip). Every
// part of Grant that talks to a driver connection (the interceptors, the
// registry's physical connections, the replica probes) calls it through
// this one ladder.
package drivercall

import (
	"context"
	"database/sql/driver"
	"errors"
)

// ErrNoContextStmt is returned for a driver statement that has neither the
// context methods nor working legacy ones.
var ErrNoContextStmt = errors.New("grant: the driver's statement supports neither QueryContext/ExecContext nor Query/Exec")

// Begin begins a transaction on c with opts: BeginTx when c has it, else
// the legacy Begin, which cannot honour an isolation level or read-only.
func Begin(ctx context.Context, c driver.Conn, opts driver.TxOptions) (driver.Tx, error) {
	if b, ok := c.(driver.ConnBeginTx); ok {
		return b.BeginTx(ctx, opts)
	}
	// The same refusals, in the same words, as database/sql's.
	if opts.Isolation != driver.IsolationLevel(0) {
		return nil, errors.New("grant: driver does not support non-default isolation level")
	}
	if opts.ReadOnly {
		return nil, errors.New("grant: driver does not support read-only transactions")
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return c.Begin() //nolint:staticcheck // the legacy fallback, as database/sql
}

// Prepare prepares q on c: PrepareContext when c has it, else Prepare.
func Prepare(ctx context.Context, c driver.Conn, q string) (driver.Stmt, error) {
	if p, ok := c.(driver.ConnPrepareContext); ok {
		return p.PrepareContext(ctx, q)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return c.Prepare(q)
}

// QueryDirect runs q on c without preparing it: QueryContext when c has
// it, else the legacy Query. It returns driver.ErrSkip when c has neither,
// or when the driver asks for a prepared statement.
func QueryDirect(ctx context.Context, c driver.Conn, q string, args []driver.NamedValue) (driver.Rows, error) {
	if qc, ok := c.(driver.QueryerContext); ok {
		return qc.QueryContext(ctx, q, args)
	}
	if qc, ok := c.(driver.Queryer); ok { //nolint:staticcheck // the legacy fallback
		vals, err := Values(args)
		if err != nil {
			return nil, err
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return qc.Query(q, vals)
	}
	return nil, driver.ErrSkip
}

// ExecDirect runs q on c without preparing it, like QueryDirect.
func ExecDirect(ctx context.Context, c driver.Conn, q string, args []driver.NamedValue) (driver.Result, error) {
	if ec, ok := c.(driver.ExecerContext); ok {
		return ec.ExecContext(ctx, q, args)
	}
	if ec, ok := c.(driver.Execer); ok { //nolint:staticcheck // the legacy fallback
		vals, err := Values(args)
		if err != nil {
			return nil, err
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return ec.Exec(q, vals)
	}
	return nil, driver.ErrSkip
}

// StmtQuery runs a prepared statement's query: QueryContext when the
// statement has it, else the legacy Query.
func StmtQuery(ctx context.Context, s driver.Stmt, args []driver.NamedValue) (driver.Rows, error) {
	if q, ok := s.(driver.StmtQueryContext); ok {
		return q.QueryContext(ctx, args)
	}
	vals, err := Values(args)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.Query(vals) //nolint:staticcheck // the legacy fallback
}

// StmtExec runs a prepared statement, like StmtQuery.
func StmtExec(ctx context.Context, s driver.Stmt, args []driver.NamedValue) (driver.Result, error) {
	if e, ok := s.(driver.StmtExecContext); ok {
		return e.ExecContext(ctx, args)
	}
	vals, err := Values(args)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.Exec(vals) //nolint:staticcheck // the legacy fallback
}

// Values converts named arguments for a legacy method, which cannot take
// names.
func Values(named []driver.NamedValue) ([]driver.Value, error) {
	out := make([]driver.Value, len(named))
	for i, nv := range named {
		if nv.Name != "" {
			return nil, errors.New("grant: driver does not support the use of Named Parameters")
		}
		out[i] = nv.Value
	}
	return out, nil
}

// Converter converts arguments for the connection c (st nil) or for its
// statement st, as database/sql does before each driver call.
type Converter func(c driver.Conn, st driver.Stmt, args []driver.NamedValue) ([]driver.NamedValue, error)

// Query runs q on c: directly when the driver can, else through a
// statement prepared for it, which is returned for the caller to close
// after the rows (nil otherwise). convert, when not nil, converts args
// before each call.
func Query(ctx context.Context, c driver.Conn, q string, args []driver.NamedValue, convert Converter) (driver.Rows, driver.Stmt, error) {
	conv, err := converted(convert, c, nil, args)
	if err != nil {
		return nil, nil, err
	}
	rows, err := QueryDirect(ctx, c, q, conv)
	if err != driver.ErrSkip {
		return rows, nil, err
	}
	st, err := Prepare(ctx, c, q)
	if err != nil {
		return nil, nil, err
	}
	if conv, err = converted(convert, c, st, args); err == nil {
		if rows, err = StmtQuery(ctx, st, conv); err == nil {
			return rows, st, nil
		}
	}
	st.Close()
	return nil, nil, err
}

// Exec runs q on c like Query, for a statement that returns no rows.
func Exec(ctx context.Context, c driver.Conn, q string, args []driver.NamedValue, convert Converter) (driver.Result, error) {
	conv, err := converted(convert, c, nil, args)
	if err != nil {
		return nil, err
	}
	res, err := ExecDirect(ctx, c, q, conv)
	if err != driver.ErrSkip {
		return res, err
	}
	st, err := Prepare(ctx, c, q)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	if conv, err = converted(convert, c, st, args); err != nil {
		return nil, err
	}
	return StmtExec(ctx, st, conv)
}

func converted(convert Converter, c driver.Conn, st driver.Stmt, args []driver.NamedValue) ([]driver.NamedValue, error) {
	if convert == nil {
		return args, nil
	}
	return convert(c, st, args)
}
