package grant

import (
	"context"
	"database/sql/driver"
	"errors"
	"time"

	"github.com/grantsql/grant/interceptors"
	"github.com/grantsql/grant/registry"
	"github.com/grantsql/grant/routing"
)

// Conn is a virtual connection: the session database/sql pools. Outside a
// transaction it holds no physical connection between statements, unless a
// statement left session state (SET, a temporary table, an advisory lock,
// ...) on one: the session is then pinned to that connection until
// database/sql resets it. It implements every optional connection interface
// of database/sql/driver.
type Conn struct {
	c      *Connector
	tx     *Tx
	sess   *routing.Session // read-your-writes of this session
	pins   []*pin           // pinned physical connections, one per database at most
	free   []*pin           // pins given back, for reuse
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
	st := vc.c.cache.Analyze(vc.c.cfg.Dialect, q)
	if vc.txSavepoint(st) {
		if _, err := vc.tx.savepoint(ctx, st, q, args); err != nil {
			return nil, err
		}
		return noRows{}, nil
	}
	s, pl, err := vc.plan(ctx, st, args)
	if err != nil {
		return nil, err
	}
	if pl != nil {
		return vc.queryShards(ctx, s.st, pl)
	}
	return vc.query(ctx, &s, q, args)
}

// query runs a query routed by s, on the connection the session holds or
// on a pooled one (retried as configured).
func (vc *Conn) query(ctx context.Context, s *step, q string, args []driver.NamedValue) (driver.Rows, error) {
	if pc, held, err := vc.held(ctx, s); held {
		if err != nil {
			return nil, err
		}
		base, st, err := query(ctx, pc.Driver(), q, args)
		if err != nil {
			return nil, vc.heldFailed(pc, err)
		}
		r := &rows{viewMask: -1}
		if vc.tx == nil && s.writes() {
			r.record(vc.c, ctx, s.in, pc.Driver())
		}
		return r.start(base, st, pc.Node), nil
	}
	return vc.c.queryPooled(ctx, s, q, args, 1)
}

// queryPooled runs a query on a connection taken from the pool of the node
// s routes to, from the given attempt on, retrying as configured. It
// touches no session state, so fan-out reads call it from several
// goroutines.
func (c *Connector) queryPooled(ctx context.Context, s *step, q string, args []driver.NamedValue, attempt int) (driver.Rows, error) {
	for ; ; attempt++ {
		r := getRows()
		n := s.rt.Node
		err := n.Acquire(ctx, &r.pc)
		if err == nil {
			var base driver.Rows
			var st driver.Stmt
			base, st, err = query(ctx, r.pc.Driver(), q, args)
			if err == nil {
				if s.writes() {
					r.record(c, ctx, s.in, r.pc.Driver())
				}
				return r.start(base, st, n), nil
			}
			r.pc.Release(err)
			err = n.Wrap(err)
		}
		putRows(r)
		if !c.retry(ctx, s, err, attempt) {
			return nil, err
		}
	}
}

// ExecContext routes and runs a statement that returns no rows.
func (vc *Conn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	st := vc.c.cache.Analyze(vc.c.cfg.Dialect, q)
	if vc.txSavepoint(st) {
		return vc.tx.savepoint(ctx, st, q, args)
	}
	s, pl, err := vc.plan(ctx, st, args)
	if err != nil {
		return nil, err
	}
	if pl != nil {
		return vc.execShards(ctx, s.st, pl)
	}
	if pc, held, err := vc.held(ctx, &s); held {
		if err != nil {
			return nil, err
		}
		res, err := exec(ctx, pc.Driver(), q, args)
		if err != nil {
			return nil, vc.heldFailed(pc, err)
		}
		if vc.tx == nil && s.writes() {
			vc.c.recordWrite(ctx, s.in, pc.Driver())
		}
		return res, nil
	}
	for attempt := 1; ; attempt++ {
		var pc registry.Conn
		n := s.rt.Node
		err := n.Acquire(ctx, &pc)
		if err == nil {
			var res driver.Result
			res, err = exec(ctx, pc.Driver(), q, args)
			if err == nil && s.writes() {
				vc.c.recordWrite(ctx, s.in, pc.Driver())
			}
			pc.Release(err)
			if err == nil {
				return res, nil
			}
			err = n.Wrap(err)
		}
		if !vc.c.retry(ctx, &s, err, attempt) {
			return nil, err
		}
	}
}

// retry decides whether a failed attempt is tried again, and waits the
// configured backoff. Only connection-level failures are retried: any
// statement when the driver guarantees it was not sent, and reads
// otherwise. A read whose replica failed counts against the replica's
// health and is retried on the primary.
func (c *Connector) retry(ctx context.Context, s *step, err error, attempt int) bool {
	r := c.cfg.Retry
	connErr := registry.IsConnError(err)
	n := s.rt.Node
	if connErr && n.Role == registry.Replica {
		c.reg.ReportFailure(n, err)
		s.rt.Node = s.in.DB.Primary
	}
	if attempt >= r.Attempts || ctx.Err() != nil {
		return false
	}
	if !registry.SafeToRetry(err) && !(s.st.Read && connErr) {
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

// BeginTx starts a transaction where routing puts it (the primary; a
// replica for a READ ONLY transaction when read_only_transactions is
// replica; the pinned connection of a pinned session), passing the
// isolation level and read-only flag to the real driver. Without sharding
// it begins at once on the target database; with sharding each database
// begins at the transaction's first statement there.
func (vc *Conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if vc.tx != nil {
		return nil, errors.New("grant: a transaction is already open on this connection")
	}
	o := routing.FromContext(ctx)
	tx := newTx(ctx, vc, o, opts)
	if vc.c.shards == nil {
		db, err := vc.c.database(o)
		if err != nil {
			return nil, err
		}
		if _, err := tx.enlist(ctx, db); err != nil {
			return nil, err
		}
	}
	vc.tx = tx
	return tx, nil
}

// Ping checks the primary of the target database.
func (vc *Conn) Ping(ctx context.Context) error {
	db, err := vc.c.database(routing.FromContext(ctx))
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

// ResetSession is called by database/sql before it reuses the session for
// another caller: pinned connections go back to their pools.
func (vc *Conn) ResetSession(context.Context) error {
	if vc.closed {
		return driver.ErrBadConn
	}
	vc.unpin()
	return nil
}

// IsValid reports whether database/sql may keep pooling the connection.
func (vc *Conn) IsValid() bool {
	if vc.tx == nil {
		vc.unpin()
	}
	return !vc.closed
}

// Close ends the session, rolling back an unfinished transaction.
func (vc *Conn) Close() error {
	if vc.closed {
		return nil
	}
	vc.closed = true
	var err error
	if vc.tx != nil {
		err = vc.tx.Rollback()
	}
	vc.unpin()
	return err
}

// Raw calls fn with the real driver connection (for example pgx's
// *stdlib.Conn, whose Conn().CopyFrom Grant does not otherwise expose) of
// the primary of the target database, or of the open transaction's
// participant there (which then counts as written to). The connection must
// not be used after fn returns.
//
//	conn.Raw(func(dc any) error {
//		return dc.(*grant.Conn).Raw(ctx, func(real any) error {
//			_, err := real.(*stdlib.Conn).Conn().CopyFrom(ctx, ...)
//			return err
//		})
//	})
func (vc *Conn) Raw(ctx context.Context, fn func(driverConn any) error) error {
	db, err := vc.c.databaseNamed(vc.target(routing.FromContext(ctx)))
	if err != nil {
		return err
	}
	if t := vc.tx; t != nil {
		// What fn does is unknown (CopyFrom writes): it counts as a write.
		if err := t.checkWrite("Raw", db); err != nil {
			return err
		}
		p, err := t.enlist(ctx, db)
		if err != nil {
			return err
		}
		t.wrote(p)
		return fn(interceptors.Unwrap(p.pc.Driver()))
	}
	if p := vc.pinOf(db.Name); p != nil {
		return fn(interceptors.Unwrap(p.Driver()))
	}
	var pc registry.Conn
	if err := db.Primary.Acquire(ctx, &pc); err != nil {
		return err
	}
	err = fn(interceptors.Unwrap(pc.Driver()))
	pc.Release(err)
	return err
}
