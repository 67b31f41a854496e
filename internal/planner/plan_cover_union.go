package planner

import (
	"strconv"
	"strings"

	"github.com/grantsql/grant/internal/analyze"
)

// routeUnion routes a UNION or UNION ALL whose arms read sharded tables on
// several databases. Each shard runs the whole statement; every arm
// returns there the rows of its tables that the shard holds, so the shards' results together are
// the rows of one database: concatenated for UNION ALL, with duplicates
// removed by the merge for UNION, then ordered and limited by the merge.
// That holds when each arm's rows are the union of its per-shard rows: its
// sharded tables joined on the key, its groups and windows by the key, no
// LIMIT or (under UNION ALL) DISTINCT of its own, and under UNION ALL no
// arm without a sharded table (every shard would return its rows). The
// statement runs on every database any arm needs. It returns the deciding
// component, or false with a refusal.
func (s *planState) routeUnion(comps []component) (dbSet, *component, bool) {
	var set dbSet
	q, t := s.st.Select, s.sharded
	all := q.SetOps[0].All
	for i := range q.SetOps {
		switch op := &q.SetOps[i]; {
		case op.Op != "union":
			return set, nil, s.refuseUnion(t, strings.ToUpper(op.Op)+" across shards is not planned")
		case op.All != all:
			return set, nil, s.refuseUnion(t, "UNION mixed with UNION ALL across shards is not planned")
		}
	}
	if !all && s.catalog() == nil && !(len(q.OrderBy) > 0 || len(q.GroupBy) > 0 || q.Distinct || q.Aggregates) {
		// The merge removes duplicate text as the servers do with their
		// catalog, which is read for the statements CatalogTables names.
		return set, nil, s.refuseUnion(t, "UNION across shards without ORDER BY: the merge removes duplicate text as the servers compare it only for an ordered UNION; add ORDER BY")
	}
	if s.st.SQL[q.Span.Start] == '(' {
		return set, nil, s.refuseUnion(t, "a parenthesized first arm of a UNION across shards is not planned")
	}
	arms := []*analyze.Select{q}
	for i := range q.SetOps {
		arms = append(arms, q.SetOps[i].Select)
	}
	var drive *component
	used := make([]bool, len(comps))
	blocks := make([]int, len(arms))
	for a, arm := range arms {
		b, _ := s.blockOf(arm)
		blocks[a] = b
		c := -1
		for i := range comps {
			switch {
			case b < 0 || comps[i].block != b:
			case c >= 0:
				return set, nil, s.unjoined(&comps[c], &comps[i])
			default:
				c = i
			}
		}
		if why := s.unionArm(arm, a == 0, all, b, comps, c); why != "" {
			return set, nil, s.refuseUnion(t, why)
		}
		if c < 0 {
			continue
		}
		used[c] = true
		ct := s.insts[comps[c].root].t
		if drive == nil {
			drive = &component{root: comps[c].root, block: comps[c].block, scoped: true}
		} else if dt := s.insts[drive.root].t; !dt.dbs.equal(ct.dbs) {
			return set, nil, s.refuseUnion(ct, "the arms of a UNION across shards read tables on different databases ("+dt.label()+", "+ct.label()+")")
		}
		set.or(comps[c].set)
		drive.scoped = drive.scoped && comps[c].scoped // narrowed when every arm is
		drive.cons = append(drive.cons, comps[c].cons...)
	}
	for i := range comps {
		if !used[i] && comps[i].set.count() > 0 {
			s.refuse(s.insts[comps[i].root].t, "a subquery, derived table or CTE reads it across shards: give it a key condition that selects one database, or correlate it on the shard key", nil)
			return set, nil, false
		}
	}
	if drive == nil {
		return set, nil, s.refuseUnion(t, "no arm of the UNION reads the sharded table in its own FROM")
	}
	drive.set = set
	if why := s.unionText(arms, blocks, !all || len(q.OrderBy) > 0); why != "" {
		return set, nil, s.refuseUnion(t, why)
	}
	// The rewrite reads the statement's query: the union's duplicate
	// removal is its DISTINCT, the arms' windows are checked, and the
	// first arm's tables resolve its columns.
	st, qq := *s.st, *q
	qq.Distinct, qq.Window = !all, false
	st.Select = &qq
	s.st, s.top = &st, blocks[0]
	edits, _, ok := s.rewriteSelect(drive)
	if !ok {
		return set, nil, false
	}
	// Only the union's own LIMIT may change: a hidden column or another
	// rewrite of the first arm would not reach the others.
	for _, e := range edits {
		if !s.inLimit(e) {
			return set, nil, s.refuseUnion(t, "a UNION across shards that needs hidden columns (ORDER BY an expression that is not a result column, or text compared by the server's collation weights) is not planned")
		}
	}
	return set, drive, true
}

// inLimit reports whether edit e changes the query's LIMIT clause only
// (with the spaces before it).
func (s *planState) inLimit(e edit) bool {
	l := s.st.Select.Limit
	switch {
	case l == nil || e.start > e.end || e.end > l.Span.End:
		return false
	case e.start >= l.Span.Start:
		return true
	}
	return blank(s.st.SQL[e.start:l.Span.Start])
}

// unionArm returns why arm (in block b, of component c of comps or -1)
// does not return, over the shards, exactly its rows in one database.
func (s *planState) unionArm(arm *analyze.Select, first, all bool, b int, comps []component, c int) string {
	aggregating := len(arm.GroupBy) > 0 || arm.Aggregates || arm.ComplexAggregate || arm.Having != nil
	for i := range arm.Items {
		if k := arm.Items[i].Kind; k == analyze.ItemStar || k == analyze.ItemQualifiedStar {
			return "SELECT * in a UNION across shards: list the columns"
		}
	}
	switch {
	case arm.Values || arm.Table || len(arm.Items) == 0:
		return "VALUES or TABLE in a UNION across shards"
	case arm.Into || len(arm.DistinctOn) > 0 || arm.GroupingSets:
		return "INTO, DISTINCT ON or GROUPING SETS in a UNION across shards"
	case !first && arm.Limit != nil:
		return "LIMIT in an arm of a UNION across shards: it would take its rows from each shard"
	case all && arm.Distinct:
		return "DISTINCT in an arm of a UNION ALL across shards: equal rows of several shards would stay apart"
	case c < 0 && all:
		return "an arm of a UNION ALL across shards reads no sharded table (a broadcast table): every shard would return its rows"
	case c < 0 && (aggregating || arm.Window):
		return "aggregates or windows in an arm of a UNION across shards that reads no sharded table"
	case c < 0:
		return ""
	case aggregating && !s.groupsByKey(arm, b, comps[c].root):
		return "aggregates in an arm of a UNION across shards must group by the shard key " + s.insts[comps[c].root].t.key
	case arm.Window && !s.windowsByKey(arm, b, comps[c].root):
		return "window functions in a UNION across shards: every window's PARTITION BY must hold the shard key " + s.insts[comps[c].root].t.key
	}
	return ""
}

// unionText returns why the merge could not compare a column of the union
// as one database does, when it compares them: the arms' columns must
// compare alike (the merge takes the first arm's), or "".
func (s *planState) unionText(arms []*analyze.Select, blocks []int, compares bool) string {
	cat := s.catalog()
	if cat == nil || !compares {
		return ""
	}
	saved := s.top
	defer func() { s.top = saved }()
	for j := range arms[0].Items {
		var first exprOrder
		for a, arm := range arms {
			if j >= len(arm.Items) {
				return "the arms of a UNION across shards have different numbers of columns"
			}
			s.top = blocks[a]
			eo := s.orderOfText(arm.Items[j].Expr.Text, cat)
			eo.what = ""
			if a == 0 {
				first = eo
			} else if eo != first {
				return "column " + strconv.Itoa(j+1) + " of a UNION across shards compares differently in its arms (" +
					orderName(first) + ", " + orderName(eo) + "): add a COLLATE clause to each arm"
			}
		}
	}
	return ""
}

// orderName names an expression's order for messages.
func orderName(eo exprOrder) string {
	switch {
	case !eo.known:
		return "unknown collation"
	case !eo.Text:
		return "not text"
	}
	return eo.Name
}

// spread reports whether the components together need several databases.
func spread(comps []component) bool {
	var set dbSet
	for i := range comps {
		set.or(comps[i].set)
	}
	return set.count() > 1
}

// refuseUnion refuses the statement (always false, for returns).
func (s *planState) refuseUnion(t *table, why string) bool {
	s.refuse(t, why, nil)
	return false
}
