package interceptors_test

import (
	"context"
	"database/sql/driver"

	"github.com/ngrok/sqlmw"

	"github.com/grantsql/grant/internal/fakedb"
)

// recorder is an interceptor that logs "<name>><op>" into the fake's log
// before it calls through and "<name><<op>" after, so the log shows the
// nesting of a chain and where the base was reached.
type recorder struct {
	name string
	db   *fakedb.DB
}

var _ sqlmw.Interceptor = recorder{}

func (r recorder) around(op string, f func() error) error {
	r.db.Note(r.name + ">" + op)
	err := f()
	r.db.Note(r.name + "<" + op)
	return err
}

func (r recorder) ConnBeginTx(ctx context.Context, c driver.ConnBeginTx, o driver.TxOptions) (context.Context, driver.Tx, error) {
	var tx driver.Tx
	err := r.around("begin", func() (err error) { tx, err = c.BeginTx(ctx, o); return err })
	return ctx, tx, err
}

func (r recorder) ConnPrepareContext(ctx context.Context, c driver.ConnPrepareContext, q string) (context.Context, driver.Stmt, error) {
	var s driver.Stmt
	err := r.around("prepare", func() (err error) { s, err = c.PrepareContext(ctx, q); return err })
	return ctx, s, err
}

func (r recorder) ConnPing(ctx context.Context, c driver.Pinger) error {
	return r.around("ping", func() error { return c.Ping(ctx) })
}

func (r recorder) ConnExecContext(ctx context.Context, c driver.ExecerContext, q string, args []driver.NamedValue) (driver.Result, error) {
	var res driver.Result
	err := r.around("exec", func() (err error) { res, err = c.ExecContext(ctx, q, args); return err })
	return res, err
}

func (r recorder) ConnQueryContext(ctx context.Context, c driver.QueryerContext, q string, args []driver.NamedValue) (context.Context, driver.Rows, error) {
	var rows driver.Rows
	err := r.around("query", func() (err error) { rows, err = c.QueryContext(ctx, q, args); return err })
	return ctx, rows, err
}

func (r recorder) ConnectorConnect(ctx context.Context, c driver.Connector) (driver.Conn, error) {
	var conn driver.Conn
	err := r.around("connect", func() (err error) { conn, err = c.Connect(ctx); return err })
	return conn, err
}

func (r recorder) ResultLastInsertId(res driver.Result) (int64, error) {
	var n int64
	err := r.around("lastInsertId", func() (err error) { n, err = res.LastInsertId(); return err })
	return n, err
}

func (r recorder) ResultRowsAffected(res driver.Result) (int64, error) {
	var n int64
	err := r.around("rowsAffected", func() (err error) { n, err = res.RowsAffected(); return err })
	return n, err
}

func (r recorder) RowsNext(_ context.Context, rows driver.Rows, dest []driver.Value) error {
	return r.around("next", func() error { return rows.Next(dest) })
}

func (r recorder) RowsClose(_ context.Context, rows driver.Rows) error {
	return r.around("rowsClose", rows.Close)
}

func (r recorder) StmtExecContext(ctx context.Context, s driver.StmtExecContext, _ string, args []driver.NamedValue) (driver.Result, error) {
	var res driver.Result
	err := r.around("stmtExec", func() (err error) { res, err = s.ExecContext(ctx, args); return err })
	return res, err
}

func (r recorder) StmtQueryContext(ctx context.Context, s driver.StmtQueryContext, _ string, args []driver.NamedValue) (context.Context, driver.Rows, error) {
	var rows driver.Rows
	err := r.around("stmtQuery", func() (err error) { rows, err = s.QueryContext(ctx, args); return err })
	return ctx, rows, err
}

func (r recorder) StmtClose(_ context.Context, s driver.Stmt) error {
	return r.around("stmtClose", s.Close)
}

func (r recorder) TxCommit(_ context.Context, tx driver.Tx) error {
	return r.around("commit", tx.Commit)
}

func (r recorder) TxRollback(_ context.Context, tx driver.Tx) error {
	return r.around("rollback", tx.Rollback)
}

// nested is the log a chain of recorders a, b writes around base calls.
func nested(op string, base ...string) []string {
	out := append([]string{"a>" + op, "b>" + op}, base...)
	return append(out, "b<"+op, "a<"+op)
}
