package engine

import (
	"context"
	"database/sql/driver"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/internal/lockrewrite"
	"github.com/grantsql/grant/locking"
	"github.com/grantsql/grant/merge"
	"github.com/grantsql/grant/registry"
)

// Package locking asks for locks through the context: a lock request
// (locking.ForUpdate, ...) makes each SELECT a locking read, and an
// expected version (locking.ExpectVersion) makes each UPDATE and DELETE
// check and bump the table's version column. The rewriting is
// lockrewrite's, cached per statement text; the engine applies it before
// planning, so routing and the sharding planner see the statement that
// runs: a locking read goes to the primary (its transaction's participant)
// and a version-checked UPDATE keeps its shard-key conditions.

// locks is an engine's locking state: the rewriter of its server, made
// when a statement first asks for a lock or a version (MySQL-dialect
// clusters learn then whether they run MariaDB or MySQL 8).
type locks struct {
	cfg *locking.Config
	mu  sync.Mutex
	rw  atomic.Pointer[lockrewrite.Rewriter]
}

// newLocks returns the locking state of a cluster. PostgreSQL and SQLite
// need no server version: their rewriter is made at once.
func newLocks(cfg *config.Cluster) *locks {
	l := &locks{cfg: cfg.Locking}
	switch cfg.Dialect {
	case dialect.Postgres, dialect.SQLite:
		l.rw.Store(lockrewrite.New(lockrewrite.ServerFor(cfg.Dialect, ""), l.cfg, 0))
	}
	return l
}

// rewriter returns the engine's rewriter, asking the server for its
// version on first use (MySQL dialect): on a connection the session's
// transaction holds, else one of the default database's primary.
func (s *Session) rewriter(ctx context.Context) (*lockrewrite.Rewriter, error) {
	lk := s.e.locks
	if rw := lk.rw.Load(); rw != nil {
		return rw, nil
	}
	lk.mu.Lock()
	defer lk.mu.Unlock()
	if rw := lk.rw.Load(); rw != nil {
		return rw, nil
	}
	var version string
	var err error
	if t := s.tx; t != nil && len(t.parts) > 0 {
		version, err = t.parts[0].pc.QueryString(ctx, "SELECT VERSION()")
	} else {
		n := s.e.reg.Default().Primary
		var pc registry.Conn
		if err = s.take(ctx, n, &pc); err == nil {
			version, err = pc.QueryString(ctx, "SELECT VERSION()")
			s.keep(&pc, err)
		}
		err = n.Wrap(err)
	}
	if err != nil {
		return nil, fmt.Errorf("grant: reading the server version for locking: %w", err)
	}
	rw := lockrewrite.New(lockrewrite.ServerFor(s.e.d, version), lk.cfg, 0)
	lk.rw.Store(rw)
	return rw, nil
}

// locked is one statement as locking rewrote it: the text, analysis and
// arguments to run, the lock timeout to set around it, and the version
// check to make after it. Without a lock request or expected version in
// the context it is the statement as given.
type locked struct {
	q       string
	st      *analyze.Statement
	args    []driver.NamedValue
	locks   bool                 // a locking read: a fan-out locks databases in order
	timeout *lockrewrite.Setting // around the statement, on its connection
	ver     *lockrewrite.Version // check rows affected after it
	version int64
}

// lock applies the context's lock request and expected version to the
// statement q (analysis st, arguments args). A locking read is refused
// outside a transaction, in a READ ONLY one, and on SQLite in one that
// does not hold the database write lock.
func (s *Session) lock(ctx context.Context, st *analyze.Statement, q string, args []driver.NamedValue) (locked, error) {
	lk := locked{q: q, st: st, args: args}
	r, wantLock := locking.FromContext(ctx)
	v, wantVersion := locking.VersionFrom(ctx)
	if !wantLock && !wantVersion {
		return lk, nil
	}
	rw, err := s.rewriter(ctx)
	if err != nil {
		return lk, err
	}
	if wantLock {
		l, err := rw.Lock(st, r)
		if err != nil {
			return lk, err
		}
		if l.Locks {
			t := s.tx
			switch {
			case t == nil:
				return lk, lockrewrite.OutsideTx(st.SQL, r)
			case t.opts.ReadOnly:
				return lk, lockrewrite.ReadOnlyTx(st.SQL, r)
			case l.WriteLock && !t.writeLocked && t.writer == nil:
				return lk, lockrewrite.NoWriteLock(st.SQL)
			}
			lk.q, lk.st, lk.timeout, lk.locks = l.SQL, l.Statement, l.Timeout, true
		}
	}
	if wantVersion {
		ver, err := rw.Version(lk.st)
		if err != nil {
			return lk, err
		}
		if ver.Changed {
			lk.q, lk.st, lk.args = ver.SQL, ver.Statement, ver.Args(lk.args, v)
			lk.ver, lk.version = ver, v
		}
	}
	return lk, nil
}

// checkExec makes a version-checked statement's check: no row affected
// means the object was stale.
func (lk *locked) checkExec(res driver.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	return lk.ver.Check(n, lk.version)
}

// checkQuery makes the check of a version-checked statement that returns
// rows (RETURNING): its rows are read, counted and handed back buffered.
func (lk *locked) checkQuery(r driver.Rows) (driver.Rows, error) {
	b, err := merge.ReadAll(r) // closes r
	if err != nil {
		return nil, err
	}
	if err := lk.ver.Check(int64(len(b.Data)), lk.version); err != nil {
		return nil, err
	}
	return b.Rows(), nil
}

// beginLocked prepares transaction t, whose Begin context asks for lock r,
// on a server without row locks (SQLite): its participants begin holding
// the database write lock. Other servers lock per statement.
func (s *Session) beginLocked(ctx context.Context, t *Tx, r locking.Request) error {
	if s.e.d != dialect.SQLite {
		return nil
	}
	rw, err := s.rewriter(ctx)
	if err != nil {
		return err
	}
	b, err := rw.Begin(r)
	if err != nil || b == nil {
		return err
	}
	if t.opts.ReadOnly {
		return lockrewrite.ReadOnlyTx("BEGIN", r)
	}
	t.with = b
	return nil
}
