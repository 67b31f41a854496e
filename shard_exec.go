package grant

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/internal/merge"
	"github.com/grantsql/grant/registry"
	"github.com/grantsql/grant/routing"
	"github.com/grantsql/grant/sharding"
)

// ErrPartialCommit is matched (errors.Is) by the error of a write on several
// databases, outside a transaction, whose commit succeeded on some databases
// and failed on others. Each database runs its part in a transaction of its
// own and every part must succeed before any commits, and the commits are
// not cut short by the statement's context, so this happens only when a
// commit itself fails (a server crash, a lost connection, a deferred
// constraint between the commits); the error names the databases on each
// side. Two-phase commit will close this window.
var ErrPartialCommit = errors.New("grant: write committed on some databases only")

// leg is one database's part of a statement planned on several databases.
type leg struct {
	q     *sharding.ShardQuery
	s     step
	pc    *registry.Conn // the connection it runs on, once known
	own   registry.Conn
	local driver.Tx // the leg's own transaction, for a write outside one
	res   driver.Result
	buf   *merge.Buffered
	err   error
}

// legs decides where each database's part of pl runs. In a transaction a
// statement that may write is refused before anything runs, since it spans
// databases (all plans here do) and two-phase commit is not available,
// unless it is tentative: run, then kept only if it changed rows on one
// database. Outside one, a statement that leaves session state (an advisory
// lock, a session setting) is refused: its state would be spread over
// pooled connections of several databases.
func (vc *Conn) legs(ctx context.Context, st *analyze.Statement, pl *sharding.Plan, tentative bool) ([]leg, error) {
	if vc.tx != nil && !tentative && (pl.Writes || routing.MayWrite(st)) {
		names := make([]string, len(pl.Shards))
		for i := range pl.Shards {
			names[i] = pl.Shards[i].Database
		}
		return nil, crossShardWrite(st.SQL, vc.tx.writer, false, names...)
	}
	o := routing.FromContext(ctx)
	out := make([]leg, len(pl.Shards))
	for i := range pl.Shards {
		q := &pl.Shards[i]
		db, err := vc.c.databaseNamed(q.Database)
		if err != nil {
			return nil, err
		}
		l := &out[i]
		l.q = q
		// The write rule was checked above, for all the databases at once.
		if l.s, err = vc.decide(ctx, st, db, o, false); err != nil {
			return nil, err
		}
		switch {
		case l.s.tp != nil:
			l.pc = l.s.tp.pc
		case l.s.rt.Pin:
			return nil, &sharding.RefusedError{Statement: st.SQL, Table: pl.Table, Reason: "it " + st.PinReason +
				" on " + fmt.Sprint(len(pl.Shards)) + " databases at once: pin one with grant.UseShard"}
		case l.s.in.Pinned != nil:
			l.pc = &vc.pinOf(db.Name).Conn
		}
		if q.ArgOrdinals == nil {
			// Drivers convert arguments in place: each leg needs its own.
			q.Args = slices.Clone(q.Args)
		}
	}
	return out, nil
}

// acquireLegs takes, in database order, a pooled connection for each leg
// the session or transaction holds none for. One global order means that
// concurrent fan-outs never wait on each other in a cycle when the pools
// are capped (pool.max_open). On a failure it gives back those it took.
func (vc *Conn) acquireLegs(ctx context.Context, legs []leg) error {
	for i := range legs {
		l := &legs[i]
		if l.pc != nil {
			continue
		}
		if err := l.s.rt.Node.Acquire(ctx, &l.own); err != nil {
			for j := range legs[:i] {
				if t := &legs[j]; t.pc == &t.own {
					t.own.Release(nil)
					t.pc = nil // nothing ran on it
				}
			}
			return fmt.Errorf("grant: shard %s: %w", l.q.Database, err)
		}
		l.pc = &l.own
	}
	return nil
}

// execShards runs a statement planned on several databases. Outside a
// transaction a write runs on every database in a transaction of its own,
// all in parallel, and commits only when every part succeeded; DDL, which
// MySQL cannot roll back, runs as is.
func (vc *Conn) execShards(ctx context.Context, st *analyze.Statement, pl *sharding.Plan) (driver.Result, error) {
	tentative := vc.tx != nil && pl.Writes && (pl.Route == sharding.RouteScatter || pl.Route == sharding.RouteMulti) &&
		(st.Kind == analyze.KindUpdate || st.Kind == analyze.KindDelete)
	legs, err := vc.legs(ctx, st, pl, tentative)
	if err != nil {
		return nil, err
	}
	if tentative {
		return vc.execTentative(ctx, st, pl, legs)
	}
	local := pl.Writes && vc.tx == nil && st.Kind != analyze.KindDDL
	err = vc.runLegs(ctx, legs, local, func(ctx context.Context, l *leg) error {
		var err error
		l.res, err = exec(ctx, l.pc.Driver(), l.q.SQL, l.q.Args)
		return err
	})
	if err == nil {
		err = keyMoved(st, pl, legs, resultRows)
	}
	if err == nil {
		err = vc.finishLegs(ctx, legs, local)
	} else {
		if pl.Writes && !local {
			err = ranOn(err, legs)
		}
		vc.abortLegs(legs)
	}
	if err != nil {
		return nil, err
	}
	if pl.ResultFrom != "" {
		for i := range legs {
			if legs[i].q.Database == pl.ResultFrom {
				return legs[i].res, nil
			}
		}
	}
	r := &shardsResult{}
	for i := range legs {
		r.res = append(r.res, legs[i].res)
		r.dbs = append(r.dbs, legs[i].q.Database)
	}
	return r, nil
}

// runLegs takes the legs' connections (acquireLegs), begins each leg's own
// transaction when local, and runs fn on it: in parallel outside a
// transaction, in order inside one (its connections are the session's). A
// leg's transaction begins under a context without the statement's
// cancellation: drivers keep it for the commit, which must not be cut short
// between two databases. It returns the first error in database order,
// naming the database.
func (vc *Conn) runLegs(ctx context.Context, legs []leg, local bool, fn func(context.Context, *leg) error) error {
	if err := vc.acquireLegs(ctx, legs); err != nil {
		return err
	}
	run := func(l *leg) {
		if local {
			if l.local, l.err = beginOn(context.WithoutCancel(ctx), l.pc.Driver(), driver.TxOptions{}); l.err != nil {
				return
			}
		}
		l.err = fn(ctx, l)
	}
	if vc.tx != nil {
		for i := range legs {
			if run(&legs[i]); legs[i].err != nil {
				break
			}
		}
	} else {
		var wg sync.WaitGroup
		for i := range legs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				run(&legs[i])
			}()
		}
		wg.Wait()
	}
	for i := range legs {
		if l := &legs[i]; l.err != nil {
			return fmt.Errorf("grant: shard %s: %w", l.q.Database, l.s.rt.Node.Wrap(l.err))
		}
	}
	if err := ctx.Err(); err != nil && local {
		return fmt.Errorf("grant: before committing on %d databases: %w", len(legs), err)
	}
	return nil
}

// finishLegs commits the legs' own transactions in database order, records
// the writes for read-your-writes and gives the connections back. A commit
// that fails rolls the later legs back; if earlier legs committed, the
// error matches ErrPartialCommit and names the databases on each side.
func (vc *Conn) finishLegs(ctx context.Context, legs []leg, local bool) error {
	var committed, rolledBack []string
	failed, cause := "", error(nil)
	for i := range legs {
		l := &legs[i]
		if local {
			if cause != nil {
				l.local.Rollback()
				rolledBack = append(rolledBack, l.q.Database)
				continue
			}
			if e := l.local.Commit(); e != nil {
				l.local.Rollback() // a driver may leave the transaction open
				failed, cause = l.q.Database, l.s.rt.Node.Wrap(e)
				continue
			}
		}
		committed = append(committed, l.q.Database)
		if vc.tx == nil && l.s.writes() {
			vc.c.recordWrite(context.WithoutCancel(ctx), l.s.in, l.pc.Driver())
		}
	}
	var err error
	if cause != nil {
		err = fmt.Errorf("grant: shard %s: commit: %w", failed, cause)
		if len(committed) > 0 {
			rest := ""
			if len(rolledBack) > 0 {
				rest = ", rolled back on " + strings.Join(rolledBack, ", ")
			}
			err = fmt.Errorf("%w: committed on %s, commit failed on %s%s: %w", ErrPartialCommit,
				strings.Join(committed, ", "), failed, rest, err)
		}
	}
	vc.releaseLegs(legs, err)
	return err
}

// keyMoved refuses an UPDATE that set the shard key and changed rows on a
// database other than the one the new key belongs to (Plan.SetKeyTo): those
// rows would now live on the wrong shard. The caller undoes the statement.
// changed reports the rows a leg changed.
func keyMoved(st *analyze.Statement, pl *sharding.Plan, legs []leg, changed func(*leg) int64) error {
	if pl.SetKeyTo == "" {
		return nil
	}
	var moved []string
	for i := range legs {
		if l := &legs[i]; l.q.Database != pl.SetKeyTo && changed(l) != 0 {
			moved = append(moved, l.q.Database)
		}
	}
	if len(moved) == 0 {
		return nil
	}
	return &sharding.RefusedError{Statement: st.SQL, Table: pl.Table, Reason: fmt.Sprintf(
		"SET of the shard key changed rows on %s, but the new key belongs to %s: a row cannot move between shards (the statement was undone)",
		strings.Join(moved, ", "), pl.SetKeyTo)}
}

// resultRows returns the rows a leg's statement changed, 1 when unknown.
func resultRows(l *leg) int64 {
	n, err := l.res.RowsAffected()
	if err != nil {
		return 1
	}
	return n
}

// ranOn adds to the error of a statement that could not be rolled back
// (DDL) the databases where it did run.
func ranOn(err error, legs []leg) error {
	var ran []string
	for i := range legs {
		if legs[i].err == nil && legs[i].pc != nil {
			ran = append(ran, legs[i].q.Database)
		}
	}
	if len(ran) == 0 {
		return err
	}
	return fmt.Errorf("%w (it did run on %s, which keep its effects)", err, strings.Join(ran, ", "))
}

// abortLegs rolls back the legs' own transactions and gives back their
// connections after a failure. DDL that ran is reported by the caller.
func (vc *Conn) abortLegs(legs []leg) {
	for i := range legs {
		if l := &legs[i]; l.local != nil {
			if e := l.local.Rollback(); e != nil && l.err == nil {
				l.err = e
			}
		}
	}
	vc.releaseLegs(legs, nil)
}

// releaseLegs gives back the connections the legs took from pools.
func (vc *Conn) releaseLegs(legs []leg, err error) {
	for i := range legs {
		l := &legs[i]
		if l.pc == &l.own {
			e := l.err
			if e == nil {
				e = err
			}
			l.own.Release(e)
		}
	}
}

// shardsResult is the result of a statement that ran on several databases,
// each on different rows.
type shardsResult struct {
	res []driver.Result
	dbs []string
}

// RowsAffected returns the sum over the databases.
func (r *shardsResult) RowsAffected() (int64, error) {
	var sum int64
	for i, res := range r.res {
		n, err := res.RowsAffected()
		if err != nil {
			return 0, fmt.Errorf("grant: shard %s: %w", r.dbs[i], err)
		}
		sum += n
	}
	return sum, nil
}

// LastInsertId is not available: each database generated its own ids.
func (r *shardsResult) LastInsertId() (int64, error) {
	return 0, fmt.Errorf("grant: LastInsertId is not available for a statement that ran on several databases (%s)",
		strings.Join(r.dbs, ", "))
}
