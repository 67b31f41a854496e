package interceptors

import (
	"context"
	"database/sql/driver"
	"io"
	"sync/atomic"

	"github.com/ngrok/sqlmw"
)

// Counters is an interceptor that counts what one node does. Put one in the
// chain of each node; read it with Snapshot. It is safe for concurrent use.
type Counters struct {
	sqlmw.NullInterceptor
	connects, queries, execs, prepares, begins, commits, rollbacks, rows, errors atomic.Int64
}

// CounterSnapshot is a point-in-time copy of a Counters.
type CounterSnapshot struct {
	Connects  int64 `json:"connects"`
	Queries   int64 `json:"queries"`
	Execs     int64 `json:"execs"`
	Prepares  int64 `json:"prepares"`
	Begins    int64 `json:"begins"`
	Commits   int64 `json:"commits"`
	Rollbacks int64 `json:"rollbacks"`
	Rows      int64 `json:"rows"`
	Errors    int64 `json:"errors"`
}

// NewCounters returns zeroed counters.
func NewCounters() *Counters { return &Counters{} }

// Snapshot returns the current counts.
func (c *Counters) Snapshot() CounterSnapshot {
	return CounterSnapshot{
		Connects: c.connects.Load(), Queries: c.queries.Load(), Execs: c.execs.Load(),
		Prepares: c.prepares.Load(), Begins: c.begins.Load(), Commits: c.commits.Load(),
		Rollbacks: c.rollbacks.Load(), Rows: c.rows.Load(), Errors: c.errors.Load(),
	}
}

// count records one call. A driver.ErrSkip is no call at all: the driver
// declined the fast path and database/sql retries through a prepared
// statement, which is counted then.
func (c *Counters) count(n *atomic.Int64, err error) {
	if err == driver.ErrSkip {
		return
	}
	n.Add(1)
	if err != nil {
		c.errors.Add(1)
	}
}

func (c *Counters) ConnectorConnect(ctx context.Context, conn driver.Connector) (driver.Conn, error) {
	dc, err := conn.Connect(ctx)
	c.count(&c.connects, err)
	return dc, err
}

func (c *Counters) ConnExecContext(ctx context.Context, conn driver.ExecerContext, q string, args []driver.NamedValue) (driver.Result, error) {
	r, err := conn.ExecContext(ctx, q, args)
	c.count(&c.execs, err)
	return r, err
}

func (c *Counters) ConnQueryContext(ctx context.Context, conn driver.QueryerContext, q string, args []driver.NamedValue) (context.Context, driver.Rows, error) {
	r, err := conn.QueryContext(ctx, q, args)
	c.count(&c.queries, err)
	return ctx, r, err
}

func (c *Counters) ConnPrepareContext(ctx context.Context, conn driver.ConnPrepareContext, q string) (context.Context, driver.Stmt, error) {
	s, err := conn.PrepareContext(ctx, q)
	c.count(&c.prepares, err)
	return ctx, s, err
}

func (c *Counters) StmtExecContext(ctx context.Context, s driver.StmtExecContext, _ string, args []driver.NamedValue) (driver.Result, error) {
	r, err := s.ExecContext(ctx, args)
	c.count(&c.execs, err)
	return r, err
}

func (c *Counters) StmtQueryContext(ctx context.Context, s driver.StmtQueryContext, _ string, args []driver.NamedValue) (context.Context, driver.Rows, error) {
	r, err := s.QueryContext(ctx, args)
	c.count(&c.queries, err)
	return ctx, r, err
}

func (c *Counters) ConnBeginTx(ctx context.Context, conn driver.ConnBeginTx, opts driver.TxOptions) (context.Context, driver.Tx, error) {
	tx, err := conn.BeginTx(ctx, opts)
	c.count(&c.begins, err)
	return ctx, tx, err
}

func (c *Counters) TxCommit(_ context.Context, tx driver.Tx) error {
	err := tx.Commit()
	c.count(&c.commits, err)
	return err
}

func (c *Counters) TxRollback(_ context.Context, tx driver.Tx) error {
	err := tx.Rollback()
	c.count(&c.rollbacks, err)
	return err
}

func (c *Counters) RowsNext(_ context.Context, rows driver.Rows, dest []driver.Value) error {
	err := rows.Next(dest)
	if err == nil {
		c.rows.Add(1)
	} else if err != io.EOF {
		c.errors.Add(1)
	}
	return err
}
