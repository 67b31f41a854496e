package engine

import (
	"context"
	"database/sql/driver"
	"fmt"

	"github.com/grantsql/grant/internal/lockrewrite"
	"github.com/grantsql/grant/internal/twopc"

	"github.com/grantsql/grant/registry"
	"github.com/grantsql/grant/routing"
	"github.com/grantsql/grant/twophase"
)

// Tx is a transaction of a session. It has one participant per database it
// touches: a real transaction on one physical connection of the node
// routing chose (taken from the pool and held until Commit or Rollback, or
// the session's pinned connection). Without sharding the participant of
// the target database begins at Begin; with sharding each database's
// participant begins at the transaction's first statement there.
//
// A transaction writes to one database only: a statement that would write
// to a second one is refused before it runs (twophase.ErrCrossShardWrite),
// so a commit never leaves one database committed and another not.
type Tx struct {
	s      *Session
	id     twopc.ID // of a two-phase commit: the first participant coordinates
	ctx    context.Context
	opts   driver.TxOptions
	o      *routing.Overrides
	parts  []*participant
	first  participant
	buf    [1]*participant
	writer *participant // the participant the transaction writes to, or nil
	saves  []savepoint
	// failed, when set, is why the transaction can no longer commit: a
	// statement that ran on several databases could not be undone on all
	// of them. Commit then rolls back and returns it.
	failed error
	done   bool
	// enforced: begun under PreventWrites, READ ONLY on the server.
	enforced bool
	// with begins each participant when the server has no row locks and
	// Begin's context asked for a lock (SQLite: BEGIN IMMEDIATE); the
	// transaction then holds the write lock (writeLocked).
	with        *lockrewrite.Begin
	writeLocked bool
	// ranDDL: DDL ran in the transaction; the catalog facts read while it
	// was uncommitted are forgotten when it ends (forgetCatalog).
	ranDDL bool
}

// errTxDone mirrors database/sql's sql.ErrTxDone for the driver side.
var errTxDone = fmt.Errorf("grant: transaction has already been committed or rolled back")

// part returns the participant of db, or nil.
func (t *Tx) part(db *registry.Database) *participant {
	for _, p := range t.parts {
		if p.db == db {
			return p
		}
	}
	return nil
}

// enlist returns the participant of db, beginning it where routing puts a
// transaction of db when it has none yet. The real transaction begins under
// the context of Begin, not of the statement: drivers keep that context
// for the commit, and database/sql keeps it alive until the transaction
// ends.
func (t *Tx) enlist(ctx context.Context, db *registry.Database) (*participant, error) {
	if p := t.part(db); p != nil {
		return p, nil
	}
	s := t.s
	in := routing.Input{DB: db, Overrides: t.o, Session: s.ryw, Pinned: s.pinnedNode(db)}
	rt, err := s.e.router.DecideBegin(in, t.opts)
	if err != nil {
		return nil, err
	}
	p := &t.first
	if len(t.parts) > 0 {
		p = new(participant)
	}
	*p = participant{db: db, in: in, with: t.with}
	if s.e.tp.on {
		if len(t.parts) == 0 {
			t.id = twopc.NewID(db.Name)
		}
		p.branch = twopc.Branch{ID: t.id, Database: db.Name}
	}
	var pinned *registry.Conn
	if pp := s.pinOf(db.Name); pp != nil {
		pinned = &pp.Conn
		pp.state = true // a transaction's effects may linger (SET inside it)
	}
	if err := p.begin(ctx, t.ctx, s, rt.Node, pinned, t.opts); err != nil {
		if len(t.parts) == 0 && s.e.planner == nil {
			return nil, err // as the one database reported it
		}
		return nil, fmt.Errorf("grant: beginning the transaction on %s: %w", db.Name, err)
	}
	if err := t.replaySavepoints(ctx, p); err != nil {
		p.tx.Rollback()
		p.release(err)
		return nil, err
	}
	t.parts = append(t.parts, p)
	t.writeLocked = t.with != nil
	return p, nil
}

// admit admits a statement that would write to dbs. When the transaction
// would then write to more than one database it commits in two phases,
// and every database must be able to prepare; otherwise the statement is
// refused before it runs. It is the one place where that rule is checked.
func (t *Tx) admit(ctx context.Context, statement string, dbs ...*registry.Database) error {
	if len(dbs) == 0 || len(dbs) == 1 && (t.writer == nil || t.writer.db == dbs[0]) {
		return nil
	}
	all := dbs
	if t.writer != nil {
		all = append([]*registry.Database{t.writer.db}, dbs...)
	}
	var why error
	for _, db := range all {
		if why = t.s.e.twoPhaseWhy(ctx, db); why != nil {
			break
		}
	}
	if why == nil {
		return nil
	}
	names := make([]string, len(dbs))
	for i, d := range dbs {
		names[i] = d.Name
	}
	e := t.refuse(statement, false, names...)
	e.Why = "two-phase commit is not available: " + why.Error()
	return e
}

// refuse returns the refusal of statement, which writes (or, when changed,
// changed rows) on dbs.
func (t *Tx) refuse(statement string, changed bool, dbs ...string) *twophase.CrossShardWriteError {
	e := &twophase.CrossShardWriteError{Statement: statement, Databases: dbs, Changed: changed}
	if t.writer != nil {
		e.Writing = t.writer.db.Name
	}
	return e
}

// wrote records that a statement may have written through p.
func (t *Tx) wrote(p *participant) {
	p.wrote = true
	if t.writer == nil {
		t.writer = p
	}
}

// Commit commits every participant through the commit path; a transaction
// marked failed rolls back instead and returns why. The connections go
// back to their pools.
func (t *Tx) Commit() error {
	if t.done {
		return errTxDone
	}
	t.done = true
	defer t.end()
	if t.failed != nil {
		return t.s.e.rollbackFailed(t.ctx, t.failed, t.parts)
	}
	return t.s.e.commit(t.ctx, t.parts)
}

// Rollback rolls every participant back and returns its connection.
func (t *Tx) Rollback() error {
	if t.done {
		return errTxDone
	}
	t.done = true
	defer t.end()
	return t.s.e.rollbackAll(t.ctx, t.parts)
}

// end detaches the transaction from its session.
func (t *Tx) end() {
	if t.s.tx == t {
		t.s.tx = nil
	}
	if t.ranDDL {
		t.s.e.forgetCatalog()
	}
}
