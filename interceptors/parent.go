package interceptors

import (
	"context"
	"database/sql/driver"

	"github.com/grantsql/grant/internal/drivercall"
)

// parentConn gives a base connection the context interfaces the interceptor
// methods take, falling back to the legacy methods as database/sql does.
type parentConn struct{ driver.Conn }

func (c parentConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return drivercall.Begin(ctx, c.Conn, opts)
}

func (c parentConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return drivercall.Prepare(ctx, c.Conn, query)
}

func (c parentConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	return drivercall.ExecDirect(ctx, c.Conn, query, args)
}

func (c parentConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	return drivercall.QueryDirect(ctx, c.Conn, query, args)
}

// parentStmt does the same for statements.
type parentStmt struct{ driver.Stmt }

func (s parentStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	return drivercall.StmtExec(ctx, s.Stmt, args)
}

func (s parentStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	return drivercall.StmtQuery(ctx, s.Stmt, args)
}
