package grant

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"

	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/internal/merge"
	"github.com/grantsql/grant/registry"
	"github.com/grantsql/grant/sharding"
)

// queryShards runs a query planned on several databases. A read opens every
// database's query in parallel and merges the streams as the plan's merge
// spec says; a write with RETURNING (outside a transaction: inside one it
// is refused) runs as execShards does and its rows are buffered until every
// database committed.
func (vc *Conn) queryShards(ctx context.Context, st *analyze.Statement, pl *sharding.Plan) (driver.Rows, error) {
	legs, err := vc.legs(ctx, st, pl, false)
	if err != nil {
		return nil, err
	}
	if pl.Writes {
		return vc.queryWrites(ctx, st, pl, legs)
	}
	if pl.Merge == nil {
		return nil, fmt.Errorf("grant: the plan of %q reads %d databases without a merge", st.SQL, len(legs))
	}
	if err := vc.acquireLegs(ctx, legs); err != nil {
		return nil, err
	}
	sources := make([]merge.Source, len(legs))
	for i := range legs {
		l := &legs[i]
		sources[i] = merge.Source{Name: l.q.Database, Open: func(ctx context.Context) (driver.Rows, error) {
			return vc.c.openLeg(ctx, l)
		}}
	}
	r, err := merge.Open(ctx, *pl.Merge, sources)
	if err != nil {
		vc.releaseLegs(legs, nil) // the connections no source took
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
func (c *Connector) openLeg(ctx context.Context, l *leg) (driver.Rows, error) {
	if l.pc == &l.own {
		r := getRows()
		r.pc, l.own, l.pc = l.own, registry.Conn{}, nil
		n := r.pc.Node
		base, st, err := query(ctx, r.pc.Driver(), l.q.SQL, l.q.Args)
		if err == nil {
			return r.start(base, st, n), nil
		}
		r.pc.Release(err)
		putRows(r)
		if err = n.Wrap(err); !c.retry(ctx, &l.s, err, 1) {
			return nil, err
		}
		return c.queryPooled(ctx, &l.s, l.q.SQL, l.q.Args, 2)
	}
	base, st, err := query(ctx, l.pc.Driver(), l.q.SQL, l.q.Args)
	if err != nil {
		return nil, l.pc.Node.Wrap(err)
	}
	b, err := merge.ReadAll((&rows{viewMask: -1}).start(base, st, l.pc.Node))
	if err != nil {
		return nil, err
	}
	return b.Rows(), nil
}

// queryWrites runs a write with RETURNING on several databases, each in a
// transaction of its own, reads every database's rows before committing,
// and returns them: in the order of the INSERT's VALUES rows when the plan
// split an INSERT (GORM assigns generated ids by position), the copy of
// ResultFrom for broadcast writes, merged by the plan otherwise.
func (vc *Conn) queryWrites(ctx context.Context, st *analyze.Statement, pl *sharding.Plan, legs []leg) (driver.Rows, error) {
	local := st.Kind != analyze.KindDDL
	err := vc.runLegs(ctx, legs, local, func(ctx context.Context, l *leg) error {
		base, stmt, err := query(ctx, l.pc.Driver(), l.q.SQL, l.q.Args)
		if err != nil {
			return err
		}
		l.buf, err = merge.ReadAll(base)
		if stmt != nil {
			if e := stmt.Close(); err == nil {
				err = e
			}
		}
		return err
	})
	if err == nil {
		err = keyMoved(st, pl, legs, func(l *leg) int64 { return int64(len(l.buf.Data)) })
	} else if !local {
		err = ranOn(err, legs)
	}
	if err != nil {
		vc.abortLegs(legs)
		return nil, err
	}
	if err := vc.finishLegs(ctx, legs, local); err != nil {
		return nil, err
	}
	if pl.ResultFrom != "" {
		for i := range legs {
			if legs[i].q.Database == pl.ResultFrom {
				return legs[i].buf.Rows(), nil
			}
		}
	}
	if pl.ReturningOrder == "rows" {
		return inValuesOrder(legs).Rows(), nil
	}
	if pl.Merge == nil {
		return nil, errors.New("grant: the plan of a write with RETURNING on several databases has no merge")
	}
	sources := make([]merge.Source, len(legs))
	for i := range legs {
		b := legs[i].buf
		sources[i] = merge.Source{Name: legs[i].q.Database, Open: func(context.Context) (driver.Rows, error) {
			return b.Rows(), nil
		}}
	}
	return merge.Open(ctx, *pl.Merge, sources)
}

// inValuesOrder puts the RETURNING rows of an INSERT split over databases
// back in the order of its VALUES rows: the k-th row a database returned is
// the row of its k-th VALUES row. When a database returned another number
// of rows than it was sent (ON CONFLICT DO NOTHING skips some), positions
// are unknown and the rows come database after database.
func inValuesOrder(legs []leg) *merge.Buffered {
	total, exact := 0, true
	for i := range legs {
		total += len(legs[i].q.Rows)
		exact = exact && len(legs[i].buf.Data) == len(legs[i].q.Rows)
	}
	data := make([][]driver.Value, 0, total)
	if exact {
		data = data[:total]
		for i := range legs {
			for k, row := range legs[i].buf.Data {
				data[legs[i].q.Rows[k]] = row
			}
		}
	} else {
		for i := range legs {
			data = append(data, legs[i].buf.Data...)
		}
	}
	return legs[0].buf.WithData(data)
}
