package planner

import (
	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/merge"
)

// collationOf returns the configured collation (Config.Collations) of a
// column of the statement's top level, or the default when none is
// configured or the column's table is ambiguous.
func (s *planState) collationOf(col *analyze.ColumnRef) merge.Collation {
	if col == nil || len(s.p.collations) == 0 || s.top < 0 {
		return merge.CollationDefault
	}
	blk := &s.blocks[s.top]
	found, n := merge.CollationDefault, 0
	for i := blk.first; i < blk.end; i++ {
		ref := s.insts[i].ref
		if col.Table != "" && !s.qualifies(ref, col) {
			continue
		}
		key := ref.Name + "." + col.Name
		if s.p.fold {
			key = lowerASCIIString(key)
		}
		if c, ok := s.p.collations[key]; ok {
			found, n = c, n+1
		}
	}
	if n != 1 {
		return merge.CollationDefault
	}
	return found
}

// sortCollation returns the collation of an ORDER BY term that merges on
// column idx: that of the select item it names, else of its own column.
func (w *selectRewrite) sortCollation(o *analyze.OrderItem, idx int) merge.Collation {
	if idx >= 0 && idx < w.knownItems() {
		if c := w.s.collationOf(w.q.Items[idx].Expr.Column); c != merge.CollationDefault {
			return c
		}
	}
	if it := w.aliasBehindStar(o.Alias); it != nil {
		return w.s.collationOf(it.Expr.Column)
	}
	return w.s.collationOf(o.Expr.Column)
}

// aliasBehindStar returns the select item after a * whose alias is alias:
// its column index is unknown, so ORDER BY alias hides a copy of its
// expression.
func (w *selectRewrite) aliasBehindStar(alias string) *analyze.SelectItem {
	if alias == "" || !w.star {
		return nil
	}
	for i := w.knownItems(); i < len(w.q.Items); i++ {
		if it := &w.q.Items[i]; w.s.p.nameEq(it.Alias, alias) {
			return it
		}
	}
	return nil
}

// knownItems returns the number of select items whose column index is
// known before the shards answer: those before the first *.
func (w *selectRewrite) knownItems() int {
	for i := range w.q.Items {
		if k := w.q.Items[i].Kind; k == analyze.ItemStar || k == analyze.ItemQualifiedStar {
			return i
		}
	}
	return len(w.q.Items)
}

// columnCollations sets merge.Spec.ColumnCollations for the select items
// and hidden GROUP BY columns whose collation is configured, for grouping
// and DISTINCT, where the catalog did not set one (textOrders).
func (w *selectRewrite) columnCollations() {
	if len(w.s.p.collations) == 0 {
		return
	}
	cs := w.spec.ColumnCollations
	set := func(i int, c merge.Collation) {
		if c == merge.CollationDefault || i < 0 {
			return
		}
		for len(cs) <= i {
			cs = append(cs, merge.CollationDefault)
		}
		if cs[i] == merge.CollationDefault {
			cs[i] = c
		}
	}
	for i := range w.knownItems() {
		set(i, w.s.collationOf(w.q.Items[i].Expr.Column))
	}
	for j, idx := range w.groupCols {
		if idx >= len(w.q.Items) {
			set(idx, w.s.collationOf(w.q.GroupBy[j].Expr.Column))
		}
	}
	w.spec.ColumnCollations = cs
}
