package engine

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
func (s *Session) execTentative(ctx context.Context, st *analyze.Statement, pl *sharding.Plan, legs []leg) (driver.Result, error) {
	t := s.tx
	var err error
	set := 0
	for i := range legs {
		l := &legs[i]
		pc := l.sp.tp.pc
		if _, err = pc.Exec(ctx, "SAVEPOINT "+tentativeSavepoint, nil, false); err != nil {
			err = fmt.Errorf("grant: shard %s: %w", l.q.Database, pc.Node.Wrap(err))
			break
		}
		set++
		if l.res, err = pc.Exec(ctx, l.q.SQL, l.q.Args, false); err != nil {
			err = fmt.Errorf("grant: shard %s: %w", l.q.Database, pc.Node.Wrap(err))
			break
		}
	}
	var changed []*participant // the databases this statement changed rows on
	r := &shardsResult{}
	if err == nil {
		for i := range legs {
			l := &legs[i]
			r.res = append(r.res, l.res)
			r.dbs = append(r.dbs, l.q.Database)
			if resultRows(l) != 0 {
				changed = append(changed, l.sp.tp)
			}
		}
		err = keyMoved(st, pl, legs, resultRows)
		if err == nil {
			err = t.checkChanged(st.SQL, changed)
		}
	}
	if err != nil {
		if uerr := t.undoTentative(ctx, legs[:set]); uerr != nil {
			err = errors.Join(err, uerr)
		}
		return nil, err
	}
	// Released: the statement stands.
	for i := range legs {
		p := legs[i].sp.tp
		if _, e := p.pc.Exec(context.WithoutCancel(ctx), "RELEASE SAVEPOINT "+tentativeSavepoint, nil, false); e != nil {
			t.failed = fmt.Errorf("releasing savepoint %s on %s: %w", tentativeSavepoint, p.db.Name, p.pc.Node.Wrap(e))
			return nil, t.failed
		}
	}
	for _, p := range changed {
		t.wrote(p)
	}
	return r, nil
}

// checkChanged refuses a tentative statement that changed rows on more than
// one database, counting the one the transaction already writes to.
func (t *Tx) checkChanged(statement string, changed []*participant) error {
	dbs := map[*participant]bool{}
	for _, p := range changed {
		dbs[p] = true
	}
	if t.writer != nil {
		dbs[t.writer] = true
	}
	if len(dbs) <= 1 {
		return nil
	}
	names := make([]string, len(changed))
	for i, p := range changed {
		names[i] = p.db.Name
	}
	return t.refuse(statement, true, names...)
}

// undoTentative rolls the databases where the statement ran back to the
// savepoint, under a context the statement's deadline cannot cut short. If
// that fails somewhere, changes Grant cannot see may remain, so the
// transaction is marked failed: Commit will roll it back.
func (t *Tx) undoTentative(ctx context.Context, legs []leg) error {
	ctx = context.WithoutCancel(ctx)
	for i := range legs {
		p := legs[i].sp.tp
		for _, q := range []string{"ROLLBACK TO SAVEPOINT ", "RELEASE SAVEPOINT "} {
			if _, err := p.pc.Exec(ctx, q+tentativeSavepoint, nil, false); err != nil {
				t.failed = fmt.Errorf("undoing a statement on %s: %s%s: %w", p.db.Name, q, tentativeSavepoint, p.pc.Node.Wrap(err))
				return fmt.Errorf("grant: the transaction can only roll back now: %w", t.failed)
			}
		}
	}
	return nil
}
