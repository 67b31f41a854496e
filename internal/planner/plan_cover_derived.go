package planner

import (
	"github.com/grantsql/grant/internal/analyze"
)

// localRelation finds, for a query whose own FROM holds no sharded table,
// the derived table or CTE of that FROM whose every row the shards compute
// from their own rows: one arm grouping by the shard key (or not grouping
// at all), its windows partitioned by the key, without LIMIT or DISTINCT.
// The query over it then fans out like a read of a sharded table, its
// results merged as usual. A relation on one database is left to route. It returns nil and no reason when no derived
// table or CTE of the FROM reads a sharded table, or a refusal reason.
func (s *planState) localRelation(comps []component) (*component, *table, string) {
	top := s.st.Select
	if top == nil || s.top < 0 {
		return nil, nil, ""
	}
	for i := range comps {
		c := &comps[i]
		switch {
		case s.blocks[c.block].top:
			return nil, nil, "" // not reached: a top component decides
		case c.set.count() <= 1:
			continue // on one database it runs as written
		}
		q := s.selectOf(c.block)
		t := s.insts[c.root].t
		derived, why := s.relationOfTop(q)
		switch {
		case why != "":
			return nil, t, why
		case !derived:
			continue
		}
		if why := s.localRows(q, c); why != "" {
			return nil, t, why
		}
		if why := s.relationText(q, c.block); why != "" {
			return nil, t, why
		}
		return c, t, ""
	}
	return nil, nil, ""
}

// relationOfTop reports whether q is a derived table of the top-level
// query's FROM, or the query of a CTE that FROM names. A CTE named more
// than once, or also elsewhere, is refused: every reference would read the
// shard's rows only.
func (s *planState) relationOfTop(q *analyze.Select) (bool, string) {
	top := s.st.Select
	if q == nil {
		return false, ""
	}
	for i := range top.Subqueries {
		if sub := &top.Subqueries[i]; sub.Select == q && (sub.Clause == "from" || sub.Clause == "join") {
			for j := range top.From {
				if top.From[j].Lateral {
					return false, "a LATERAL derived table across shards"
				}
			}
			return true, ""
		}
	}
	var cte *analyze.CTE
	for _, list := range [][]analyze.CTE{s.st.With, top.With} {
		for i := range list {
			if list[i].Select == q {
				cte = &list[i]
			}
		}
	}
	if cte == nil {
		return false, ""
	}
	inTop, refs := false, 0
	for _, sel := range s.allSelects() {
		for j := range sel.From {
			if r := &sel.From[j]; r.CTE && r.Schema == "" && s.p.nameEq(r.Name, cte.Name) {
				refs++
				inTop = inTop || sel == top
			}
		}
	}
	switch {
	case refs == 1 && inTop:
		return true, ""
	case refs > 0:
		return false, "CTE " + cte.Name + " reads it across shards and is read more than once or outside the query's own FROM: each read would see one shard's rows"
	}
	return false, ""
}

// localRows returns why query q of component c does not compute each row
// from one shard's rows, or "".
func (s *planState) localRows(q *analyze.Select, c *component) string {
	t := s.insts[c.root].t
	const pre = "a derived table or CTE across shards "
	switch {
	case len(q.SetOps) > 0:
		return pre + "with UNION, INTERSECT or EXCEPT"
	case q.Limit != nil:
		return pre + "with LIMIT or OFFSET: it would take its rows from each shard"
	case q.Distinct || len(q.DistinctOn) > 0:
		return pre + "with DISTINCT: equal rows of several shards would stay apart"
	case q.GroupingSets:
		return pre + "with GROUPING SETS, ROLLUP or CUBE"
	case q.Into || q.Lock != nil:
		return pre + "with INTO or a locking clause"
	case q.Window && !s.windowsByKey(q, c.block, c.root):
		return pre + "with window functions: every window's PARTITION BY must hold the shard key " + t.key
	}
	for i := range s.insts {
		if s.insts[i].sharded() && s.find(i) == c.root && !s.within(s.insts[i].block, c.block) {
			return pre + "joined on the key with a table outside it"
		}
	}
	aggregating := len(q.GroupBy) > 0 || q.Aggregates || q.ComplexAggregate || q.Having != nil
	if aggregating && !s.groupsByKey(q, c.block, c.root) {
		return pre + "must group by the shard key " + t.key + ": its groups would span shards"
	}
	return ""
}

// within reports whether block b is block anc or nested in it.
func (s *planState) within(b, anc int) bool {
	for ; b >= 0; b = s.blocks[b].parent {
		if b == anc {
			return true
		}
	}
	return false
}

// groupsByKey reports whether q's GROUP BY (in block b) holds the key of
// component root, on a table no outer join extends with NULLs.
func (s *planState) groupsByKey(q *analyze.Select, b, root int) bool {
	for i := range q.GroupBy {
		g := &q.GroupBy[i]
		col := g.Expr.Column
		if g.Position > 0 && g.Position <= len(q.Items) {
			col = q.Items[g.Position-1].Expr.Column
		}
		if s.isLocalKey(b, col, root) {
			return true
		}
	}
	return false
}

// relationText returns why the merge could not compare the relation's
// text columns as one database does, or "". The merge takes the text of
// the outer query's columns in the default collation (it cannot see
// through the relation), so when the outer query orders, groups, removes
// duplicates or takes MIN or MAX, every text column of the relation must
// compare in the default collation.
func (s *planState) relationText(q *analyze.Select, b int) string {
	cat := s.catalog()
	outer := s.st.Select
	if cat == nil || !(len(outer.OrderBy) > 0 || len(outer.GroupBy) > 0 || outer.Distinct || outer.Aggregates || outer.ComplexAggregate) {
		return ""
	}
	saved := s.top
	s.top = b
	defer func() { s.top = saved }()
	def := cat.Default()
	for i := range q.Items {
		it := &q.Items[i]
		if it.Kind == analyze.ItemStar || it.Kind == analyze.ItemQualifiedStar {
			return "SELECT * in a derived table or CTE whose rows are ordered, grouped or compared across shards: list its columns"
		}
		eo := s.orderOfText(it.Expr.Text, cat)
		if eo.known && eo.Refuse == "" && (!eo.Text || eo.TextOrder == def) {
			continue
		}
		name := eo.Name
		if name == "" {
			name = "an unknown collation"
		}
		return "column " + it.Expr.Text + " of a derived table or CTE compares in " + name + ", not the default " + def.Name +
			": the merge across shards compares the outer query's text in the default collation"
	}
	return ""
}
