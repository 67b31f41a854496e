package engine

import (
	"context"
	"database/sql/driver"
	"fmt"
	"slices"
	"strings"

	"github.com/grantsql/grant/merge"
	"github.com/grantsql/grant/registry"
	"github.com/grantsql/grant/sharding"
)

// queryShards runs a query planned on several databases. A read opens every
// database's query in parallel and merges the streams as the plan's merge
// spec says; a write with RETURNING (outside a transaction: inside one it
// is refused) runs as execShards does and its rows are buffered until every
// database committed.
//
// A locking read (in a transaction) locks the databases one at a time, in
// the order of their names, so that two transactions locking the same rows
// of several databases never wait on each other in a cycle: no single
// server could see, let alone break, such a deadlock.
func (s *Session) queryShards(ctx context.Context, lk *locked, pl *sharding.Plan) (driver.Rows, error) {
	st := lk.st
	legs, err := s.legs(ctx, st, pl)
	if err != nil {
		return nil, err
	}
	if pl.Writes {
		return s.queryWrites(ctx, st, pl, legs)
	}
	if pl.Merge == nil {
		return nil, fmt.Errorf("grant: the plan of %q reads %d databases without a merge", st.SQL, len(legs))
	}
	if err := s.acquireLegs(ctx, legs); err != nil {
		return nil, err
	}
	for i := range legs {
		legs[i].timeout = lk.timeout
	}
	if lk.locks {
		return s.lockLegs(ctx, pl, legs)
	}
	sources := make([]merge.Source, len(legs))
	for i := range legs {
		l := &legs[i]
		sources[i] = merge.Source{Name: l.q.Database, Open: func(ctx context.Context) (driver.Rows, error) {
			return s.e.openLeg(ctx, l)
		}}
	}
	r, err := merge.Open(ctx, *pl.Merge, sources)
	if err != nil {
		releaseLegs(legs) // the connections no source took
	}
	return r, err
}

// openLeg runs one database's query of a fan-out read. It runs on a
// goroutine of its own and touches no session state. On a connection taken
// for this read (acquireLegs) the rows stream, and the connection goes back
// to its pool when they close; a failed first try is retried as configured.
// On a connection the transaction or session holds, the rows are read to
// the end before Open returns: the merge reads ahead on its goroutines, and
// database/sql may run the session's next statement on that connection
// while the merged rows are still open.
func (e *Engine) openLeg(ctx context.Context, l *leg) (driver.Rows, error) {
	c := call{q: l.q.SQL, args: l.q.Args, query: true, timeout: l.timeout}
	if l.pc == &l.own {
		r := newRows()
		r.pc, l.own, l.pc = l.own, registry.Conn{}, nil
		n := r.pc.Node
		base, st, err := r.pc.Query(ctx, c.q, c.args, false)
		if err == nil {
			return r.start(base, st, n), nil
		}
		r.pc.Release(err)
		r.free()
		if err = n.Wrap(err); !e.retries(ctx, &l.sp, err, 1) {
			return nil, err
		}
		out, err := e.pooled(ctx, nil, &l.sp, c, 2)
		return out.rows, err
	}
	r := newRows()
	out, err := e.run(ctx, &l.sp, l.pc, r, c, false)
	if err != nil {
		r.free()
		return nil, l.pc.Node.Wrap(err)
	}
	b, err := merge.ReadAll(out.rows)
	if err != nil {
		return nil, err
	}
	return b.Rows(), nil
}

// lockLegs runs a locking read's legs, each on its transaction's
// connection, one after the other in the order of their databases' names,
// and merges their rows.
func (s *Session) lockLegs(ctx context.Context, pl *sharding.Plan, legs []leg) (driver.Rows, error) {
	order := make([]*leg, len(legs))
	for i := range legs {
		order[i] = &legs[i]
	}
	slices.SortFunc(order, func(a, b *leg) int { return strings.Compare(a.q.Database, b.q.Database) })
	got := make(map[*leg]driver.Rows, len(legs))
	for _, l := range order {
		if l.pc == nil || l.sp.tp == nil {
			return nil, fmt.Errorf("grant: locking read on %s outside its transaction", l.q.Database)
		}
		r, err := s.e.openLeg(ctx, l)
		if err != nil {
			return nil, fmt.Errorf("grant: shard %s: %w", l.q.Database, err)
		}
		got[l] = r
	}
	sources := make([]merge.Source, len(legs))
	for i := range legs {
		r := got[&legs[i]]
		sources[i] = merge.Source{Name: legs[i].q.Database, Open: func(context.Context) (driver.Rows, error) { return r, nil }}
	}
	return merge.Open(ctx, *pl.Merge, sources)
}
