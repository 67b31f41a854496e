package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/internal/twopc"
	"github.com/grantsql/grant/registry"
	"github.com/grantsql/grant/sharding"
	"github.com/grantsql/grant/twophase"
)

// MySQL commits the open transaction before a DDL statement and the DDL on
// its own (an implicit commit), and refuses DDL inside an XA transaction,
// which is how a transaction's participant begins when it may commit in
// two phases. So that DDL in a transaction (ent's and goose's migrations)
// runs as it does on MySQL directly, Grant does the implicit commit
// itself: it commits the participant's branch in one phase, runs the DDL
// outside any transaction, and begins a new branch for what follows.
//
// That commit is the transaction's only one-phase commit of written data,
// so it is allowed only when no other database of the transaction has
// written: otherwise part of a transaction meant to commit as one would be
// committed ahead of the rest, and the DDL is refused before it runs.

// ddlInXA reports whether st, run in the session's transaction, needs the
// implicit commit: DDL on MySQL with two-phase branches.
func (s *Session) ddlInXA(st *analyze.Statement) bool {
	return s.tx != nil && s.e.tp.on && s.e.d == dialect.MySQL && st.Kind == analyze.KindDDL
}

// implicitCommit ends the XA branches of the databases a DDL statement
// runs on (sp's, or pl's when it spans several), as MySQL's implicit
// commit would, and returns the function that begins new branches once the
// DDL ran.
func (s *Session) implicitCommit(ctx context.Context, st *analyze.Statement, sp *step, pl *sharding.Plan) (func(), error) {
	t := s.tx
	var dbs []*registry.Database
	if pl == nil {
		dbs = append(dbs, sp.in.DB)
	} else {
		for i := range pl.Shards {
			db, err := s.e.database(pl.Shards[i].Database)
			if err != nil {
				return nil, err
			}
			dbs = append(dbs, db)
		}
	}
	var parts []*participant
	for _, db := range dbs {
		p, err := t.enlist(ctx, db)
		if err != nil {
			return nil, err
		}
		parts = append(parts, p)
	}
	if err := t.implicitCommitAllowed(st, parts); err != nil {
		return nil, err
	}
	var ended []*participant
	for _, p := range parts {
		if !p.xa {
			continue
		}
		if err := twopc.CommitOnePhase(ctx, p.pc, p.branch); err != nil {
			p.err = err
			return nil, fmt.Errorf("grant: committing the transaction on %s before DDL (MySQL commits implicitly): %w", p.db.Name, err)
		}
		p.xa, p.wrote = false, false
		if t.writer == p {
			t.writer = nil
		}
		ended = append(ended, p)
	}
	return func() { t.restartBranches(ended) }, nil
}

// implicitCommitAllowed refuses DDL whose implicit commit would commit
// written data of the transaction while another database also wrote.
func (t *Tx) implicitCommitAllowed(st *analyze.Statement, parts []*participant) error {
	var writers []string
	elsewhere := false
	for _, p := range t.parts {
		if !p.wrote {
			continue
		}
		writers = append(writers, p.db.Name)
		in := false
		for _, q := range parts {
			in = in || q == p
		}
		elsewhere = elsewhere || !in
	}
	if len(writers) == 0 || (len(writers) == 1 && !elsewhere) {
		return nil
	}
	e := &twophase.CrossShardWriteError{Statement: st.SQL, Databases: writers, Writing: writers[0],
		Why: "MySQL commits a transaction implicitly before DDL, and this transaction has written to " +
			strings.Join(writers, " and ") + ", which must commit as one: run the DDL outside the transaction"}
	return e
}

// restartBranches begins a new XA branch on each participant whose branch
// the implicit commit ended, for the rest of the transaction. One that
// cannot begin makes the transaction fail: Commit rolls back and says why.
func (t *Tx) restartBranches(parts []*participant) {
	for _, p := range parts {
		p.wrote = false // the DDL committed on its own
		if t.writer == p {
			t.writer = nil
		}
		if err := p.start(t.ctx, t.s.e.d, t.opts); err != nil && t.failed == nil {
			p.err = err
			t.failed = fmt.Errorf("grant: beginning the transaction again on %s after DDL: %w", p.db.Name, err)
		}
	}
	if t.writer == nil {
		for _, p := range t.parts {
			if p.wrote {
				t.writer = p
				break
			}
		}
	}
}
