package planner

import (
	"strconv"
	"strings"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/merge"
)

// afterMerge plans what a grouped query across shards evaluates once per
// merged group (rewrite_expr.go): each select item that is an expression
// over aggregates becomes a merge.Computed column, which the shards return
// as NULL (named as one database names the expression), and HAVING
// becomes merge.Spec.Having, removed from the shard SQL: the shards return
// every group, and no LIMIT (see limit).
func (w *selectRewrite) afterMerge(t *table) bool {
	q := w.q
	for i := range q.Items {
		it := &q.Items[i]
		if !it.Complex {
			continue
		}
		e, _, why := w.parseExpr(t, it.Expr.Span, false)
		if why != "" {
			return w.exprRefused(t, "the select item "+it.Expr.Text, why)
		}
		w.spec.Computed = append(w.spec.Computed, merge.Computed{Column: i, Expr: e})
		if w.itemExprs == nil {
			w.itemExprs = map[int]*merge.Expr{}
		}
		w.itemExprs[i] = e
		w.edits = append(w.edits, edit{start: it.Expr.Span.Start, end: it.Expr.Span.End, with: []piece{lit(w.nullItem(it))}})
	}
	if q.Having == nil {
		return true
	}
	e, cond, why := w.parseExpr(t, q.Having.Span, true)
	if why == "" && !cond {
		why = q.Having.Text + ", which is not a condition"
	}
	if why != "" {
		return w.exprRefused(t, "HAVING", why)
	}
	at := w.havingKeyword()
	if at < 0 {
		w.refuse(t, "HAVING across shards: the clause's keyword was not found")
		return false
	}
	w.spec.Having = e
	w.edits = append(w.edits, edit{start: at, end: q.Having.Span.End})
	return true
}

func (w *selectRewrite) exprRefused(t *table, where, why string) bool {
	if why != refusedAlready {
		w.refuse(t, where+" across shards: the merge evaluates numbers with + - * / %, comparisons, AND, OR, NOT and IS NULL over COUNT, SUM, MIN, MAX, AVG and the group columns; not "+why)
	}
	return false
}

// nullItem is the shard's stand-in for a computed item: NULL, under the
// name one database gives the expression (its text on MySQL and SQLite;
// PostgreSQL names every such expression ?column?, as it names NULL).
func (w *selectRewrite) nullItem(it *analyze.SelectItem) string {
	if it.Alias != "" {
		return "NULL"
	}
	switch w.s.p.d {
	case dialect.MySQL:
		return "NULL AS `" + strings.ReplaceAll(it.Expr.Text, "`", "``") + "`"
	case dialect.SQLite:
		return `NULL AS "` + strings.ReplaceAll(it.Expr.Text, `"`, `""`) + `"`
	}
	return "NULL"
}

// havingKeyword returns the offset of the HAVING keyword, -1 if not found.
func (w *selectRewrite) havingKeyword() int {
	var lx analyze.Lexer
	lx.Reset(w.s.p.d, w.s.st.SQL)
	at := -1
	for {
		tk := lx.Next()
		if tk.Kind == analyze.TokEOF || int(tk.End) > w.q.Having.Span.Start {
			return at
		}
		if tk.Kind != analyze.TokComment {
			at = -1
			if tk.Kind == analyze.TokIdent && tk.Kw == analyze.KwHaving {
				at = int(tk.Start)
			}
		}
	}
}

// name is a column of an expression over aggregates: a group column, or
// in HAVING on MySQL and SQLite the alias of an aggregate or computed item.
func (p *exprParser) name(a int) (*merge.Expr, bool) {
	p.i++
	for p.i+1 < len(p.toks) && p.toks[p.i].IsPunct(p.src, '.') && (p.toks[p.i+1].Kind == analyze.TokIdent || p.toks[p.i+1].Kind == analyze.TokQuotedIdent) {
		p.i += 2
	}
	sp := analyze.Span{Start: int(p.toks[a].Start), End: int(p.toks[p.i-1].End)}
	text := p.src[sp.Start:sp.End]
	w := p.w
	var col *analyze.ColumnRef
	if sub := analyze.Analyze(w.s.p.d, exprPrefix+text); sub.Select != nil && len(sub.Select.Items) == 1 {
		col = sub.Select.Items[0].Expr.Column
	}
	group := -1
	for j := range w.q.GroupBy {
		g := &w.q.GroupBy[j]
		ge := &g.Expr
		if g.Position > 0 && g.Position <= len(w.q.Items) {
			ge = &w.q.Items[g.Position-1].Expr
		}
		if ge.Text == text || (ge.Column != nil && col != nil && w.sameColumn(ge.Column, col)) {
			group = w.groupIndex(j)
			break
		}
	}
	item := -1
	if p.having && w.s.p.d != dialect.Postgres && col != nil && col.Table == "" {
		for i := range w.q.Items {
			if w.s.p.nameEq(w.q.Items[i].Alias, col.Name) {
				item = i
				break
			}
		}
	}
	switch {
	case item >= 0 && group >= 0 && item != group:
		p.fail(text + ", both a group column and a select alias")
	case group >= 0:
		return &merge.Expr{Op: merge.OpColumn, Column: group, Text: text}, false
	case item >= 0 && (w.q.Items[item].Kind == analyze.ItemAggregate || containsInt(w.groupCols, item)):
		return &merge.Expr{Op: merge.OpColumn, Column: item, Text: text}, false
	case item >= 0 && w.itemExprs[item] != nil:
		e := *w.itemExprs[item]
		return &e, false
	case item >= 0:
		p.fail("the alias " + text + " of an item that is neither an aggregate nor grouped")
	default:
		p.fail(text + ", which is neither grouped nor inside an aggregate")
	}
	return nil, false
}

// computedOrders undoes what textOrders did to a computed column, a
// number the merge compares by value: no weights (their hidden column
// becomes NULL), no collation.
func (w *selectRewrite) computedOrders() {
	if len(w.itemExprs) == 0 {
		return
	}
	kept := w.spec.Weights[:0]
	for _, wt := range w.spec.Weights {
		if w.itemExprs[wt.Column] == nil {
			kept = append(kept, wt)
			continue
		}
		if j := wt.WeightColumn - len(w.q.Items); j >= 0 && j < len(w.hidden) {
			w.hidden[j] = []piece{lit("NULL")}
		}
	}
	w.spec.Weights = kept
	if len(kept) == 0 {
		w.spec.Weights = nil
	}
	for i := range w.spec.OrderBy {
		if w.itemExprs[w.spec.OrderBy[i].Column] != nil {
			w.spec.OrderBy[i].Collation = merge.CollationDefault
		}
	}
	w.orderByComputed()
	for c := range w.itemExprs {
		if c < len(w.spec.ColumnCollations) {
			w.spec.ColumnCollations[c] = merge.CollationDefault
		}
	}
}

// orderByComputed makes the shards order by the position of a computed
// item where the ORDER BY repeats its expression: a shard would otherwise
// evaluate it over its own rows only (and fail, say, dividing by zero
// where one database does not). The merge sorts the merged groups itself.
func (w *selectRewrite) orderByComputed() {
	for i := range w.q.OrderBy {
		o := &w.q.OrderBy[i]
		if o.Position > 0 || o.Alias != "" {
			continue
		}
		c := w.match(&o.Expr, 0, "")
		if c < 0 || w.itemExprs[c] == nil || w.edited(o.Expr.Span) {
			continue
		}
		w.edits = append(w.edits, edit{start: o.Expr.Span.Start, end: o.Expr.Span.End, with: []piece{lit(strconv.Itoa(c + 1))}})
	}
}

// edited reports whether an edit already touches sp.
func (w *selectRewrite) edited(sp analyze.Span) bool {
	for _, e := range w.edits {
		if e.start < sp.End && e.end > sp.Start || e.start == e.end && e.start > sp.Start && e.start < sp.End {
			return true
		}
	}
	return false
}
