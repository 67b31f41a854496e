package interceptors

import (
	"context"
	"database/sql/driver"
	"log/slog"
	"time"

	"github.com/ngrok/sqlmw"
)

// LogOptions configures the Logger interceptor.
type LogOptions struct {
	// Node names the physical node in every record (attribute "node").
	Node string
	// Args adds the statement's arguments to records. Off by default:
	// arguments often carry personal data and secrets.
	Args bool
	// Level is the level of successful calls; failed calls log at Error.
	// nil means slog.LevelDebug.
	Level slog.Leveler
}

// Logger returns an interceptor that writes one structured record per
// statement, prepare, begin, commit and rollback: the statement, the node,
// the duration and the error, if any.
func Logger(l *slog.Logger, opts LogOptions) sqlmw.Interceptor {
	if opts.Level == nil {
		opts.Level = slog.LevelDebug
	}
	return &logger{l: l, o: opts}
}

type logger struct {
	sqlmw.NullInterceptor
	l *slog.Logger
	o LogOptions
}

func (g *logger) log(ctx context.Context, op, query string, args []driver.NamedValue, start time.Time, err error) {
	if err == driver.ErrSkip {
		return // the driver declined the fast path; the prepared retry is logged
	}
	level := g.o.Level.Level()
	if err != nil {
		level = slog.LevelError
	}
	if !g.l.Enabled(ctx, level) {
		return
	}
	attrs := make([]slog.Attr, 0, 6)
	attrs = append(attrs, slog.String("node", g.o.Node), slog.String("op", op), slog.Duration("duration", time.Since(start)))
	if query != "" {
		attrs = append(attrs, slog.String("statement", query))
	}
	if g.o.Args && len(args) > 0 {
		vals := make([]any, len(args))
		for i, a := range args {
			vals[i] = a.Value
		}
		attrs = append(attrs, slog.Any("args", vals))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	g.l.LogAttrs(ctx, level, "grant "+op, attrs...)
}

func (g *logger) ConnExecContext(ctx context.Context, c driver.ExecerContext, q string, args []driver.NamedValue) (driver.Result, error) {
	start := time.Now()
	r, err := c.ExecContext(ctx, q, args)
	g.log(ctx, "exec", q, args, start, err)
	return r, err
}

func (g *logger) ConnQueryContext(ctx context.Context, c driver.QueryerContext, q string, args []driver.NamedValue) (context.Context, driver.Rows, error) {
	start := time.Now()
	r, err := c.QueryContext(ctx, q, args)
	g.log(ctx, "query", q, args, start, err)
	return ctx, r, err
}

func (g *logger) ConnPrepareContext(ctx context.Context, c driver.ConnPrepareContext, q string) (context.Context, driver.Stmt, error) {
	start := time.Now()
	s, err := c.PrepareContext(ctx, q)
	g.log(ctx, "prepare", q, nil, start, err)
	return ctx, s, err
}

func (g *logger) StmtExecContext(ctx context.Context, s driver.StmtExecContext, q string, args []driver.NamedValue) (driver.Result, error) {
	start := time.Now()
	r, err := s.ExecContext(ctx, args)
	g.log(ctx, "stmt exec", q, args, start, err)
	return r, err
}

func (g *logger) StmtQueryContext(ctx context.Context, s driver.StmtQueryContext, q string, args []driver.NamedValue) (context.Context, driver.Rows, error) {
	start := time.Now()
	r, err := s.QueryContext(ctx, args)
	g.log(ctx, "stmt query", q, args, start, err)
	return ctx, r, err
}

func (g *logger) ConnBeginTx(ctx context.Context, c driver.ConnBeginTx, opts driver.TxOptions) (context.Context, driver.Tx, error) {
	start := time.Now()
	tx, err := c.BeginTx(ctx, opts)
	g.log(ctx, "begin", "", nil, start, err)
	return ctx, tx, err
}

func (g *logger) TxCommit(ctx context.Context, tx driver.Tx) error {
	start := time.Now()
	err := tx.Commit()
	g.log(ctx, "commit", "", nil, start, err)
	return err
}

func (g *logger) TxRollback(ctx context.Context, tx driver.Tx) error {
	start := time.Now()
	err := tx.Rollback()
	g.log(ctx, "rollback", "", nil, start, err)
	return err
}
