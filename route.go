package grant

import (
	"context"
	"database/sql/driver"
	"fmt"

	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/registry"
	"github.com/grantsql/grant/routing"
)

// UseDatabase returns a context whose statements go to the named database
// instead of the default one (routing.UseDatabase). An unknown name fails
// the statement, naming it.
func UseDatabase(ctx context.Context, name string) context.Context {
	return routing.UseDatabase(ctx, name)
}

// step is one statement's plan: its analysis, what routing knew, and where
// it runs. It is data, decided before any I/O.
type step struct {
	st *analyze.Statement
	in routing.Input
	rt routing.Route
}

// database returns the database a statement under o targets.
func (c *Connector) database(o *routing.Overrides) (*registry.Database, error) {
	name := o.Database()
	if name == "" {
		return c.reg.Default(), nil
	}
	db, found := c.reg.Database(name)
	if !found {
		return nil, fmt.Errorf("grant: unknown database %q (from grant.UseDatabase): declared databases are %v", name, c.reg.DatabaseNames())
	}
	return db, nil
}

// plan analyzes q (cached) and routes it for this session.
func (vc *Conn) plan(ctx context.Context, q string) (step, error) {
	o := routing.FromContext(ctx)
	db, err := vc.c.database(o)
	if err != nil {
		return step{}, err
	}
	s := step{st: vc.c.cache.Analyze(vc.c.cfg.Dialect, q)}
	s.in = routing.Input{DB: db, Overrides: o, Session: vc.sess, Pinned: vc.pinnedNode(db)}
	if vc.tx != nil {
		s.in.Tx = vc.tx.pc.Node
	}
	s.rt, err = vc.c.router.Decide(s.st, s.in)
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
