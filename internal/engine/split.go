package engine

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"

	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/merge"
	"github.com/grantsql/grant/sharding"
)

// execShards runs a statement planned on several databases. Outside a
// transaction a write runs on every database in a transaction of its own,
// all in parallel, and commits only when every part succeeded; DDL, which
// MySQL cannot roll back, runs as is.
func (s *Session) execShards(ctx context.Context, st *analyze.Statement, pl *sharding.Plan) (driver.Result, error) {
	legs, err := s.legs(ctx, st, pl)
	if err != nil {
		return nil, err
	}
	x := pl.Execution
	if x.Tentative {
		return s.execTentative(ctx, st, pl, legs)
	}
	local := x.LocalTx
	err = s.runLegs(ctx, legs, x, func(ctx context.Context, l *leg) error {
		var err error
		l.res, err = l.pc.Exec(ctx, l.q.SQL, l.q.Args, false)
		return err
	})
	if err == nil {
		err = keyMoved(st, pl, legs, resultRows)
	}
	if err != nil {
		if pl.Writes && !local {
			err = ranOn(err, legs)
		}
		s.abortLegs(ctx, legs)
		return nil, err
	}
	if err := s.finishLegs(ctx, legs, local); err != nil {
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

// queryWrites runs a write with RETURNING on several databases, each in a
// transaction of its own, reads every database's rows before committing,
// and returns them: in the order of the INSERT's VALUES rows when the plan
// split an INSERT (GORM assigns generated ids by position), the copy of
// ResultFrom for broadcast writes, merged by the plan otherwise.
func (s *Session) queryWrites(ctx context.Context, st *analyze.Statement, pl *sharding.Plan, legs []leg) (driver.Rows, error) {
	local := pl.Execution.LocalTx
	err := s.runLegs(ctx, legs, pl.Execution, func(ctx context.Context, l *leg) error {
		base, stmt, err := l.pc.Query(ctx, l.q.SQL, l.q.Args, false)
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
		s.abortLegs(ctx, legs)
		return nil, err
	}
	if err := s.finishLegs(ctx, legs, local); err != nil {
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
// (An INSERT whose ids Grant generates, sharding.IDConfig, has the result
// of ids.go, whose LastInsertId is the first id.)
func (r *shardsResult) LastInsertId() (int64, error) {
	return 0, fmt.Errorf("grant: LastInsertId is not available for a statement that ran on several databases (%s): "+
		"each generated its own ids; let Grant generate them (sharding.tables.<table>.id) or use RETURNING",
		strings.Join(r.dbs, ", "))
}
