package planner

import (
	"strings"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/merge"
)

// orderBy maps the ORDER BY onto the shard rows' columns and, for a
// grouping, decides between streaming and in-memory groups.
func (w *selectRewrite) orderBy(t *table, grouping bool) bool {
	q := w.q
	if grouping && len(q.GroupBy) == 0 {
		return true // one result row: its order does not matter
	}
	var keys []merge.SortKey
	for i := range q.OrderBy {
		o := &q.OrderBy[i]
		if w.s.catalog() == nil && w.s.hasCollate(o.Expr.Span) {
			w.refuse(t, "ORDER BY "+o.Expr.Text+" across shards: the merge cannot reproduce a COLLATE clause")
			return false
		}
		idx := w.match(&o.Expr, o.Position, o.Alias)
		switch {
		case idx >= 0:
		case !grouping && w.constantEq(o.Expr.Column):
			continue // fixed by key = value: every row has the same value
		case grouping:
			if idx = w.groupOrderKey(t, o); idx < 0 {
				return false
			}
		case aggregateText(w.s.p.d, o.Expr.Text):
			w.refuse(t, "ORDER BY "+o.Expr.Text+" makes the query an aggregate, which is not merged across shards")
			return false
		default:
			e := &o.Expr
			if it := w.aliasBehindStar(o.Alias); it != nil {
				e = &it.Expr // an alias is not visible in the select list
			}
			idx = w.hide(span(e.Span))
		}
		keys = append(keys, merge.SortKey{Column: idx, Desc: o.Desc, Nulls: merge.Nulls(o.Nulls), Collation: w.sortCollation(o, idx)})
	}
	w.spec.OrderBy = keys
	if grouping {
		w.groupOrder()
	}
	return true
}

// groupOrder makes the groups stream when it can: with no ORDER BY, the
// shards are asked to order by the group columns; with one that leads with
// every group column, the merge folds groups as they arrive. Otherwise the
// groups are collected in memory and sorted by the ORDER BY after.
//
// On PostgreSQL the groups are always collected in memory, then sorted:
// its databases usually sort text by a linguistic collation, which the
// merge orders by the server's ranks (a round trip per window of rows),
// cheaper once over the groups than over every row. Without a catalog the
// merge would not reproduce it at all.
func (w *selectRewrite) groupOrder() {
	q, g := w.q, w.spec.GroupBy
	if w.s.p.d == dialect.Postgres {
		return
	}
	if len(q.OrderBy) == 0 {
		ps := make([]piece, 0, 2*len(q.GroupBy)+2)
		at := q.Span.End
		if q.Limit != nil {
			at = q.Limit.Span.Start
		}
		if q.Lock != nil && q.Lock.Span.Start < at {
			at = q.Lock.Span.Start
		}
		head, tail := "ORDER BY ", " "
		if at == q.Span.End {
			head, tail = " ORDER BY ", ""
		}
		ps = append(ps, lit(head))
		for i := range q.GroupBy {
			if i > 0 {
				ps = append(ps, lit(", "))
			}
			ps = append(ps, span(q.GroupBy[i].Expr.Span))
		}
		if tail != "" {
			ps = append(ps, lit(tail))
		}
		w.edits = append(w.edits, insertAt(at, ps...))
		for _, c := range g {
			w.spec.OrderBy = append(w.spec.OrderBy, merge.SortKey{Column: c})
		}
		w.spec.GroupSorted = true
		return
	}
	if len(w.spec.OrderBy) < len(g) {
		return
	}
	seen := map[int]bool{}
	for _, k := range w.spec.OrderBy[:len(g)] {
		if seen[k.Column] || !containsInt(g, k.Column) {
			return
		}
		seen[k.Column] = true
	}
	w.spec.GroupSorted = true
}

// groupOrderKey returns the column of an ORDER BY expression of a grouped
// query that is not in the select list: a GROUP BY expression's (hidden)
// column, or a new hidden column for a plain aggregate call.
func (w *selectRewrite) groupOrderKey(t *table, o *analyze.OrderItem) int {
	for j := range w.q.GroupBy {
		g := &w.q.GroupBy[j].Expr
		if g.Text == o.Expr.Text || (g.Column != nil && o.Expr.Column != nil && w.sameColumn(g.Column, o.Expr.Column)) {
			return w.groupIndex(j)
		}
	}
	sub := analyze.Analyze(w.s.p.d, exprPrefix+o.Expr.Text)
	if sub.Select != nil && len(sub.Select.Items) == 1 && sub.Select.Items[0].Kind == analyze.ItemAggregate {
		idx := w.hide(span(o.Expr.Span))
		if !w.addAggregate(t, sub.Select.Items[0].Agg, idx, o.Expr.Span.Start-len(exprPrefix)) {
			return -1
		}
		return idx
	}
	w.refuse(t, "ORDER BY "+o.Expr.Text+" of a grouped query across shards: select it, or order by a group column or a COUNT, SUM, MIN, MAX or AVG call")
	return -1
}

// exprPrefix makes an expression's text a statement the analyzer parses.
const exprPrefix = "SELECT "

// aggregateText reports whether an expression holds an aggregate call.
func aggregateText(d dialect.Dialect, text string) bool {
	if !strings.Contains(text, "(") {
		return false // a call needs parentheses
	}
	sub := analyze.Analyze(d, exprPrefix+text)
	return sub.Select == nil || len(sub.Select.Items) != 1 || sub.Select.Items[0].HasAggregate
}

// groupIndex returns the column of the j-th GROUP BY item.
func (w *selectRewrite) groupIndex(j int) int { return w.groupCols[j] }

// match returns the select-list column an ORDER BY or GROUP BY expression
// names: by position, by alias (ORDER BY only: GROUP BY prefers input
// columns on PostgreSQL), as the same column, or as the same text; -1 when
// none.
func (w *selectRewrite) match(e *analyze.Expr, position int, alias string) int {
	items := w.q.Items
	if position > 0 {
		if position <= len(items) || w.star {
			return position - 1
		}
		return -1
	}
	// Behind a * the indexes of the items are unknown: only those before
	// the first * can be matched.
	for i := range items {
		if k := items[i].Kind; k == analyze.ItemStar || k == analyze.ItemQualifiedStar {
			items = items[:i]
			break
		}
	}
	for i := range items {
		if alias != "" && w.s.p.nameEq(items[i].Alias, alias) {
			return i
		}
	}
	if c := e.Column; c != nil {
		for i := range items {
			if it := &items[i]; it.Kind == analyze.ItemColumn && w.sameColumn(it.Expr.Column, c) {
				return i
			}
		}
	}
	for i := range items {
		if it := &items[i]; it.Kind != analyze.ItemStar && it.Kind != analyze.ItemQualifiedStar && it.Expr.Text == e.Text {
			return i
		}
	}
	return -1
}

// sameColumn reports whether two column references name the same column of
// the top block: same name, and the same qualifier or, when one has none,
// a single table in the block.
func (w *selectRewrite) sameColumn(a, b *analyze.ColumnRef) bool {
	p := w.s.p
	if !p.nameEq(a.Name, b.Name) {
		return false
	}
	if a.Table != "" && b.Table != "" {
		return p.nameEq(a.Table, b.Table)
	}
	return w.s.top >= 0 && len(w.s.blocks[w.s.top].from) == 1
}

// constantEq reports whether the top WHERE fixes col with col = value, so
// ordering by it orders nothing.
func (w *selectRewrite) constantEq(col *analyze.ColumnRef) bool {
	if col == nil || w.q.Where == nil {
		return false
	}
	for i := range w.q.Where.Conjuncts {
		c := &w.q.Where.Conjuncts[i]
		if c.Kind == analyze.CondEq && w.sameColumn(c.Column, col) {
			return true
		}
	}
	return false
}

// hasCollate reports whether the text of sp holds a COLLATE clause.
func (s *planState) hasCollate(sp analyze.Span) bool {
	text := s.st.SQL[sp.Start:sp.End]
	if !containsFold(text, "collate") {
		return false
	}
	var lx analyze.Lexer
	lx.Reset(s.p.d, text)
	for t := lx.Next(); t.Kind != analyze.TokEOF; t = lx.Next() {
		if t.Kind == analyze.TokIdent && t.Kw == analyze.KwCollate {
			return true
		}
	}
	return false
}

// textColumn reads text as a column reference (name, table.name or
// schema.table.name), or returns nil.
func (s *planState) textColumn(text string) *analyze.ColumnRef {
	var lx analyze.Lexer
	lx.Reset(s.p.d, text)
	var names [3]string
	n := 0
	for i, t := 0, lx.Next(); t.Kind != analyze.TokEOF; i, t = i+1, lx.Next() {
		switch {
		case t.Kind == analyze.TokComment:
			i--
		case i%2 == 1 && t.IsPunct(text, '.'):
		case i%2 == 0 && n < 3 && (t.Kind == analyze.TokIdent || t.Kind == analyze.TokQuotedIdent) && !t.Kw.Reserved():
			names[n] = t.Name(text, s.p.d == dialect.Postgres)
			n++
		default:
			return nil
		}
	}
	switch n {
	case 1:
		return &analyze.ColumnRef{Name: names[0]}
	case 2:
		return &analyze.ColumnRef{Table: names[0], Name: names[1]}
	case 3:
		return &analyze.ColumnRef{Schema: names[0], Table: names[1], Name: names[2]}
	}
	return nil
}

func containsInt(list []int, x int) bool {
	for _, v := range list {
		if v == x {
			return true
		}
	}
	return false
}

// containsFold reports whether s holds the lower-case ASCII word w in any
// case.
func containsFold(s, w string) bool {
	for i := 0; i+len(w) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(w)], w) {
			return true
		}
	}
	return false
}
