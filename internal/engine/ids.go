package engine

import (
	"context"
	"database/sql/driver"
	"fmt"

	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/internal/planner"
	"github.com/grantsql/grant/sharding/idgen"
)

// Sharded tables get two things from the engine before their statements
// are planned, the way locking rewrites statements before planning
// (locks.go):
//
//   - generated ids: an INSERT into a table with an id generator
//     (sharding.IDConfig) that omits the id column is rewritten to carry
//     one id per row as bind parameters (planner.IDs, pure and cached per
//     statement text), the ids are made (a sequence may take a block from
//     the default database), and the rewritten statement runs in the
//     statement's place; its result's LastInsertId is the first id;
//   - unique keys: an INSERT whose conflict handling (ON CONFLICT, ON
//     DUPLICATE KEY UPDATE, INSERT IGNORE, REPLACE) depends on the table's
//     unique keys needs them from the catalog (catalog.go) before the
//     planner can check it; DDL run through Grant makes the planner forget
//     them, before and after it runs.

// ddlRunning marks the context of a DDL statement the engine runs between
// forgetting the unique keys and forgetting them again.
type ddlRunning struct{}

// fillIDs runs statement q (analysis st, arguments args) in its rewritten
// form when it is an INSERT whose ids Grant generates, or DDL (done is
// then true, with the result); otherwise it only makes sure
// the unique keys its planning needs are known, and the caller runs the
// statement. The statement it runs goes through Exec again, locking and
// planning included.
func (s *Session) fillIDs(ctx context.Context, st *analyze.Statement, q string, args []driver.NamedValue, prepared bool) (res driver.Result, done bool, err error) {
	rw, done, err := s.beforePlan(ctx, st)
	switch {
	case err != nil:
		return nil, true, err
	case done:
		ctx = context.WithValue(ctx, ddlRunning{}, true)
		res, err = s.Exec(ctx, q, args, prepared)
		s.afterDDL()
		return res, true, err
	case rw == nil:
		return nil, false, nil
	}
	ids, args, err := s.generate(ctx, rw, args)
	if err != nil {
		return nil, true, err
	}
	if res, err = s.Exec(ctx, rw.SQL, args, prepared); err != nil {
		return nil, true, err
	}
	return &idsResult{Result: res, ids: ids}, true, nil
}

// fillIDsQuery is fillIDs for a statement that returns rows (INSERT ..
// RETURNING): the rows carry the ids.
func (s *Session) fillIDsQuery(ctx context.Context, st *analyze.Statement, q string, args []driver.NamedValue, prepared bool) (driver.Rows, bool, error) {
	rw, done, err := s.beforePlan(ctx, st)
	switch {
	case err != nil:
		return nil, true, err
	case done:
		ctx = context.WithValue(ctx, ddlRunning{}, true)
		rows, err := s.Query(ctx, q, args, prepared)
		s.afterDDL()
		return rows, true, err
	case rw == nil:
		return nil, false, nil
	}
	_, args, err = s.generate(ctx, rw, args)
	if err != nil {
		return nil, true, err
	}
	rows, err := s.Query(ctx, rw.SQL, args, prepared)
	return rows, true, err
}

// beforePlan makes sure the unique keys the planning of st needs are
// known, and returns its id rewrite, if any. For DDL (not yet running) it
// forgets the catalog facts and reports ddl: the caller runs the statement
// and forgets them again (afterDDL).
func (s *Session) beforePlan(ctx context.Context, st *analyze.Statement) (rw *planner.IDRewrite, ddl bool, err error) {
	p := s.e.planner
	switch {
	case p == nil:
		return nil, false, nil
	case st.Kind == analyze.KindDDL:
		// Any DDL: DROP INDEX i (PostgreSQL, SQLite) names no table.
		if ctx.Value(ddlRunning{}) != nil {
			return nil, false, nil
		}
		s.e.forgetCatalog()
		return nil, true, nil
	case st.Insert == nil:
		return nil, false, nil
	}
	if err := s.knowKeys(ctx, st); err != nil {
		return nil, false, err
	}
	rw, err = p.IDs(st)
	return rw, false, err
}

// afterDDL forgets the catalog facts DDL run through the session may have
// changed: now, and again when its transaction ends, since sessions
// reading the catalog meanwhile see the facts from before it.
func (s *Session) afterDDL() {
	s.e.forgetCatalog()
	if s.tx != nil {
		s.tx.ranDDL = true
	}
}

// forgetCatalog forgets the unique keys and the text collations read from
// the catalogs: they are read again at their next use.
func (e *Engine) forgetCatalog() {
	if e.planner != nil {
		e.planner.ForgetUniqueKeys()
	}
	e.text.invalidate()
}

// generate makes rw.Rows ids and returns them with the statement's
// arguments args extended by them.
func (s *Session) generate(ctx context.Context, rw *planner.IDRewrite, args []driver.NamedValue) ([]int64, []driver.NamedValue, error) {
	ids := make([]int64, rw.Rows)
	if !ready(rw.Generator, len(ids)) {
		// The generator may wait for another session's I/O: hold no
		// connection meanwhile, or a small pool could run dry.
		s.idle.Release(nil)
	}
	var err error
	if seq, ok := rw.Generator.(*idgen.Sequence); ok && s.writesDefault() {
		err = s.takeInTx(ctx, seq, ids)
	} else {
		err = rw.Generator.Fill(ctx, ids, idStore{s})
	}
	if err != nil {
		return nil, nil, fmt.Errorf("grant: generating %s.%s: %w", rw.Table, rw.Column, err)
	}
	return ids, rw.Args(args, ids), nil
}

// ready reports whether g would make n ids without I/O (a hint).
func ready(g idgen.Generator, n int) bool {
	switch g := g.(type) {
	case *idgen.Sequence:
		return g.Ready(n)
	case *idgen.Snowflake:
		return g.Ready()
	}
	return false
}

// idsResult is the result of an INSERT whose ids Grant generated: its
// LastInsertId is the first id, as MySQL's is the first id of a multi-row
// INSERT (the others follow it, consecutive).
type idsResult struct {
	driver.Result
	ids []int64
}

// LastInsertId returns the first generated id. When the ids are not
// consecutive (a snowflake batch larger than idgen.MaxBatch), the first
// does not describe the others, and it is an error.
func (r *idsResult) LastInsertId() (int64, error) {
	if n := len(r.ids); n > 0 && r.ids[n-1]-r.ids[0] != int64(n-1) {
		return 0, fmt.Errorf("grant: LastInsertId: the %d ids generated for the INSERT are not consecutive (at most %d are): read them with RETURNING", n, idgen.MaxBatch)
	}
	return r.ids[0], nil
}

// explainable returns st and args as the engine would plan them: the
// unique keys the conflict check needs read from the catalog, and an
// INSERT whose ids Grant generates rewritten with ids taken from its
// generator (which then skips them), so that Engine.Plan shows the route
// the statement would take.
func (e *Engine) explainable(ctx context.Context, st *analyze.Statement, args []driver.NamedValue) (*analyze.Statement, []driver.NamedValue, error) {
	if e.planner == nil || st.Insert == nil {
		return st, args, nil
	}
	s := e.NewSession()
	defer s.Close()
	rw, _, err := s.beforePlan(ctx, st)
	if err != nil || rw == nil {
		return st, args, err
	}
	_, args, err = s.generate(ctx, rw, args)
	if err != nil {
		return nil, nil, err
	}
	return e.cache.Analyze(e.d, rw.SQL), args, nil
}
