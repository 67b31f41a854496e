package grant

import (
	"context"
	"database/sql/driver"
	"fmt"

	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/registry"
	"github.com/grantsql/grant/routing"
	"github.com/grantsql/grant/sharding"
)

// UseDatabase returns a context whose statements go to the named database
// instead of the default one (routing.UseDatabase). An unknown name fails
// the statement, naming it.
func UseDatabase(ctx context.Context, name string) context.Context {
	return routing.UseDatabase(ctx, name)
}

// step is one statement's plan on one database: its analysis, what
// routing knew, and where it runs. It is data, decided before any I/O
// except, in a transaction, beginning the database's participant.
type step struct {
	st *analyze.Statement
	in routing.Input
	rt routing.Route
	tp *part // the transaction's participant on in.DB, in a transaction
}

// database returns the database a statement under o targets.
func (c *Connector) database(o *routing.Overrides) (*registry.Database, error) {
	return c.databaseNamed(o.Database())
}

// databaseNamed returns the named database, or the default one for "".
func (c *Connector) databaseNamed(name string) (*registry.Database, error) {
	if name == "" {
		return c.reg.Default(), nil
	}
	db, found := c.reg.Database(name)
	if !found {
		return nil, fmt.Errorf("grant: unknown database %q (from grant.UseDatabase or grant.UseShard): declared databases are %v", name, c.reg.DatabaseNames())
	}
	return db, nil
}

// plan plans the analyzed statement st for this session. A statement on
// sharded or broadcast tables (or pinned to a shard) is planned by the
// sharding planner: when it runs on one database the step routes it there
// (the SQL and arguments are the caller's); when it runs on several the
// sharding plan is returned for the caller to run, with a step holding
// only the analysis.
func (vc *Conn) plan(ctx context.Context, st *analyze.Statement, args []driver.NamedValue) (step, *sharding.Plan, error) {
	o := routing.FromContext(ctx)
	name := vc.target(o)
	if sp := vc.c.shards; sp != nil && (name != "" || sp.Sharded(st)) {
		if _, err := vc.c.databaseNamed(name); err != nil {
			return step{}, nil, err
		}
		pl, err := sp.Plan(st, args, name)
		if err != nil {
			return step{}, nil, err
		}
		if len(pl.Shards) > 1 {
			return step{st: st}, pl, nil
		}
		name = pl.Shards[0].Database
	}
	db, err := vc.c.databaseNamed(name)
	if err != nil {
		return step{}, nil, err
	}
	s, err := vc.decide(ctx, st, db, o, true)
	return s, nil, err
}

// target returns the name of the database a statement under o targets:
// its own (grant.UseDatabase, grant.UseShard), else the one its transaction
// was begun for, else "" for the default.
func (vc *Conn) target(o *routing.Overrides) string {
	if name := o.Database(); name != "" {
		return name
	}
	if vc.tx != nil {
		return vc.tx.o.Database()
	}
	return ""
}

// decide routes st on db for this session. In a transaction it first
// checks the one-writing-database rule (unless the caller checks it after
// running, as for a tentative write) and enlists db's participant.
func (vc *Conn) decide(ctx context.Context, st *analyze.Statement, db *registry.Database, o *routing.Overrides, check bool) (step, error) {
	s := step{st: st}
	s.in = routing.Input{DB: db, Overrides: o, Session: vc.sess, Pinned: vc.pinnedNode(db)}
	if t := vc.tx; t != nil {
		if check && s.writes() {
			if err := t.checkWrite(st.SQL, db); err != nil {
				return s, err
			}
		}
		p, err := t.enlist(ctx, db)
		if err != nil {
			return s, err
		}
		s.tp, s.in.Tx = p, p.pc.Node
	}
	var err error
	s.rt, err = vc.c.router.Decide(st, s.in)
	return s, err
}

// writes reports whether the statement may have changed data, so that
// read-your-writes must remember it.
func (s *step) writes() bool { return routing.MayWrite(s.st) }

// recordWrite tells routing that a write of s completed on dc. In causal
// mode it first reads the primary's position on that same connection.
func (c *Connector) recordWrite(ctx context.Context, in routing.Input, dc driver.Conn) {
	var pos routing.Position
	if c.router.Causal() && dc != nil {
		pos, _ = c.router.CurrentPosition(ctx, dc) // unknown position: the window applies
	}
	c.router.Wrote(in, pos)
}
