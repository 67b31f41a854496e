package grant

import (
	"context"
	"database/sql/driver"
	"errors"
	"time"

	"github.com/grantsql/grant/interceptors"
	"github.com/grantsql/grant/registry"
)

// Conn is a virtual connection: the session database/sql pools. It holds no
// physical connection between statements; inside a transaction it holds the
// transaction's. It implements every optional connection interface of
// database/sql/driver.
type Conn struct {
	c      *Connector
	tx     *Tx
	closed bool
}

var (
	_ driver.Conn               = (*Conn)(nil)
	_ driver.ConnBeginTx        = (*Conn)(nil)
	_ driver.ConnPrepareContext = (*Conn)(nil)
	_ driver.ExecerContext      = (*Conn)(nil)
	_ driver.QueryerContext     = (*Conn)(nil)
	_ driver.Pinger             = (*Conn)(nil)
	_ driver.SessionResetter    = (*Conn)(nil)
	_ driver.Validator          = (*Conn)(nil)
	_ driver.NamedValueChecker  = (*Conn)(nil)
)

// CheckNamedValue accepts every argument unchanged: the statement is not
// routed yet, so the real driver that will convert it is not known. Grant
// converts the arguments for that driver just before executing, as
// database/sql would have.
func (vc *Conn) CheckNamedValue(*driver.NamedValue) error { return nil }

// Prepare prepares a virtual statement; see PrepareContext.
func (vc *Conn) Prepare(query string) (driver.Stmt, error) {
	return vc.PrepareContext(context.Background(), query)
}

// PrepareContext returns a virtual statement. It contacts no server: each
// execution is routed on its own, like a statement run directly, and the real
// driver prepares or caches it on the physical connection it runs on.
func (vc *Conn) PrepareContext(_ context.Context, query string) (driver.Stmt, error) {
	if vc.closed {
		return nil, driver.ErrBadConn
	}
	return &Stmt{vc: vc, query: query}, nil
}

// QueryContext routes and runs a query.
func (vc *Conn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	if vc.tx != nil {
		return vc.tx.query(ctx, q, args)
	}
	p, err := vc.c.route(ctx, q)
	if err != nil {
		return nil, err
	}
	for attempt := 1; ; attempt++ {
		r := getRows()
		err := p.node.Acquire(ctx, &r.pc)
		if err == nil {
			var base driver.Rows
			var st driver.Stmt
			base, st, err = query(ctx, r.pc.Driver(), q, args)
			if err == nil {
				return r.start(base, st, p.node), nil
			}
			r.pc.Release(err)
			err = p.node.Wrap(err)
		}
		putRows(r)
		if !vc.retry(ctx, p, err, attempt) {
			return nil, err
		}
	}
}

// ExecContext routes and runs a statement that returns no rows.
func (vc *Conn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	if vc.tx != nil {
		return vc.tx.exec(ctx, q, args)
	}
	p, err := vc.c.route(ctx, q)
	if err != nil {
		return nil, err
	}
	for attempt := 1; ; attempt++ {
		var pc registry.Conn
		err := p.node.Acquire(ctx, &pc)
		if err == nil {
			var res driver.Result
			res, err = exec(ctx, pc.Driver(), q, args)
			pc.Release(err)
			if err == nil {
				return res, nil
			}
			err = p.node.Wrap(err)
		}
		if !vc.retry(ctx, p, err, attempt) {
			return nil, err
		}
	}
}

// retry decides whether a failed attempt is tried again, and waits the
// configured backoff. Only connection-level failures are retried: any
// statement when the driver guarantees it was not sent, and idempotent reads
// otherwise.
func (vc *Conn) retry(ctx context.Context, p plan, err error, attempt int) bool {
	r := vc.c.cfg.Retry
	if attempt >= r.Attempts || ctx.Err() != nil {
		return false
	}
	if !registry.SafeToRetry(err) && !(p.retryRead && registry.IsConnError(err)) {
		return false
	}
	if r.Backoff > 0 {
		t := time.NewTimer(r.Backoff.D())
		defer t.Stop()
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
		}
	}
	return true
}

// Begin starts a transaction with default options.
func (vc *Conn) Begin() (driver.Tx, error) {
	return vc.BeginTx(context.Background(), driver.TxOptions{})
}

// BeginTx starts a transaction on the primary of the target database,
// passing the isolation level and read-only flag to the real driver.
func (vc *Conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if vc.tx != nil {
		return nil, errors.New("grant: a transaction is already open on this connection")
	}
	db, err := vc.c.database(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := beginTx(ctx, vc, db.Primary, opts)
	if err != nil {
		return nil, err
	}
	vc.tx = tx
	return tx, nil
}

// Ping checks the primary of the target database.
func (vc *Conn) Ping(ctx context.Context) error {
	db, err := vc.c.database(ctx)
	if err != nil {
		return err
	}
	var pc registry.Conn
	if err := db.Primary.Acquire(ctx, &pc); err != nil {
		return err
	}
	if p, ok := pc.Driver().(driver.Pinger); ok {
		err = p.Ping(ctx)
	}
	pc.Release(err)
	return db.Primary.Wrap(err)
}

// ResetSession is called by database/sql before it reuses the connection.
func (vc *Conn) ResetSession(context.Context) error {
	if vc.closed {
		return driver.ErrBadConn
	}
	return nil
}

// IsValid reports whether database/sql may keep pooling the connection.
func (vc *Conn) IsValid() bool { return !vc.closed }

// Close ends the session, rolling back an unfinished transaction.
func (vc *Conn) Close() error {
	if vc.closed {
		return nil
	}
	vc.closed = true
	if vc.tx != nil {
		return vc.tx.Rollback()
	}
	return nil
}

// Raw calls fn with the real driver connection (for example pgx's
// *stdlib.Conn, whose Conn().CopyFrom Grant does not otherwise expose) of
// the primary of the target database, or of the open transaction. The
// connection must not be used after fn returns.
//
//	conn.Raw(func(dc any) error {
//		return dc.(*grant.Conn).Raw(ctx, func(real any) error {
//			_, err := real.(*stdlib.Conn).Conn().CopyFrom(ctx, ...)
//			return err
//		})
//	})
func (vc *Conn) Raw(ctx context.Context, fn func(driverConn any) error) error {
	if vc.tx != nil {
		return fn(interceptors.Unwrap(vc.tx.pc.Driver()))
	}
	db, err := vc.c.database(ctx)
	if err != nil {
		return err
	}
	var pc registry.Conn
	if err := db.Primary.Acquire(ctx, &pc); err != nil {
		return err
	}
	err = fn(interceptors.Unwrap(pc.Driver()))
	pc.Release(err)
	return err
}
