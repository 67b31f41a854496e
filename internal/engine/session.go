package engine

import (
	"context"
	"database/sql/driver"
	"errors"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/interceptors"
	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/locking"
	"github.com/grantsql/grant/registry"
	"github.com/grantsql/grant/routing"
	"github.com/grantsql/grant/sharding"
)

// Session is one virtual connection: its open transaction, the physical
// connections it holds across statements (pins), and its own
// read-your-writes record. Outside a transaction it pins a physical
// connection only while the session needs it: a statement left session
// state on it, or a write left results a later statement may read
// (LAST_INSERT_ID, lastval, ROW_COUNT).
//
// While the application holds the session (a *sql.Conn, a *sql.Tx, open
// rows) it also keeps the last connection a statement took from a pool
// (idle), so that the next statement on the same node runs on it as it
// would on the raw driver, with no new checkout; it gives that one back
// before it takes any other, so it never waits for a connection while
// holding one. Release gives every connection back.
type Session struct {
	e      *Engine
	tx     *Tx
	ryw    *routing.Session
	pins   []*pin        // pinned physical connections, one per database at most
	free   []*pin        // pins given back, for reuse
	idle   registry.Conn // the last pooled connection, kept while held
	broken bool          // a held connection failed: database/sql must drop the session
}

// take fills dst with a connection of n: the session's idle connection
// when it is one of n, else one from n's pool, after the idle one went
// back to its pool. An idle connection made before its node left rotation
// (cut off) is discarded rather than used.
func (s *Session) take(ctx context.Context, n *registry.Node, dst *registry.Conn) error {
	if s.idle.Held() {
		if s.idle.Node == n && !s.idle.Stale() {
			*dst, s.idle = s.idle, registry.Conn{}
			return nil
		}
		s.idle.Release(nil)
	}
	return n.Acquire(ctx, dst)
}

// keep makes pc the session's idle connection; after an error it goes
// back to its pool instead (which drops it when broken).
func (s *Session) keep(pc *registry.Conn, err error) {
	if err != nil || s.idle.Held() {
		pc.Release(err)
		return
	}
	s.idle, *pc = *pc, registry.Conn{}
}

// Usable reports whether the session can run statements.
func (s *Session) Usable() bool { return !s.broken }

// Query runs a statement that returns rows. prepared says that the
// application prepared it (a *sql.Stmt): it then runs as a statement
// prepared on the physical connection and kept there for the next
// executions.
func (s *Session) Query(ctx context.Context, q string, args []driver.NamedValue, prepared bool) (driver.Rows, error) {
	if s.broken {
		return nil, driver.ErrBadConn
	}
	st := s.e.cache.Analyze(s.e.d, q)
	if s.txSavepoint(st) {
		if _, err := s.tx.savepoint(ctx, st, q, args); err != nil {
			return nil, err
		}
		return noRows{}, nil
	}
	if rows, done, err := s.fillIDsQuery(ctx, st, q, args, prepared); done {
		return rows, err
	}
	lk, sp, pl, after, err := s.prepare(ctx, st, q, args)
	if err != nil {
		return nil, err
	}
	if after != nil {
		defer after()
	}
	var r driver.Rows
	if pl != nil {
		r, err = s.queryShards(ctx, &lk, pl)
	} else {
		var out outcome
		out, err = s.single(ctx, &sp, call{q: lk.q, args: lk.args, prepared: prepared, query: true, timeout: lk.timeout})
		r = out.rows
	}
	if err != nil || lk.ver == nil {
		return r, err
	}
	return lk.checkQuery(r)
}

// prepare makes the statement q (analysis st, arguments args) ready to
// run: the context's lock request and expected version applied (locks.go),
// then planned (step.go). What runs is lk.q with lk.args.
//
// after, when not nil, must run once the statement has run: DDL in a
// transaction on MySQL runs between two XA branches (ddl_mysql.go).
func (s *Session) prepare(ctx context.Context, st *analyze.Statement, q string, args []driver.NamedValue) (lk locked, sp step, pl *sharding.Plan, after func(), err error) {
	if lk, err = s.lock(ctx, st, q, args); err != nil {
		return lk, sp, nil, nil, err
	}
	if sp, pl, err = s.plan(ctx, lk.st, lk.args); err != nil || !s.ddlInXA(lk.st) {
		return lk, sp, pl, nil, err
	}
	after, err = s.implicitCommit(ctx, lk.st, &sp, pl)
	return lk, sp, pl, after, err
}

// Exec runs a statement that returns no rows; prepared as for Query.
func (s *Session) Exec(ctx context.Context, q string, args []driver.NamedValue, prepared bool) (driver.Result, error) {
	if s.broken {
		return nil, driver.ErrBadConn
	}
	st := s.e.cache.Analyze(s.e.d, q)
	if s.txSavepoint(st) {
		return s.tx.savepoint(ctx, st, q, args)
	}
	if res, done, err := s.fillIDs(ctx, st, q, args, prepared); done {
		return res, err
	}
	lk, sp, pl, after, err := s.prepare(ctx, st, q, args)
	if err != nil {
		return nil, err
	}
	if after != nil {
		defer after()
	}
	var res driver.Result
	if pl != nil {
		res, err = s.execShards(ctx, lk.st, pl)
	} else {
		var out outcome
		out, err = s.single(ctx, &sp, call{q: lk.q, args: lk.args, prepared: prepared, timeout: lk.timeout})
		res = out.res
	}
	if err != nil || lk.ver == nil {
		return res, err
	}
	return res, lk.checkExec(res)
}

// Begin starts a transaction where routing puts it (the primary; a replica
// for a READ ONLY transaction when read_only_transactions is replica; the
// pinned connection of a pinned session), with opts' isolation level and
// read-only flag. Without sharding it begins at once on the target
// database; with sharding each database begins at the transaction's first
// statement there.
func (s *Session) Begin(ctx context.Context, opts driver.TxOptions) (*Tx, error) {
	if s.broken {
		return nil, driver.ErrBadConn
	}
	if s.tx != nil {
		return nil, errors.New("grant: a transaction is already open on this connection")
	}
	o := routing.FromContext(ctx)
	tx := &Tx{s: s, ctx: ctx, opts: opts, o: o}
	if o.WritesPrevented() && s.e.d != dialect.SQLite {
		// The server refuses the transaction's writes (SQLite would only
		// record the flag).
		tx.opts.ReadOnly, tx.enforced = true, true
	}
	tx.parts = tx.buf[:0]
	if r, ok := locking.FromContext(ctx); ok {
		if err := s.beginLocked(ctx, tx, r); err != nil {
			return nil, err
		}
	}
	if s.e.planner == nil {
		db, err := s.e.database(o.Database())
		if err != nil {
			return nil, err
		}
		if _, err := tx.enlist(ctx, db); err != nil {
			return nil, err
		}
	}
	s.tx = tx
	return tx, nil
}

// Ping checks the primary of the target database.
func (s *Session) Ping(ctx context.Context) error {
	db, err := s.e.database(routing.FromContext(ctx).Database())
	if err != nil {
		return err
	}
	var pc registry.Conn
	if err := s.take(ctx, db.Primary, &pc); err != nil {
		return err
	}
	if p, ok := pc.Driver().(driver.Pinger); ok {
		err = p.Ping(ctx)
	}
	s.keep(&pc, err)
	return db.Primary.Wrap(err)
}

// Release gives back every physical connection the session holds outside a
// transaction: one carrying session state is closed, so no later user
// inherits it; any other returns to its pool. database/sql calls it through
// the driver when it pools the connection (IsValid) and before reusing it
// (ResetSession). It reports whether the session can be used again.
func (s *Session) Release() bool {
	if s.tx == nil {
		s.unpin()
		s.idle.Release(nil)
	}
	return !s.broken
}

// Close ends the session, rolling back an unfinished transaction.
func (s *Session) Close() error {
	var err error
	if s.tx != nil {
		err = s.tx.Rollback()
	}
	s.unpin()
	s.idle.Release(nil)
	s.broken = true
	return err
}

// Raw calls fn with the real driver connection of the primary of the
// target database, or of the open transaction's participant there (which
// then counts as written to: what fn does is unknown). The connection must
// not be used after fn returns.
func (s *Session) Raw(ctx context.Context, fn func(driverConn any) error) error {
	db, err := s.e.database(s.target(routing.FromContext(ctx)))
	if err != nil {
		return err
	}
	if t := s.tx; t != nil {
		if err := t.admit(ctx, "Raw", db); err != nil {
			return err
		}
		p, err := t.enlist(ctx, db)
		if err != nil {
			return err
		}
		t.wrote(p)
		return fn(interceptors.Unwrap(p.pc.Driver()))
	}
	if p := s.pinOf(db.Name); p != nil {
		return fn(interceptors.Unwrap(p.Driver()))
	}
	var pc registry.Conn
	if err := s.take(ctx, db.Primary, &pc); err != nil {
		return err
	}
	err = fn(interceptors.Unwrap(pc.Driver()))
	s.keep(&pc, err)
	return err
}
