package grant

import (
	"context"
	"database/sql/driver"

	"github.com/grantsql/grant/internal/engine"
)

// Stmt is a virtual prepared statement. Each execution is routed like a
// direct statement and runs as a statement prepared on the physical
// connection it lands on: the first execution there prepares it on the
// server, later ones reuse it (pool.statement_cache bounds how many each
// physical connection keeps).
type Stmt struct {
	s     *engine.Session
	query string
}

var (
	_ driver.Stmt              = (*Stmt)(nil)
	_ driver.StmtExecContext   = (*Stmt)(nil)
	_ driver.StmtQueryContext  = (*Stmt)(nil)
	_ driver.NamedValueChecker = (*Stmt)(nil)
)

// Close releases nothing: the server-side statements belong to the
// physical connections, which close them when they close or need room.
func (s *Stmt) Close() error { return nil }

// NumInput returns -1: the real driver checks the argument count.
func (s *Stmt) NumInput() int { return -1 }

// CheckNamedValue accepts every argument unchanged; see Conn.CheckNamedValue.
func (s *Stmt) CheckNamedValue(*driver.NamedValue) error { return nil }

// Exec runs the statement without a context.
func (s *Stmt) Exec(args []driver.Value) (driver.Result, error) {
	return s.ExecContext(context.Background(), namedArgs(args))
}

// Query runs the query without a context.
func (s *Stmt) Query(args []driver.Value) (driver.Rows, error) {
	return s.QueryContext(context.Background(), namedArgs(args))
}

// ExecContext routes and runs the statement.
func (s *Stmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	return s.s.Exec(ctx, s.query, args, true)
}

// QueryContext routes and runs the query.
func (s *Stmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	return s.s.Query(ctx, s.query, args, true)
}

func namedArgs(args []driver.Value) []driver.NamedValue {
	out := make([]driver.NamedValue, len(args))
	for i, v := range args {
		out[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
	}
	return out
}
