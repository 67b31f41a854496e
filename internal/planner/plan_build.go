package planner

import (
	"context"
	"database/sql/driver"
	"errors"
	"strings"

	"github.com/grantsql/grant/sharding"

	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/merge"
)

// Options are what a plan depends on besides the statement and its
// arguments.
type Options struct {
	// Shard pins the statement to that database (the per-call shard pin of
	// the context); it then runs there unchanged.
	Shard string
	// InTx says that the statement runs inside a transaction, which
	// decides how a statement on several databases executes (Execution).
	InTx bool
	// TwoPhase says that writes on several databases commit with
	// two-phase commit (transactions.cross_shard: two_phase, on a dialect
	// that can prepare).
	TwoPhase bool
	// Catalog, when set, says how the servers compare text (see Catalog):
	// a read merged across shards then orders, groups and removes
	// duplicates exactly as one database does.
	Catalog Catalog
	// Ranker ranks text in the collations the merge cannot compare itself
	// (PostgreSQL's libc and ICU collations); the planner puts it in the
	// merge of the plan (merge.Spec.Ranker) and never calls it.
	Ranker merge.Ranker
}

// Plan plans st, analyzed in the planner's dialect, with the arguments the
// application passed (database/sql values, as given: the resolvers
// canonicalize them) under o. ctx is the statement's, for resolvers that
// do I/O (a plugin).
//
// Statements without sharded or broadcast tables plan to the default
// database (RouteUnsharded); callers check Sharded first and skip Plan for
// them unless a shard is pinned. Refusals are *RefusedError values matching
// ErrRefused; a pinned shard that is not a database is a plain error.
func (p *Planner) Plan(ctx context.Context, st *analyze.Statement, args []driver.NamedValue, o Options) (*sharding.Plan, error) {
	pl, err := p.plan(withTextOptions(ctx, &o), st, args, o.Shard)
	if err == nil && len(pl.Shards) > 1 {
		pl.Execution = execution(st, pl, o)
	}
	if err == nil && pl.Merge != nil {
		pl.Merge.Ranker = o.Ranker
	}
	return pl, err
}

func (p *Planner) plan(ctx context.Context, st *analyze.Statement, args []driver.NamedValue, shard string) (*sharding.Plan, error) {
	if st.Dialect != p.d {
		return nil, errors.New("sharding: statement analyzed as " + st.Dialect.String() + " for a " + p.d.String() + " cluster")
	}
	if shard != "" {
		return p.pinned(ctx, st, args, shard)
	}
	if !p.Sharded(st) {
		pl := p.single(st, args, p.defaultDB)
		pl.Route, pl.Reason = sharding.RouteUnsharded, "no sharded or broadcast table"
		return pl, nil
	}
	if !p.noFast {
		if pl := p.fastSingle(ctx, st, args); pl != nil {
			return pl, nil
		}
		if pl := p.fastInsert(ctx, st, args); pl != nil {
			return pl, nil
		}
	}
	s := &planState{valuer: valuer{ctx: ctx, p: p, args: args}, st: st}
	pl, err := s.plan()
	switch {
	case err != nil:
		return nil, err
	case s.refusal != nil:
		return nil, s.refusal
	case pl == nil:
		return nil, &sharding.RefusedError{Statement: st.SQL, Reason: "the planner could not plan the statement"}
	}
	return pl, nil
}

// single returns a plan running st unchanged on db.
func (p *Planner) single(st *analyze.Statement, args []driver.NamedValue, db string) *sharding.Plan {
	pl := &sharding.Plan{Statement: st.SQL, Writes: st.Has(analyze.Writes)}
	pl.Single(sharding.ShardQuery{Database: db, SQL: st.SQL, Args: args})
	return pl
}

// plan plans a statement that references a sharded or broadcast table.
func (s *planState) plan() (*sharding.Plan, error) {
	st := s.st
	switch {
	case st.Multi:
		s.refuse(s.firstTable(), "the text holds several statements", nil)
		return nil, nil
	case st.Kind == analyze.KindDDL:
		return s.ddl(), nil
	case !st.Kind.IsDML():
		return s.otherKind(), nil
	case !st.Full:
		s.refuse(s.firstTable(), "the analyzer does not fully understand the statement ("+st.NotFull+")", nil)
		return nil, nil
	}
	if !s.collect() {
		return nil, nil
	}
	if s.target >= 0 && s.insts[s.target].t != nil && s.insts[s.target].t.broadcast {
		return s.broadcastWrite(), nil
	}
	if s.sharded == nil {
		return s.broadcastRead(), nil
	}
	return s.shardedPlan(), nil
}

// firstTable returns the first sharded or broadcast table of st.Tables.
func (s *planState) firstTable() *table {
	for i := range s.st.Tables {
		if t := s.p.lookup(&s.st.Tables[i]); t != nil {
			return t
		}
	}
	return s.p.scanTable(s.st)
}

// shardedPlan routes a statement on sharded tables.
func (s *planState) shardedPlan() *sharding.Plan {
	s.link()
	comps := s.components()
	var rows *insertRows
	if s.st.Insert != nil && s.target >= 0 && s.insts[s.target].sharded() {
		if rows = s.insertRoute(comps); rows == nil {
			return nil
		}
	}
	if !s.scope(comps) {
		return nil
	}
	set, drive, ok := s.route(comps)
	if !ok {
		return nil
	}
	t := s.sharded
	if drive != nil {
		t = s.insts[drive.root].t
	}
	reason := s.reason(set, drive, rows)
	if set.count() == 0 {
		db := t.dbs.next(0)
		if s.other != "" {
			db = s.p.dbIndex[s.p.defaultDB]
		}
		set.add(db)
		reason = "no database can hold the key values: runs on " + s.p.dbs[db] + " for an empty result"
	}
	if s.other != "" {
		if def := s.p.dbIndex[s.p.defaultDB]; set.count() != 1 || !set.has(def) {
			s.refuse(t, "it is joined with unsharded table "+s.other+", which lives only in the default database "+s.p.defaultDB+", but the statement runs on "+s.names(set), nil)
			return nil
		}
		reason += " (with unsharded " + s.other + ")"
	}
	if !s.checkWrite(t, set) {
		return nil
	}
	if set.count() == 1 {
		pl := s.p.single(s.st, s.args, s.p.dbs[set.next(0)])
		pl.Route, pl.Table, pl.Reason = sharding.RouteSingle, t.label(), reason
		return pl
	}
	pl := s.fanOut(t, set, drive, rows, reason)
	if pl != nil {
		pl.SetKeyTo = s.setKeyTo
	}
	return pl
}

// reason describes how the route was decided.
func (s *planState) reason(set dbSet, drive *component, rows *insertRows) string {
	switch {
	case rows != nil && set.count() == 1:
		return rows.t.insertReason[set.next(0)]
	case rows != nil:
		return "INSERT rows by " + rows.t.label() + "." + rows.t.key + " -> " + s.names(set)
	case drive == nil && s.top < 0:
		return "key conditions of every arm of the set operation -> " + s.names(set)
	case drive == nil:
		return "key conditions of a subquery, derived table or CTE -> " + s.names(set)
	case s.st.Select != nil && len(s.st.Select.SetOps) > 0:
		return "key conditions of every arm of the set operation -> " + s.names(set)
	case !drive.scoped:
		t := s.insts[drive.root].t
		return "no key condition on " + t.label() + "." + t.key + ": every database of " + t.resolverName
	case len(drive.cons) == 1:
		return s.cons[drive.cons[0]].c.Text + " -> " + s.names(set)
	}
	var b strings.Builder
	for i, k := range drive.cons {
		if i > 0 {
			b.WriteString(" AND ")
		}
		b.WriteString(s.cons[k].c.Text)
	}
	return b.String() + " -> " + s.names(set)
}
