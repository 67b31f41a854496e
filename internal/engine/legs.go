package engine

import (
	"context"
	"database/sql/driver"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/grantsql/grant/registry"

	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/internal/lockrewrite"
	"github.com/grantsql/grant/internal/twopc"
	"github.com/grantsql/grant/merge"
	"github.com/grantsql/grant/routing"
	"github.com/grantsql/grant/sharding"
)

// leg is one database's part of a statement planned on several databases.
// Its participant holds the connection it runs on and, for a write outside
// a transaction, the transaction of its own it runs in.
type leg struct {
	participant
	q   *sharding.ShardQuery
	sp  step
	res driver.Result
	buf *merge.Buffered
	// timeout is a lock timeout to set around a locking read (locks.go).
	timeout *lockrewrite.Setting
}

// legs decides where each database's part of pl runs. In a transaction a
// statement that may write is refused before anything runs, since it spans
// databases, unless it is tentative (Execution): run, then kept only if it
// changed rows on one database. Outside one, a statement that leaves
// session state (an advisory lock, a session setting) is refused: its
// state would be spread over pooled connections of several databases.
func (s *Session) legs(ctx context.Context, st *analyze.Statement, pl *sharding.Plan) ([]leg, error) {
	if t := s.tx; t != nil && !pl.Execution.Tentative && (pl.Writes || st.Has(analyze.Writes)) {
		dbs := make([]*registry.Database, len(pl.Shards))
		for i := range pl.Shards {
			db, err := s.e.database(pl.Shards[i].Database)
			if err != nil {
				return nil, err
			}
			dbs[i] = db
		}
		if err := t.admit(ctx, st.SQL, dbs...); err != nil {
			return nil, err
		}
	}
	if mustEnforce(&step{st: st, in: routing.Input{Overrides: routing.FromContext(ctx)}}) {
		return nil, &sharding.RefusedError{Statement: st.SQL, Table: pl.Table, Reason: "under routing.PreventWrites it calls a function " +
			"that may write, which Grant keeps from writing on one database only: pin one with grant.UseShard"}
	}
	// Pooled connections are about to be taken: keep none only for session
	// results or convenience meanwhile (see held).
	s.unstick()
	s.idle.Release(nil)
	o := routing.FromContext(ctx)
	out := make([]leg, len(pl.Shards))
	for i := range pl.Shards {
		q := &pl.Shards[i]
		db, err := s.e.database(q.Database)
		if err != nil {
			return nil, err
		}
		l := &out[i]
		l.q, l.db = q, db
		// The write rule was checked above, for all the databases at once.
		if l.sp, err = s.decide(ctx, st, db, o, false); err != nil {
			return nil, err
		}
		l.in, l.wrote = l.sp.in, pl.Writes
		switch {
		case l.sp.tp != nil:
			l.pc = l.sp.tp.pc
		case l.sp.rt.Pin:
			return nil, &sharding.RefusedError{Statement: st.SQL, Table: pl.Table, Reason: "it " + st.PinReason +
				" on " + fmt.Sprint(len(pl.Shards)) + " databases at once: pin one with grant.UseShard"}
		case l.sp.in.Pinned != nil:
			l.pc = &s.pinOf(db.Name).Conn
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
func (s *Session) acquireLegs(ctx context.Context, legs []leg) error {
	for i := range legs {
		l := &legs[i]
		if l.pc != nil {
			continue
		}
		if err := l.sp.rt.Node.Acquire(ctx, &l.own); err != nil {
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

// runLegs takes the legs' connections (acquireLegs), begins each leg's own
// transaction when x says LocalTx, and runs fn on it: in parallel when x
// says so, else in order (on a transaction's connections). A
// leg's transaction begins under a context without the statement's
// cancellation: drivers keep it for the commit, which must not be cut short
// between two databases. It returns the first error in database order,
// naming the database.
func (s *Session) runLegs(ctx context.Context, legs []leg, x *sharding.Execution, fn func(context.Context, *leg) error) error {
	local := x.LocalTx
	if err := s.acquireLegs(ctx, legs); err != nil {
		return err
	}
	if local && x.Commit == sharding.CommitTwoPhase {
		s.e.branches(ctx, legs)
	}
	run := func(l *leg) {
		if local {
			if l.err = l.start(context.WithoutCancel(ctx), s.e.d, driver.TxOptions{}); l.err != nil {
				return
			}
		}
		l.err = fn(ctx, l)
	}
	if !x.Parallel {
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
			return fmt.Errorf("grant: shard %s: %w", l.q.Database, l.sp.rt.Node.Wrap(l.err))
		}
	}
	if err := ctx.Err(); err != nil && local {
		return fmt.Errorf("grant: before committing on %d databases: %w", len(legs), err)
	}
	return nil
}

// branches makes the legs of a write outside a transaction the branches of
// one two-phase commit, coordinated by the first, when every database can
// prepare; otherwise they commit in one phase.
func (e *Engine) branches(ctx context.Context, legs []leg) {
	for i := range legs {
		if e.twoPhaseWhy(ctx, legs[i].db) != nil {
			return
		}
	}
	id := twopc.NewID(legs[0].db.Name)
	for i := range legs {
		legs[i].branch = twopc.Branch{ID: id, Database: legs[i].db.Name}
	}
}

// finishLegs ends a statement that ran on every leg. Legs that ran in
// transactions of their own commit through the commit path; otherwise the
// writes count for read-your-writes and the connections go back.
func (s *Session) finishLegs(ctx context.Context, legs []leg, local bool) error {
	if local {
		parts := make([]*participant, len(legs))
		for i := range legs {
			parts[i] = &legs[i].participant
		}
		return s.e.commit(ctx, parts)
	}
	for i := range legs {
		l := &legs[i]
		switch {
		case !l.sp.writes():
		case s.tx != nil:
			s.tx.wrote(l.sp.tp) // commits with the transaction
		default:
			s.e.recordWrite(context.WithoutCancel(ctx), l.in, l.pc.Driver())
		}
	}
	releaseLegs(legs)
	return nil
}

// abortLegs rolls back the legs' own transactions and gives back their
// connections after a failure. DDL that ran is reported by the caller.
func (s *Session) abortLegs(ctx context.Context, legs []leg) {
	for i := range legs {
		if l := &legs[i]; l.tx != nil || l.xa {
			if e := l.rollback(context.WithoutCancel(ctx), s.e.d); e != nil && l.err == nil {
				l.err = e
			}
		}
	}
	releaseLegs(legs)
}

// releaseLegs gives back the connections the legs took from pools.
func releaseLegs(legs []leg) {
	for i := range legs {
		legs[i].release(legs[i].err)
	}
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
