package grant

import (
	"context"
	"database/sql/driver"
	"errors"
	"strconv"
)

// convertArgs converts args in place for a physical connection (and, for a
// physical prepared statement, that statement) exactly as database/sql would
// have for it: Conn.CheckNamedValue accepted every value unchanged, so each
// argument still has the type the application passed.
func convertArgs(dc driver.Conn, st driver.Stmt, args []driver.NamedValue) ([]driver.NamedValue, error) {
	var check func(*driver.NamedValue) error
	if c, ok := st.(driver.NamedValueChecker); ok {
		check = c.CheckNamedValue
	} else if c, ok := dc.(driver.NamedValueChecker); ok {
		check = c.CheckNamedValue
	}
	n := 0
	for i := range args {
		nv := &args[i] // in place: a copy's address would escape to the checker
		err := driver.ErrSkip
		if check != nil {
			err = check(nv)
		}
		if err == driver.ErrSkip {
			nv.Value, err = driver.DefaultParameterConverter.ConvertValue(nv.Value)
		}
		switch {
		case err == driver.ErrRemoveArgument:
			continue
		case err != nil:
			return nil, &ArgError{Ordinal: nv.Ordinal, Name: nv.Name, Err: err}
		}
		args[n] = *nv
		n++
	}
	return args[:n], nil
}

// ArgError is an argument the real driver refused.
type ArgError struct {
	Ordinal int
	Name    string
	Err     error
}

func (e *ArgError) Error() string {
	if e.Name != "" {
		return "grant: converting argument $" + strconv.Itoa(e.Ordinal) + " (" + e.Name + "): " + e.Err.Error()
	}
	return "grant: converting argument $" + strconv.Itoa(e.Ordinal) + ": " + e.Err.Error()
}

// Unwrap returns the converter's error.
func (e *ArgError) Unwrap() error { return e.Err }

// query runs a query on a driver connection. When the driver has no direct
// query (driver.ErrSkip), it prepares, queries and closes the statement with
// the rows, as database/sql does.
func query(ctx context.Context, dc driver.Conn, q string, args []driver.NamedValue) (driver.Rows, driver.Stmt, error) {
	if qc, ok := dc.(driver.QueryerContext); ok {
		conv, err := convertArgs(dc, nil, args)
		if err != nil {
			return nil, nil, err
		}
		rows, err := qc.QueryContext(ctx, q, conv)
		if err != driver.ErrSkip {
			return rows, nil, err
		}
	}
	st, err := prepare(ctx, dc, q)
	if err != nil {
		return nil, nil, err
	}
	conv, err := convertArgs(dc, st, args)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	rows, err := st.(driver.StmtQueryContext).QueryContext(ctx, conv)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return rows, st, nil
}

// exec runs a statement on a driver connection, with the same fallback.
func exec(ctx context.Context, dc driver.Conn, q string, args []driver.NamedValue) (driver.Result, error) {
	if ec, ok := dc.(driver.ExecerContext); ok {
		conv, err := convertArgs(dc, nil, args)
		if err != nil {
			return nil, err
		}
		res, err := ec.ExecContext(ctx, q, conv)
		if err != driver.ErrSkip {
			return res, err
		}
	}
	st, err := prepare(ctx, dc, q)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	conv, err := convertArgs(dc, st, args)
	if err != nil {
		return nil, err
	}
	return st.(driver.StmtExecContext).ExecContext(ctx, conv)
}

// prepare prepares q and gives the statement the context methods.
func prepare(ctx context.Context, dc driver.Conn, q string) (driver.Stmt, error) {
	var st driver.Stmt
	var err error
	if pc, ok := dc.(driver.ConnPrepareContext); ok {
		st, err = pc.PrepareContext(ctx, q)
	} else {
		st, err = dc.Prepare(q)
	}
	if err != nil {
		return nil, err
	}
	if _, ok := st.(driver.StmtQueryContext); !ok {
		st.Close()
		return nil, errors.New("grant: the driver's statements lack QueryContext/ExecContext")
	}
	return st, nil
}
