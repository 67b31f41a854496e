package grant

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"

	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/sharding"
)

// tentativeSavepoint marks, on every database, where a tentative write
// began.
const tentativeSavepoint = "grant_tentative"

// execTentative runs an UPDATE or DELETE planned on several databases inside
// a transaction. Which databases it changes is known only once it ran (an
// UPDATE by primary key changes one row on one shard), so each database
// runs it after a savepoint. If rows changed on more than one database,
// counting the one the transaction already writes to, every database rolls
// back to the savepoint and the statement fails with ErrCrossShardWrite:
// the transaction is as it was before. Otherwise the savepoints are
// released and the rows affected add up. An UPDATE that set the shard key
// is undone the same way when it changed rows off the key's database.
func (vc *Conn) execTentative(ctx context.Context, st *analyze.Statement, pl *sharding.Plan, legs []leg) (driver.Result, error) {
	var err error
	set := 0
	for i := range legs {
		l := &legs[i]
		dc := l.s.tp.pc.Driver()
		if _, err = exec(ctx, dc, "SAVEPOINT "+tentativeSavepoint, nil); err != nil {
			err = fmt.Errorf("grant: shard %s: %w", l.q.Database, l.s.tp.pc.Node.Wrap(err))
			break
		}
		set++
		if l.res, err = exec(ctx, dc, l.q.SQL, l.q.Args); err != nil {
			err = fmt.Errorf("grant: shard %s: %w", l.q.Database, l.s.tp.pc.Node.Wrap(err))
			break
		}
	}
	var changed []*part
	r := &shardsResult{}
	if err == nil {
		for i := range legs {
			l := &legs[i]
			n := resultRows(l)
			r.rows += max(n, 0)
			r.dbs = append(r.dbs, l.q.Database)
			if n != 0 {
				changed = append(changed, l.s.tp)
			}
		}
		if w := vc.tx.writer; w != nil {
			dbs := []*part{w}
			for _, p := range changed {
				if p != w {
					dbs = append(dbs, p)
				}
			}
			changed = dbs
		}
		if err = keyMoved(st, pl, legs, resultRows); err != nil {
			changed = nil
		} else if len(changed) > 1 {
			e := &CrossShardWriteError{Statement: st.SQL, Changed: true}
			for _, p := range changed {
				e.Databases = append(e.Databases, p.db.Name)
			}
			err = e
		}
	}
	end := "RELEASE SAVEPOINT " + tentativeSavepoint
	if err != nil {
		end = "ROLLBACK TO SAVEPOINT " + tentativeSavepoint
	}
	for i := range legs[:set] {
		p := legs[i].s.tp
		_, e := exec(ctx, p.pc.Driver(), end, nil)
		if e == nil && err != nil {
			_, e = exec(ctx, p.pc.Driver(), "RELEASE SAVEPOINT "+tentativeSavepoint, nil)
		}
		if e != nil {
			err = errors.Join(err, fmt.Errorf("grant: shard %s: %s: %w", p.db.Name, end, p.pc.Node.Wrap(e)))
		}
	}
	if err != nil {
		return nil, err
	}
	for _, p := range changed {
		vc.tx.wrote(p)
	}
	return r, nil
}
