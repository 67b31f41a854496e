package engine

import (
	"context"
	"database/sql/driver"
	"fmt"

	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/merge"
	"github.com/grantsql/grant/registry"
	"github.com/grantsql/grant/sharding"
)

// queryShards runs a query planned on several databases. A read opens every
// database's query in parallel and merges the streams as the plan's merge
// spec says; a write with RETURNING (outside a transaction: inside one it
// is refused) runs as execShards does and its rows are buffered until every
// database committed.
func (s *Session) queryShards(ctx context.Context, st *analyze.Statement, pl *sharding.Plan) (driver.Rows, error) {
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
	c := call{q: l.q.SQL, args: l.q.Args, query: true}
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
	base, st, err := l.pc.Query(ctx, c.q, c.args, false)
	if err != nil {
		return nil, l.pc.Node.Wrap(err)
	}
	r := newRows()
	b, err := merge.ReadAll(r.start(base, st, l.pc.Node))
	if err != nil {
		return nil, err
	}
	return b.Rows(), nil
}
