package engine

import (
	"context"
	"database/sql/driver"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/lockrewrite"
	"github.com/grantsql/grant/registry"
)

// restore gives a setting changed around one statement (a lock timeout)
// its saved value back, on the statement's connection.
type restore struct {
	pc    *registry.Conn
	q     string
	args  []driver.NamedValue
	local bool // SET LOCAL (PostgreSQL): the transaction's end restores it too
}

// setAround saves the current value of set on pc, sets the new one and
// returns how to restore the saved one.
func setAround(ctx context.Context, d dialect.Dialect, pc *registry.Conn, set *lockrewrite.Setting) (restore, error) {
	saved, err := pc.QueryString(ctx, set.Save)
	if err != nil {
		return restore{}, err
	}
	q, args, err := set.Restore(saved)
	if err != nil {
		return restore{}, err
	}
	if _, err := pc.Exec(ctx, set.Set, nil, false); err != nil {
		return restore{}, err
	}
	r := restore{pc: pc, q: q, local: d == dialect.Postgres}
	for i, a := range args {
		r.args = append(r.args, driver.NamedValue{Ordinal: i + 1, Value: a})
	}
	return r, nil
}

// run restores the setting, if any; stmtErr is the statement's error. When
// the statement failed in a PostgreSQL transaction, the transaction is
// aborted and the restore cannot run: its end restores the SET LOCAL.
func (r *restore) run(stmtErr error) error {
	if r.pc == nil {
		return nil
	}
	_, err := r.pc.Exec(context.Background(), r.q, r.args, false)
	local := r.local
	*r = restore{}
	if err != nil && stmtErr != nil && local {
		return nil
	}
	return err
}

// beginWith begins p's transaction with b's statement (SQLite's BEGIN
// IMMEDIATE, which takes the database write lock), under b's busy timeout.
func (p *participant) beginWith(ctx context.Context, d dialect.Dialect, b *lockrewrite.Begin) error {
	var rs restore
	if b.Timeout != nil {
		var err error
		if rs, err = setAround(ctx, d, p.pc, b.Timeout); err != nil {
			return err
		}
	}
	_, err := p.pc.Exec(ctx, b.SQL, nil, false)
	if rerr := rs.run(err); err == nil && rerr != nil {
		_, _ = p.pc.Exec(context.Background(), "ROLLBACK", nil, false)
		err = rerr
	}
	if err == nil {
		p.tx = execTx{p.pc}
	}
	return err
}

// execTx is a transaction begun by a statement of Grant's own (BEGIN
// IMMEDIATE): it ends with COMMIT or ROLLBACK statements.
type execTx struct{ pc *registry.Conn }

// Commit commits; when COMMIT fails (SQLITE_BUSY) the transaction is
// rolled back, so the connection never stays inside it.
func (t execTx) Commit() error {
	_, err := t.pc.Exec(context.Background(), "COMMIT", nil, false)
	if err != nil {
		_, _ = t.pc.Exec(context.Background(), "ROLLBACK", nil, false)
	}
	return err
}

// Rollback rolls back.
func (t execTx) Rollback() error {
	_, err := t.pc.Exec(context.Background(), "ROLLBACK", nil, false)
	return err
}
