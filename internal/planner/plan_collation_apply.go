package planner

import (
	"slices"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/merge"
)

// textUse is what the merge does with one column of the shard rows.
type textUse struct {
	order, group, distinct, minmax bool
}

// textOrders makes the merge compare the text of every column it orders,
// groups, removes duplicates of, or takes the MIN or MAX of, as the
// servers do, from the plan's catalog (nothing without one):
//
//   - MySQL: a hidden WEIGHT_STRING(expr) per such column, which the merge
//     compares instead of the value (merge.Weight), for every collation;
//     ORDER BY an ENUM or SET by its index, (expr)+0; a byte-order
//     collation (*_bin, binary) is compared by the merge itself;
//   - PostgreSQL and SQLite: the column's collation in the merge spec:
//     byte-wise, SQLite's NOCASE and RTRIM, or PostgreSQL's other
//     collations ranked by the server (merge.ServerCollation).
//
// An order no exact method reproduces refuses the statement, naming the
// expression and the collation. It returns false on a refusal.
func (w *selectRewrite) textOrders(t *table) bool {
	cat := w.s.catalog()
	if cat == nil {
		return true
	}
	uses := map[int]*textUse{}
	use := func(c int) *textUse {
		if uses[c] == nil {
			uses[c] = &textUse{}
		}
		return uses[c]
	}
	for _, k := range w.spec.OrderBy {
		use(k.Column).order = true
	}
	for _, g := range w.spec.GroupBy {
		use(g).group = true
	}
	if w.spec.Distinct {
		for i := range w.knownItems() {
			use(i).distinct = true
		}
	}
	for _, a := range w.spec.Aggregates {
		if a.Func == merge.Min || a.Func == merge.Max {
			use(a.Column).minmax = true
		}
	}
	cols := make([]int, 0, len(uses))
	for c := range uses {
		cols = append(cols, c)
	}
	slices.Sort(cols)
	for _, c := range cols {
		sp, ok := w.exprSpan(c)
		if !ok {
			continue // a column inside *, or a part of AVG: as configured
		}
		eo := w.s.orderOfText(w.s.st.SQL[sp.Start:sp.End], cat)
		if !w.applyOrder(t, c, sp, eo, uses[c]) {
			return false
		}
	}
	return true
}

// applyOrder applies the order of column c, whose expression is sp.
func (w *selectRewrite) applyOrder(t *table, c int, sp analyze.Span, eo exprOrder, u *textUse) bool {
	switch {
	case eo.Refuse != "":
		w.refuse(t, w.clause(u)+" "+eo.what+" across shards: "+eo.Refuse)
		return false
	case w.s.p.d == dialect.MySQL:
		if eo.known && !eo.Text {
			return true
		}
		if eo.known && eo.Collation != merge.CollationDefault {
			w.setCollation(c, eo.Collation)
			return true
		}
		pad := eo.Pad
		if !eo.known {
			pad = w.s.catalog().Default().Pad
		}
		weight := []piece{lit("WEIGHT_STRING("), span(sp), lit(")")}
		if eo.Index && !u.minmax {
			weight, pad = []piece{lit("("), span(sp), lit(")+0")}, ""
		}
		w.spec.Weights = append(w.spec.Weights, merge.Weight{Column: c, WeightColumn: w.hide(weight...), Pad: pad})
		w.weights++
	case !eo.known:
		w.refuse(t, w.clause(u)+" "+eo.what+" across shards: Grant cannot tell the collation of this expression; add a COLLATE clause")
		return false
	case eo.Text:
		w.setCollation(c, eo.Collation)
	}
	return true
}

// clause names the first clause that compares a column, for messages.
func (w *selectRewrite) clause(u *textUse) string {
	switch {
	case u.order:
		return "ORDER BY"
	case u.group:
		return "GROUP BY"
	case u.distinct:
		return "DISTINCT"
	}
	return "MIN or MAX of"
}

// setCollation sets the merge collation of column c and of the ORDER BY
// keys on it.
func (w *selectRewrite) setCollation(c int, coll merge.Collation) {
	if coll == merge.CollationDefault {
		return
	}
	for i := range w.spec.OrderBy {
		if w.spec.OrderBy[i].Column == c {
			w.spec.OrderBy[i].Collation = coll
		}
	}
	if c < 0 {
		return // behind a *: its index is known at run time only
	}
	for len(w.spec.ColumnCollations) <= c {
		w.spec.ColumnCollations = append(w.spec.ColumnCollations, merge.CollationDefault)
	}
	w.spec.ColumnCollations[c] = coll
}

// exprSpan returns the expression of column c of the shard rows: a select
// item before any *, or a hidden column copied from the statement.
func (w *selectRewrite) exprSpan(c int) (analyze.Span, bool) {
	j := -1
	switch {
	case c >= 0 && c < w.knownItems():
		return w.q.Items[c].Expr.Span, true
	case w.star && c < 0:
		j = -c - 1
	case !w.star && c >= len(w.q.Items):
		j = c - len(w.q.Items)
	}
	if j < 0 || j >= len(w.hidden) || len(w.hidden[j]) != 1 || w.hidden[j][0].lit != "" {
		return analyze.Span{}, false
	}
	p := w.hidden[j][0]
	return analyze.Span{Start: p.start, End: p.end}, true
}
