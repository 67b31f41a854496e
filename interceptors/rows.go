package interceptors

import (
	"context"
	"database/sql/driver"
	"io"
	"reflect"

	"github.com/ngrok/sqlmw"
)

// wrappedRows is a result set seen through one interceptor: Next and Close
// run through the interceptor's RowsNext and RowsClose hooks.
//
// It implements every optional rows interface of database/sql/driver,
// answering as the wrapped rows do or, where they lack one, exactly as
// database/sql does without it (no further result set, no type name, no
// length, unknown nullability, no precision, scan type any), so what the
// application sees does not change. Under Go 1.27 the rows are a
// scannerRows instead when the wrapped rows implement
// driver.RowsColumnScanner (rows_go127.go): its mere presence changes how
// database/sql reads a row, so it is offered only when the base has it.
type wrappedRows struct {
	intr   sqlmw.Interceptor
	ctx    context.Context
	parent driver.Rows
}

var (
	_ driver.Rows                           = (*wrappedRows)(nil)
	_ driver.RowsNextResultSet              = (*wrappedRows)(nil)
	_ driver.RowsColumnTypeDatabaseTypeName = (*wrappedRows)(nil)
	_ driver.RowsColumnTypeLength           = (*wrappedRows)(nil)
	_ driver.RowsColumnTypeNullable         = (*wrappedRows)(nil)
	_ driver.RowsColumnTypePrecisionScale   = (*wrappedRows)(nil)
	_ driver.RowsColumnTypeScanType         = (*wrappedRows)(nil)
)

// wrapRows returns rows seen through intr, with ctx the context the
// interceptor returned from the query.
func wrapRows(ctx context.Context, intr sqlmw.Interceptor, rows driver.Rows) driver.Rows {
	return newRows(wrappedRows{intr: intr, ctx: ctx, parent: rows})
}

func (r *wrappedRows) Columns() []string { return r.parent.Columns() }
func (r *wrappedRows) Close() error      { return r.intr.RowsClose(r.ctx, r.parent) }

func (r *wrappedRows) Next(dest []driver.Value) error {
	return r.intr.RowsNext(r.ctx, r.parent, dest)
}

// HasNextResultSet reports whether another result set follows; false when
// the wrapped rows cannot tell, as database/sql assumes.
func (r *wrappedRows) HasNextResultSet() bool {
	if m, ok := r.parent.(driver.RowsNextResultSet); ok {
		return m.HasNextResultSet()
	}
	return false
}

// NextResultSet advances to the next result set; io.EOF when the wrapped
// rows have no such method, which database/sql treats as their absence
// (the rows end).
func (r *wrappedRows) NextResultSet() error {
	if m, ok := r.parent.(driver.RowsNextResultSet); ok {
		return m.NextResultSet()
	}
	return io.EOF
}

// ColumnTypeDatabaseTypeName returns the wrapped rows' type name, or "".
func (r *wrappedRows) ColumnTypeDatabaseTypeName(i int) string {
	if m, ok := r.parent.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return m.ColumnTypeDatabaseTypeName(i)
	}
	return ""
}

// ColumnTypeLength returns the wrapped rows' column length, or (0, false).
func (r *wrappedRows) ColumnTypeLength(i int) (length int64, ok bool) {
	if m, ok := r.parent.(driver.RowsColumnTypeLength); ok {
		return m.ColumnTypeLength(i)
	}
	return 0, false
}

// ColumnTypeNullable returns the wrapped rows' nullability, or (false,
// false).
func (r *wrappedRows) ColumnTypeNullable(i int) (nullable, ok bool) {
	if m, ok := r.parent.(driver.RowsColumnTypeNullable); ok {
		return m.ColumnTypeNullable(i)
	}
	return false, false
}

// ColumnTypePrecisionScale returns the wrapped rows' decimal size, or
// (0, 0, false).
func (r *wrappedRows) ColumnTypePrecisionScale(i int) (precision, scale int64, ok bool) {
	if m, ok := r.parent.(driver.RowsColumnTypePrecisionScale); ok {
		return m.ColumnTypePrecisionScale(i)
	}
	return 0, 0, false
}

// ColumnTypeScanType returns the wrapped rows' scan type, or the type of
// any, which database/sql reports for rows without one.
func (r *wrappedRows) ColumnTypeScanType(i int) reflect.Type {
	if m, ok := r.parent.(driver.RowsColumnTypeScanType); ok {
		return m.ColumnTypeScanType(i)
	}
	return anyType
}

var anyType = reflect.TypeFor[any]()
