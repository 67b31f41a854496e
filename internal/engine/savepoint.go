package engine

import (
	"context"
	"database/sql/driver"
	"fmt"
	"io"
	"strings"

	"github.com/grantsql/grant/internal/analyze"
)

// savepoint is an open savepoint of a transaction: its name and the
// statement that set it, replayed on a database enlisted after it.
type savepoint struct {
	name, sql string
}

// txSavepoint reports whether st is a savepoint statement that the
// transaction runs on every database it has (sharded clusters only: without
// sharding a transaction has one database and the statement runs there).
func (s *Session) txSavepoint(st *analyze.Statement) bool {
	return s.tx != nil && s.e.planner != nil && savepointKind(st)
}

// savepointKind reports whether st sets, releases or rolls back to a
// savepoint.
func savepointKind(st *analyze.Statement) bool {
	switch st.Kind {
	case analyze.KindSavepoint, analyze.KindReleaseSavepoint, analyze.KindRollbackTo:
		return st.Tx != nil && !st.Multi
	}
	return false
}

// savepoint runs SAVEPOINT, RELEASE SAVEPOINT or ROLLBACK TO SAVEPOINT on
// every database of the transaction and keeps the list of open savepoints,
// so that a database that joins later sets them too: ROLLBACK TO then
// undoes, on every database, what ran since the savepoint (GORM's nested
// transactions). With no database yet it only records the savepoint.
func (t *Tx) savepoint(ctx context.Context, st *analyze.Statement, q string, args []driver.NamedValue) (driver.Result, error) {
	name := st.Tx.Name
	at := -1
	for i := len(t.saves) - 1; i >= 0; i-- {
		if strings.EqualFold(t.saves[i].name, name) {
			at = i
			break
		}
	}
	if st.Kind != analyze.KindSavepoint && at < 0 && len(t.parts) == 0 {
		return nil, fmt.Errorf("grant: %s: no savepoint %q in this transaction", q, name)
	}
	var res driver.Result = driver.RowsAffected(0)
	for i, p := range t.parts {
		r, err := p.pc.Exec(ctx, q, cloneArgs(args), false)
		if err != nil {
			err = fmt.Errorf("grant: %q on %s: %w", q, p.db.Name, p.pc.Node.Wrap(err))
			if i > 0 {
				// It took effect on the databases before this one only.
				t.failed = err
				err = fmt.Errorf("%w (the transaction can only roll back now)", err)
			}
			return nil, err
		}
		if i == 0 {
			res = r
		}
	}
	switch {
	case st.Kind == analyze.KindSavepoint:
		t.saves = append(t.saves, savepoint{name: name, sql: q})
	case at < 0:
	case st.Kind == analyze.KindReleaseSavepoint:
		t.saves = t.saves[:at]
	default: // ROLLBACK TO keeps the savepoint
		t.saves = t.saves[:at+1]
	}
	return res, nil
}

// replaySavepoints sets the transaction's open savepoints on a participant
// that just began.
func (t *Tx) replaySavepoints(ctx context.Context, p *participant) error {
	for _, s := range t.saves {
		if _, err := p.pc.Exec(ctx, s.sql, nil, false); err != nil {
			return fmt.Errorf("grant: setting savepoint %s on %s, which joins the transaction: %w", s.name, p.db.Name, p.pc.Node.Wrap(err))
		}
	}
	return nil
}

func cloneArgs(args []driver.NamedValue) []driver.NamedValue {
	if len(args) == 0 {
		return nil
	}
	return append([]driver.NamedValue(nil), args...)
}

// noRows is the empty result of a statement run through Query that returns
// no rows (a savepoint).
type noRows struct{}

func (noRows) Columns() []string         { return nil }
func (noRows) Close() error              { return nil }
func (noRows) Next([]driver.Value) error { return io.EOF }
