package planner

import (
	"context"
	"database/sql/driver"

	"github.com/grantsql/grant/sharding"

	"github.com/grantsql/grant/internal/analyze"
)

// fastSingle plans the most common statement on a sharded table without the
// general machinery: one table, no join, subquery, CTE or set operation,
// and one key = value condition in the WHERE that resolves to a database.
// It returns nil for any other shape, or when anything is unusual (a NULL
// or refused key, other key conditions, a SET of the key): the general path
// then plans the statement, and for the shapes accepted here it gives the
// same plan.
func (p *Planner) fastSingle(ctx context.Context, st *analyze.Statement, args []driver.NamedValue) *sharding.Plan {
	if st.Multi || !st.Full || len(st.Tables) != 1 || len(st.With) > 0 {
		return nil
	}
	var where *analyze.Where
	var ref *analyze.TableRef
	switch {
	case st.Select != nil:
		q := st.Select
		if len(q.SetOps) > 0 || len(q.Subqueries) > 0 || len(q.From) != 1 || len(q.With) > 0 {
			return nil
		}
		where, ref = q.Where, &q.From[0]
	case st.Update != nil:
		u := st.Update
		if len(u.From) > 0 || len(u.Subqueries) > 0 {
			return nil
		}
		where, ref = u.Where, &u.Table
	case st.Delete != nil:
		d := st.Delete
		if len(d.Using) > 0 || len(d.Subqueries) > 0 {
			return nil
		}
		where, ref = d.Where, &d.Table
	default:
		return nil
	}
	t := p.lookup(ref)
	if t == nil || t.broadcast || where == nil || ref.Derived || ref.Func || ref.CTE {
		return nil
	}
	if st.Update != nil {
		for i := range st.Update.Set {
			if p.nameEq(st.Update.Set[i].Column.Name, t.key) {
				return nil
			}
		}
	}
	v := valuer{ctx: ctx, p: p, args: args}
	db := -1
	var cond *analyze.Conjunct
	for i := range where.Conjuncts {
		c := &where.Conjuncts[i]
		switch c.Kind {
		case analyze.CondEq, analyze.CondIn, analyze.CondBetween, analyze.CondCompare:
		default:
			continue
		}
		if !p.nameEq(c.Column.Name, t.key) || (c.Column.Table != "" && !p.qualifies(ref, c.Column)) {
			continue
		}
		if c.Kind != analyze.CondEq || cond != nil {
			return nil
		}
		i, state, err := v.exprKey(t, &c.Values[0])
		if err != nil || state != valueOK || i < 0 {
			return nil
		}
		db, cond = i, c
	}
	if cond == nil {
		return nil
	}
	pl := p.single(st, args, p.dbs[db])
	pl.Route, pl.Table, pl.Reason = sharding.RouteSingle, t.label(), cond.Text+" -> "+p.dbs[db]
	return pl
}

// fastInsert plans an INSERT into a sharded table whose rows all resolve to
// one database, with no subquery, SELECT, key-changing upsert or conflict
// handling the conflict check refuses; nil otherwise (the general path then
// plans it the same way or refuses it).
func (p *Planner) fastInsert(ctx context.Context, st *analyze.Statement, args []driver.NamedValue) *sharding.Plan {
	ins := st.Insert
	if ins == nil || st.Multi || !st.Full || len(st.Tables) != 1 || len(st.With) > 0 ||
		ins.Select != nil || len(ins.Subqueries) > 0 || ins.DefaultValues {
		return nil
	}
	t := p.lookup(&ins.Table)
	if t == nil || t.broadcast || (len(ins.Set) == 0 && ins.ColumnsSpan == nil) {
		return nil
	}
	col := p.keyColumn(ins, t)
	if col < 0 {
		return nil
	}
	if _, batch := t.resolver.(sharding.BatchResolver); batch && p.insertRows(ins) > 1 {
		return nil // the general path resolves every row's key in one call
	}
	if up := ins.Upsert; up != nil {
		for i := range up.Set {
			if p.nameEq(up.Set[i].Column.Name, t.key) {
				return nil
			}
		}
	}
	if p.conflictRefusal(st, t) != "" {
		return nil // the general path refuses it
	}
	v := valuer{ctx: ctx, p: p, args: args}
	db := -1
	for i, n := 0, p.insertRows(ins); i < n; i++ {
		e := p.insertKey(ins, col, i)
		if e == nil {
			return nil
		}
		j, state, err := v.exprKey(t, e)
		if err != nil || state != valueOK || j < 0 || (db >= 0 && j != db) {
			return nil
		}
		db = j
	}
	if db < 0 {
		return nil
	}
	pl := p.single(st, args, p.dbs[db])
	pl.Route, pl.Table, pl.Reason = sharding.RouteSingle, t.label(), t.insertReason[db]
	return pl
}
