package planner

import (
	"math"
	"strconv"

	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/merge"
)

// selectRewrite rewrites a SELECT read on several shards, following the
// merge package's contract: the user's select list first, hidden columns
// (ORDER BY and GROUP BY expressions not selected, the SUM and COUNT of each
// AVG) appended after it, and a merge.Spec whose indexes refer to that list.
type selectRewrite struct {
	s      *planState
	q      *analyze.Select
	drive  *component
	spec   merge.Spec
	hidden [][]piece
	// groupCols is the column of each GROUP BY item.
	groupCols []int
	edits     []edit
	star      bool // the select list has * or t.*: its width is unknown
	// weights counts the hidden weight columns (plan_collation_apply.go),
	// the last ones of hidden.
	weights int
	// distinctArgs are the arguments of COUNT, SUM and AVG(DISTINCT x)
	// merged by their values (rewrite_distinct.go).
	distinctArgs []distinctArg
	keyDistinct  []keyDistinct
	// exprAggs and itemExprs serve expressions over aggregates and HAVING
	// (rewrite_having.go): the hidden column of each aggregate call by its
	// text, the merge.Expr of each computed item.
	exprAggs  map[string]int
	itemExprs map[int]*merge.Expr
}

// rewriteSelect returns the edits every shard's SQL shares and the merge.
func (s *planState) rewriteSelect(drive *component) ([]edit, *merge.Spec, bool) {
	q := s.st.Select
	t := s.insts[drive.root].t
	w := &selectRewrite{s: s, q: q, drive: drive, spec: s.p.base}
	w.star = q.Table
	for i := range q.Items {
		if k := q.Items[i].Kind; k == analyze.ItemStar || k == analyze.ItemQualifiedStar {
			w.star = true
		}
	}
	local := w.groupsLocal()
	aggregating := len(q.GroupBy) > 0 || q.Aggregates || q.ComplexAggregate || q.Having != nil
	switch {
	case q.Into:
		return w.refuse(t, "SELECT .. INTO across shards")
	case s.outerBroadcast() != "":
		return w.refuse(t, "an outer join keeps rows of broadcast table "+s.outerBroadcast()+" that no row of a sharded table matches: across shards each shard would return them")
	case len(q.DistinctOn) > 0:
		return w.refuse(t, "DISTINCT ON across shards: the merge cannot pick each group's first row")
	case q.Limit != nil && q.Limit.WithTies:
		return w.refuse(t, "FETCH .. WITH TIES across shards")
	case q.Window && !w.windowsLocal(aggregating && !local):
		return w.refuse(t, "window functions across shards see one shard's rows only: every window's PARTITION BY must hold the shard key "+t.key)
	case q.GroupingSets:
		return w.refuse(t, "GROUPING SETS, ROLLUP and CUBE across shards: their total rows span shards")
	case aggregating && !local:
		if !w.aggregate(t) {
			return nil, nil, false
		}
	}
	w.spec.Distinct = q.Distinct
	grouping := aggregating && !local
	if !w.orderBy(t, grouping) || !w.limit(t, grouping) || !w.textOrders(t) || !w.distinctOrders(t) {
		return nil, nil, false
	}
	w.groupByDistinctArgs()
	w.computedOrders()
	if len(w.hidden) > 0 {
		var ps []piece
		for j, h := range w.hidden {
			ps = append(append(ps, lit(", ")), h...)
			if w.star {
				// A * may hold a column of the same name: an alias keeps
				// ORDER BY name unambiguous.
				ps = append(ps, lit(" AS grant_hidden_"+strconv.Itoa(j+1)))
			}
		}
		w.edits = append(w.edits, insertAt(q.Items[len(q.Items)-1].Span.End, ps...))
		if w.star {
			w.starHidden()
		} else {
			w.spec.Visible = len(q.Items)
		}
	} else if !w.star {
		w.spec.Visible = len(q.Items)
	}
	w.columnCollations()
	w.distinctCollations()
	return w.edits, &w.spec, true
}

func (w *selectRewrite) refuse(t *table, why string) ([]edit, *merge.Spec, bool) {
	w.s.refuse(t, why, nil)
	return nil, nil, false
}

// hide appends a hidden column and returns its index. Behind a * the index
// is not known yet: the j-th hidden column is then -(j+1) until starHidden.
func (w *selectRewrite) hide(ps ...piece) int {
	w.hidden = append(w.hidden, ps)
	if w.star {
		return -len(w.hidden)
	}
	return len(w.q.Items) + len(w.hidden) - 1
}

// starHidden counts the hidden columns behind a * from the end of the
// shard rows, whose width only the shards know (merge.Spec.Hidden).
func (w *selectRewrite) starHidden() {
	n := len(w.hidden)
	w.spec.Hidden = n
	from := func(c int) int {
		if c < 0 {
			return -c - 1 - n
		}
		return c
	}
	for i := range w.spec.OrderBy {
		w.spec.OrderBy[i].Column = from(w.spec.OrderBy[i].Column)
	}
	for i := range w.spec.Weights {
		wt := &w.spec.Weights[i]
		wt.Column, wt.WeightColumn = from(wt.Column), from(wt.WeightColumn)
	}
}

// groupsLocal reports whether the GROUP BY holds the shard key: every group
// then lives on one shard, and the shards' groups need no merging.
func (w *selectRewrite) groupsLocal() bool {
	for i := range w.q.GroupBy {
		g := &w.q.GroupBy[i]
		col := g.Expr.Column
		if g.Position > 0 && g.Position <= len(w.q.Items) {
			col = w.q.Items[g.Position-1].Expr.Column
		}
		// A key on the side an outer join fills with NULLs is not local:
		// every shard has its own NULL group.
		if col != nil && w.s.top >= 0 && w.s.isLocalKey(w.s.top, col, w.drive.root) {
			return true
		}
	}
	return false
}

// isKey reports whether col is the shard key of the deciding component.
func (w *selectRewrite) isKey(col *analyze.ColumnRef) bool {
	if col == nil || w.s.top < 0 {
		return false
	}
	i := w.s.resolveKey(w.s.top, col)
	return i >= 0 && w.s.find(i) == w.drive.root
}

// aggregate describes the aggregates and the GROUP BY of a query whose
// groups span shards.
func (w *selectRewrite) aggregate(t *table) bool {
	q := w.q
	switch {
	case w.star:
		w.refuse(t, "SELECT * with aggregates or GROUP BY across shards")
		return false
	}
	for i := range q.Items {
		it := &q.Items[i]
		if it.Kind != analyze.ItemAggregate {
			continue
		}
		if !w.addAggregate(t, it.Agg, i, 0) {
			return false
		}
	}
	for i := range q.GroupBy {
		g := &q.GroupBy[i]
		idx := w.match(&g.Expr, g.Position, "")
		if idx < 0 && w.aliasOnly(g.Expr.Column) {
			w.refuse(t, "GROUP BY "+g.Expr.Text+" across shards: the name is a select-list alias, which the dialects resolve differently; group by the expression or its position")
			return false
		}
		if idx < 0 {
			idx = w.hide(span(g.Expr.Span))
		}
		w.groupCols = append(w.groupCols, idx)
		if !containsInt(w.spec.GroupBy, idx) {
			w.spec.GroupBy = append(w.spec.GroupBy, idx)
		}
	}
	return w.afterMerge(t)
}

// aliasOnly reports whether an unqualified name is the alias of a select
// item that is not that column itself.
func (w *selectRewrite) aliasOnly(c *analyze.ColumnRef) bool {
	if c == nil || c.Table != "" {
		return false
	}
	for i := range w.q.Items {
		if it := &w.q.Items[i]; w.s.p.nameEq(it.Alias, c.Name) {
			return true
		}
	}
	return false
}

// addAggregate adds the merge of aggregate ag in column col; shift moves
// ag's spans onto the statement's text (0 for the statement's own items).
func (w *selectRewrite) addAggregate(t *table, ag *analyze.Aggregate, col, shift int) bool {
	byValue := ag.Distinct && ag.Func != "min" && ag.Func != "max" && !w.isKey(w.s.textColumn(ag.Text))
	if ag.Distinct && ag.Func != "min" && ag.Func != "max" && !byValue {
		w.keyDistinct = append(w.keyDistinct, keyDistinct{agg: len(w.spec.Aggregates), ag: ag, shift: shift})
	}
	argCol := 0
	if byValue {
		if argCol = w.distinctArg(t, ag, shift); argCol < 0 {
			return false
		}
	}
	switch ag.Func {
	case "count", "sum", "min", "max":
		w.spec.Aggregates = append(w.spec.Aggregates, merge.Aggregate{Func: merge.Func(ag.Func), Column: col, Distinct: byValue, ArgColumn: argCol})
	case "avg":
		d := ""
		if ag.Distinct {
			d = "DISTINCT "
		}
		arg := span(analyze.Span{Start: ag.Arg.Start + shift, End: ag.Arg.End + shift})
		sum := w.hide(lit("SUM("+d), arg, lit(")"))
		count := w.hide(lit("COUNT("+d), arg, lit(")"))
		w.spec.Aggregates = append(w.spec.Aggregates, merge.Aggregate{Func: merge.Avg, Column: col, SumColumn: sum, CountColumn: count, Distinct: byValue, ArgColumn: argCol})
	default:
		w.refuse(t, "aggregate "+ag.Func+" across shards")
		return false
	}
	return true
}

// limit rewrites LIMIT n OFFSET m: the shards get LIMIT n+m without OFFSET
// when the merge streams in the final order, no limit otherwise, and the
// merge applies both.
func (w *selectRewrite) limit(t *table, grouping bool) bool {
	l := w.q.Limit
	if l == nil {
		return true
	}
	var n, m int64
	ok := true
	if l.Offset != nil {
		m, ok = w.s.intArg(l.Offset)
	}
	if ok && l.Count != nil {
		n, ok = w.s.intArg(l.Count)
	}
	if !ok {
		w.refuse(t, "LIMIT or OFFSET across shards must be an integer literal or an integer argument")
		return false
	}
	w.spec.Offset = m
	if l.Count != nil {
		w.spec.Limit = &n
	}
	push := l.Count != nil &&
		!(grouping && (len(w.q.GroupBy) == 0 || !w.spec.GroupSorted)) &&
		!(w.q.Distinct && len(w.hidden) > 0) &&
		len(w.distinctArgs) == 0 && // the shards return a row per value of each argument
		w.spec.Having == nil // HAVING drops merged groups
	e := edit{start: l.Span.Start, end: l.Span.End}
	if push {
		sum := uint64(n) + uint64(m)
		e.with = []piece{lit("LIMIT " + strconv.FormatUint(min(sum, math.MaxInt64), 10))}
	} else {
		// (Not after HAVING: the streaming group's ORDER BY goes there.)
		for sql := w.s.st.SQL; e.start > 0 && isSpace(sql[e.start-1]) && w.spec.Having == nil; {
			e.start-- // drop the clause with the space before it
		}
	}
	w.edits = append(w.edits, e)
	return true
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }
