package engine

import (
	"context"
	"database/sql/driver"

	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/internal/planner"
	"github.com/grantsql/grant/registry"
	"github.com/grantsql/grant/routing"
	"github.com/grantsql/grant/sharding"
)

// step is one statement's plan on one database: its analysis, what
// routing knew, and where it runs. It is data, decided before any I/O
// except, in a transaction, beginning the database's participant.
type step struct {
	st *analyze.Statement
	in routing.Input
	rt routing.Route
	tp *participant // the transaction's participant on in.DB, in a transaction
}

// writes reports whether the statement may have changed data, so that
// read-your-writes must remember it.
func (sp *step) writes() bool { return sp.st.Has(analyze.Writes) }

// plan plans the analyzed statement st for this session. A statement on
// sharded or broadcast tables (or pinned to a shard) is planned by the
// sharding planner: when it runs on one database the step routes it there
// (the SQL and arguments are the caller's); when it runs on several the
// sharding plan is returned for the caller to run, with a step holding
// only the analysis.
func (s *Session) plan(ctx context.Context, st *analyze.Statement, args []driver.NamedValue) (step, *sharding.Plan, error) {
	o := routing.FromContext(ctx)
	name := s.target(o)
	if p := s.e.planner; p != nil && (name != "" || p.Sharded(st)) {
		if _, err := s.e.database(name); err != nil {
			return step{}, nil, err
		}
		pl, err := s.e.planSharded(ctx, s, p, st, args, planner.Options{Shard: name, InTx: s.tx != nil, TwoPhase: s.e.tp.on})
		if err != nil {
			return step{}, nil, err
		}
		if len(pl.Shards) > 1 {
			return step{st: st}, pl, nil
		}
		name = pl.Shards[0].Database
	}
	db, err := s.e.database(name)
	if err != nil {
		return step{}, nil, err
	}
	sp, err := s.decide(ctx, st, db, o, true)
	return sp, nil, err
}

// target returns the name of the database a statement under o targets:
// its own (grant.UseDatabase, grant.UseShard), else the one its transaction
// was begun for, else "" for the default.
func (s *Session) target(o *routing.Overrides) string {
	if name := o.Database(); name != "" {
		return name
	}
	if s.tx != nil {
		return s.tx.o.Database()
	}
	return ""
}

// decide routes st on db for this session. In a transaction it first
// admits the statement under the one-writing-database rule (unless the
// caller admits it itself, as for a statement on several databases) and
// enlists db's participant.
func (s *Session) decide(ctx context.Context, st *analyze.Statement, db *registry.Database, o *routing.Overrides, admit bool) (step, error) {
	sp := step{st: st}
	sp.in = routing.Input{DB: db, Overrides: o, Session: s.ryw, Pinned: s.pinnedNode(db)}
	if s.idle.Held() && s.idle.Node.Database == db.Name {
		sp.in.Last = s.idle.Node
	}
	if t := s.tx; t != nil {
		if admit && sp.writes() {
			if err := t.admit(ctx, st.SQL, db); err != nil {
				return sp, err
			}
		}
		p, err := t.enlist(ctx, db)
		if err != nil {
			return sp, err
		}
		sp.tp, sp.in.Tx = p, p.pc.Node
	}
	var err error
	sp.rt, err = s.e.router.Decide(st, sp.in)
	sp.rt = s.e.catchUp(ctx, sp.in, sp.rt)
	return sp, err
}

// recordWrite tells routing that a write of in completed on dc. In causal
// mode it first reads the primary's position on that same connection.
func (e *Engine) recordWrite(ctx context.Context, in routing.Input, dc driver.Conn) {
	var pos routing.Position
	if e.router.Causal() && dc != nil {
		pos, _ = e.router.CurrentPosition(ctx, dc) // unknown position: the window applies
	}
	e.router.Wrote(in, pos)
}
