package interceptors

import (
	"context"
	"database/sql/driver"

	"github.com/ngrok/sqlmw"

	"github.com/grantsql/grant/internal/mirror"
)

// wrappedRows is the core of rows seen through one interceptor; wrapRows
// adds exactly the optional interfaces of the base rows.
type wrappedRows struct {
	intr   sqlmw.Interceptor
	ctx    context.Context
	parent driver.Rows
}

func wrapRows(ctx context.Context, intr sqlmw.Interceptor, rows driver.Rows) driver.Rows {
	return mirror.Rows(&wrappedRows{intr: intr, ctx: ctx, parent: rows})
}

// Base returns the rows this layer wraps.
func (r *wrappedRows) Base() driver.Rows { return r.parent }

func (r *wrappedRows) Columns() []string { return r.parent.Columns() }
func (r *wrappedRows) Close() error      { return r.intr.RowsClose(r.ctx, r.parent) }
func (r *wrappedRows) Next(dest []driver.Value) error {
	return r.intr.RowsNext(r.ctx, r.parent, dest)
}
