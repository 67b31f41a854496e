package otelgrant

import (
	"context"
	"database/sql/driver"
	"io"
	"sync/atomic"
	"time"

	"github.com/ngrok/sqlmw"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/registry"
)

// ScopeName is the instrumentation scope of Grant's spans and metrics.
const ScopeName = "github.com/grantsql/grant/otel"

// The attributes Grant adds to spans and metrics, beside db.system.name and
// db.query.text.
const (
	NodeKey     = attribute.Key("grant.node")     // "s1.replicas[0]"
	DatabaseKey = attribute.Key("grant.database") // "s1": in a sharded cluster, the shard
	RoleKey     = attribute.Key("grant.role")     // "primary" or "replica"
	RowsKey     = attribute.Key("grant.rows")     // rows a query returned
)

// Trace returns a grant.Option that makes a span of every call Grant makes
// on a node, a child of the span in the call's context; see the package
// documentation.
func Trace(opts ...Option) grant.Option {
	cfg := newConfig(opts)
	tracer := cfg.tracerProvider.Tracer(ScopeName)
	return grant.WithInterceptors(func(n *registry.Node) []sqlmw.Interceptor {
		attrs := append(NodeAttributes(n), cfg.attrs...)
		return []sqlmw.Interceptor{&nodeTracer{tracer: tracer, cfg: &cfg, attrs: attrs}}
	})
}

// NodeAttributes returns the attributes naming node n: db.system.name,
// grant.node, grant.database and grant.role.
func NodeAttributes(n *registry.Node) []attribute.KeyValue {
	return []attribute.KeyValue{System(n.Dialect()), NodeKey.String(n.Name),
		DatabaseKey.String(n.Database), RoleKey.String(n.Role.String())}
}

// System returns the db.system.name of a dialect.
func System(d dialect.Dialect) attribute.KeyValue {
	switch d {
	case dialect.Postgres:
		return semconv.DBSystemNamePostgreSQL
	case dialect.MySQL:
		return semconv.DBSystemNameMySQL
	case dialect.SQLite:
		return semconv.DBSystemNameSQLite
	}
	return semconv.DBSystemNameKey.String(d.String())
}

// nodeTracer is the interceptor of one node.
type nodeTracer struct {
	sqlmw.NullInterceptor
	tracer trace.Tracer
	cfg    *config
	attrs  []attribute.KeyValue
}

// traced reports whether a call under ctx gets a span.
func (t *nodeTracer) traced(ctx context.Context) bool {
	return t.cfg.rootSpans || trace.SpanContextFromContext(ctx).IsValid()
}

// span starts, at start, the span of a call that has returned err. A call
// the driver declined (driver.ErrSkip: database/sql retries it prepared,
// which has its own span) gets none: spans start once the call returned,
// back-dated to when it began, for that reason.
func (t *nodeTracer) span(ctx context.Context, name, query string, start time.Time, err error) (context.Context, trace.Span) {
	if err == driver.ErrSkip {
		return ctx, nil
	}
	if p := registry.Purpose(ctx); p != "" {
		name = "grant." + p // Grant's own statement: grant.catalog
	}
	attrs := t.attrs
	if query != "" && t.cfg.queryText {
		attrs = append(attrs[:len(attrs):len(attrs)], semconv.DBQueryText(query))
	}
	ctx, sp := t.tracer.Start(ctx, name, trace.WithTimestamp(start), trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attrs...))
	if err != nil {
		fail(sp, err)
	}
	return ctx, sp
}

// finish records the outcome of a call that takes no longer than its
// return.
func (t *nodeTracer) finish(ctx context.Context, name, query string, start time.Time, err error) {
	if _, sp := t.span(ctx, name, query, start, err); sp != nil {
		sp.End()
	}
}

func fail(sp trace.Span, err error) {
	sp.RecordError(err)
	sp.SetStatus(codes.Error, err.Error())
}

// query starts the span of a query, which lasts until its rows close.
func (t *nodeTracer) query(ctx context.Context, q string, start time.Time, rows driver.Rows, err error) (context.Context, driver.Rows, error) {
	sctx, sp := t.span(ctx, "grant.query", q, start, err)
	if sp == nil {
		return ctx, rows, err
	}
	if err != nil {
		sp.End()
		return ctx, rows, err
	}
	return context.WithValue(sctx, rowsKey{}, &rowsSpan{span: sp}), rows, nil
}

// rowsSpan is the span of a query whose rows are open.
type rowsSpan struct {
	span  trace.Span
	count atomic.Int64
	ended atomic.Bool
}

type rowsKey struct{}

func (t *nodeTracer) ConnectorConnect(ctx context.Context, c driver.Connector) (driver.Conn, error) {
	if !t.traced(ctx) {
		return c.Connect(ctx)
	}
	start := time.Now()
	conn, err := c.Connect(ctx)
	t.finish(ctx, "grant.connect", "", start, err)
	return conn, err
}

func (t *nodeTracer) ConnQueryContext(ctx context.Context, c driver.QueryerContext, q string, args []driver.NamedValue) (context.Context, driver.Rows, error) {
	if !t.traced(ctx) {
		rows, err := c.QueryContext(ctx, q, args)
		return ctx, rows, err
	}
	start := time.Now()
	rows, err := c.QueryContext(ctx, q, args)
	return t.query(ctx, q, start, rows, err)
}

func (t *nodeTracer) StmtQueryContext(ctx context.Context, s driver.StmtQueryContext, q string, args []driver.NamedValue) (context.Context, driver.Rows, error) {
	if !t.traced(ctx) {
		rows, err := s.QueryContext(ctx, args)
		return ctx, rows, err
	}
	start := time.Now()
	rows, err := s.QueryContext(ctx, args)
	return t.query(ctx, q, start, rows, err)
}

func (t *nodeTracer) RowsNext(ctx context.Context, rows driver.Rows, dest []driver.Value) error {
	err := rows.Next(dest)
	if rs, ok := ctx.Value(rowsKey{}).(*rowsSpan); ok {
		switch err {
		case nil:
			rs.count.Add(1)
		case io.EOF:
		default:
			fail(rs.span, err)
		}
	}
	return err
}

func (t *nodeTracer) RowsClose(ctx context.Context, rows driver.Rows) error {
	err := rows.Close()
	if rs, ok := ctx.Value(rowsKey{}).(*rowsSpan); ok && rs.ended.CompareAndSwap(false, true) {
		rs.span.SetAttributes(RowsKey.Int64(rs.count.Load()))
		if err != nil {
			fail(rs.span, err)
		}
		rs.span.End()
	}
	return err
}

func (t *nodeTracer) ConnExecContext(ctx context.Context, c driver.ExecerContext, q string, args []driver.NamedValue) (driver.Result, error) {
	if !t.traced(ctx) {
		return c.ExecContext(ctx, q, args)
	}
	start := time.Now()
	res, err := c.ExecContext(ctx, q, args)
	t.finish(ctx, "grant.exec", q, start, err)
	return res, err
}

func (t *nodeTracer) StmtExecContext(ctx context.Context, s driver.StmtExecContext, q string, args []driver.NamedValue) (driver.Result, error) {
	if !t.traced(ctx) {
		return s.ExecContext(ctx, args)
	}
	start := time.Now()
	res, err := s.ExecContext(ctx, args)
	t.finish(ctx, "grant.exec", q, start, err)
	return res, err
}

func (t *nodeTracer) ConnPrepareContext(ctx context.Context, c driver.ConnPrepareContext, q string) (context.Context, driver.Stmt, error) {
	if !t.traced(ctx) {
		st, err := c.PrepareContext(ctx, q)
		return ctx, st, err
	}
	start := time.Now()
	st, err := c.PrepareContext(ctx, q)
	t.finish(ctx, "grant.prepare", q, start, err)
	return ctx, st, err
}

func (t *nodeTracer) ConnBeginTx(ctx context.Context, c driver.ConnBeginTx, opts driver.TxOptions) (context.Context, driver.Tx, error) {
	if !t.traced(ctx) {
		tx, err := c.BeginTx(ctx, opts)
		return ctx, tx, err
	}
	start := time.Now()
	tx, err := c.BeginTx(ctx, opts)
	t.finish(ctx, "grant.begin", "", start, err)
	return ctx, tx, err
}

func (t *nodeTracer) TxCommit(ctx context.Context, tx driver.Tx) error {
	if !t.traced(ctx) {
		return tx.Commit()
	}
	start := time.Now()
	err := tx.Commit()
	t.finish(ctx, "grant.commit", "", start, err)
	return err
}

func (t *nodeTracer) TxRollback(ctx context.Context, tx driver.Tx) error {
	if !t.traced(ctx) {
		return tx.Rollback()
	}
	start := time.Now()
	err := tx.Rollback()
	t.finish(ctx, "grant.rollback", "", start, err)
	return err
}
