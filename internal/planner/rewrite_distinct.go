package planner

import (
	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/merge"
)

// COUNT, SUM and AVG(DISTINCT x) across shards, for an x that is not the
// shard key (a value of x may then occur on several shards): the shards
// group by x too, behind the query's own GROUP BY, and return x as a hidden
// column, so each shard sends each of its values of x once per group with
// the aggregate of that one value (1 or 0 for COUNT, x for SUM). The merge
// (merge.Aggregate.Distinct) adds a row's aggregate only when its x is new
// in the group, comparing x as a GROUP BY column is compared (its
// collation, or its weights on MySQL). COUNT, SUM, MIN, MAX and AVG without
// DISTINCT in the same query stay exact: they add up over the finer groups.
// MIN and MAX(DISTINCT x) are plain MIN and MAX.

// distinctArg is the argument of a DISTINCT aggregate merged by value.
type distinctArg struct {
	text string
	sp   analyze.Span // in the statement's text
	col  int          // its hidden column
}

// distinctArg returns the hidden column of the argument of ag, a DISTINCT
// aggregate whose spans are shifted by shift from the statement's text,
// adding it on first use; -1 after a refusal.
func (w *selectRewrite) distinctArg(t *table, ag *analyze.Aggregate, shift int) int {
	q := w.q
	if len(q.GroupBy) == 0 {
		for i := range q.Items {
			if q.Items[i].Kind != analyze.ItemAggregate {
				w.refuse(t, ag.Func+"(DISTINCT "+ag.Text+") beside "+q.Items[i].Expr.Text+" without GROUP BY across shards: select only aggregates, or group")
				return -1
			}
		}
		if len(q.OrderBy) > 0 || q.Lock != nil {
			w.refuse(t, ag.Func+"(DISTINCT "+ag.Text+") across shards with ORDER BY or a locking clause and no GROUP BY")
			return -1
		}
	}
	for _, a := range w.distinctArgs {
		if a.text == ag.Text {
			return a.col
		}
	}
	sp := analyze.Span{Start: ag.Arg.Start + shift, End: ag.Arg.End + shift}
	a := distinctArg{text: ag.Text, sp: sp, col: w.hide(span(sp))}
	w.distinctArgs = append(w.distinctArgs, a)
	return a.col
}

// groupByDistinctArgs makes the shards group by the DISTINCT arguments
// too: after the GROUP BY items, or in a GROUP BY of their own placed
// before LIMIT (and the spaces before it) or at the end of the query.
func (w *selectRewrite) groupByDistinctArgs() {
	if len(w.distinctArgs) == 0 {
		return
	}
	q := w.q
	var ps []piece
	at := 0
	if n := len(q.GroupBy); n > 0 {
		at = q.GroupBy[n-1].Expr.Span.End
	} else {
		ps = append(ps, lit(" GROUP BY "))
		at = q.Span.End
		if q.Limit != nil {
			at = q.Limit.Span.Start
			for sql := w.s.st.SQL; at > 0 && isSpace(sql[at-1]); {
				at--
			}
		}
	}
	for i, a := range w.distinctArgs {
		if i > 0 || len(q.GroupBy) > 0 {
			ps = append(ps, lit(", "))
		}
		ps = append(ps, span(a.sp))
	}
	// First among the insertions at the same place: the ORDER BY the
	// streaming group adds after the GROUP BY must follow it.
	w.edits = append([]edit{insertAt(at, ps...)}, w.edits...)
}

// keyDistinct is a DISTINCT aggregate of the shard key, which merges by
// adding the shards' values unless other DISTINCT arguments split the
// shards' groups.
type keyDistinct struct {
	agg   int // its index in Spec.Aggregates
	ag    *analyze.Aggregate
	shift int
}

// distinctOrders merges the DISTINCT aggregates of the shard key by value
// too when the shards group by other DISTINCT arguments (a key value then
// comes in several rows of a group), and makes the merge compare the text
// of each DISTINCT argument as the servers group it, from the catalog
// (see textOrders).
func (w *selectRewrite) distinctOrders(t *table) bool {
	if len(w.distinctArgs) > 0 {
		for _, k := range w.keyDistinct {
			col := w.distinctArg(t, k.ag, k.shift)
			if col < 0 {
				return false
			}
			a := &w.spec.Aggregates[k.agg]
			a.Distinct, a.ArgColumn = true, col
		}
	}
	cat := w.s.catalog()
	if cat == nil {
		return true
	}
	for _, a := range w.distinctArgs {
		eo := w.s.orderOfText(w.s.st.SQL[a.sp.Start:a.sp.End], cat)
		if eo.Refuse != "" {
			w.refuse(t, "DISTINCT "+eo.what+" in an aggregate across shards: "+eo.Refuse)
			return false
		}
		if !w.applyOrder(t, a.col, a.sp, eo, &textUse{group: true}) {
			return false
		}
	}
	return true
}

// distinctCollations sets the configured collation of each DISTINCT
// argument that the catalog did not set.
func (w *selectRewrite) distinctCollations() {
	for _, a := range w.distinctArgs {
		c := w.s.collationOf(w.s.textColumn(a.text))
		if c == merge.CollationDefault {
			continue
		}
		for len(w.spec.ColumnCollations) <= a.col {
			w.spec.ColumnCollations = append(w.spec.ColumnCollations, merge.CollationDefault)
		}
		if w.spec.ColumnCollations[a.col] == merge.CollationDefault {
			w.spec.ColumnCollations[a.col] = c
		}
	}
}
