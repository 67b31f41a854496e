package planner

import (
	"github.com/grantsql/grant/internal/analyze"
)

// bindSubqueries links, for every WHERE conjunct key IN (SELECT k FROM ..)
// of a block, the outer instance whose key is key with the subquery's
// instance whose key is k, when both tables are in one binding group: the
// condition holds for a row exactly when the subquery has a row with the
// same key, and those rows live on the row's shard. The subquery must
// return its rows as they are (no LIMIT, grouping, aggregate or window,
// one arm). It reports whether it linked any.
func (s *planState) bindSubqueries() bool {
	linked := false
	for b := range s.blocks {
		w := s.blocks[b].where
		if w == nil {
			continue
		}
		for k := range w.Conjuncts {
			c := &w.Conjuncts[k]
			if c.Kind != analyze.CondOpaque {
				continue
			}
			x, sub := s.inSubquery(b, c)
			if x < 0 {
				continue
			}
			sb, q := s.blockOf(sub.Select)
			if sb < 0 || s.blocks[sb].parent != b || !boundRows(q) {
				continue
			}
			y := s.resolveKey(sb, q.Items[0].Expr.Column)
			if y < 0 || s.insts[y].block != sb || s.insts[y].t.group != s.insts[x].t.group {
				continue
			}
			if s.find(x) != s.find(y) {
				s.union(x, y)
				linked = true
			}
		}
	}
	return linked
}

// inSubquery matches conjunct c of block b against key IN (subquery): it
// returns the instance whose key the column names (in block b) and the
// subquery, or -1.
func (s *planState) inSubquery(b int, c *analyze.Conjunct) (int, *analyze.Subquery) {
	text := c.Text
	toks := exprTokens(s.p.d, text)
	i := 0
	for i < len(toks) && toks[i].Kw != analyze.KwIn {
		i++
	}
	if i == 0 || i+2 >= len(toks) || !toks[i+1].IsPunct(text, '(') || closing(text, toks, i+1) != len(toks)-1 {
		return -1, nil
	}
	col := s.textColumn(text[:toks[i-1].End])
	x := s.resolveKey(b, col)
	if x < 0 || s.insts[x].block != b {
		return -1, nil
	}
	start := c.Span.Start + int(toks[i+1].End)
	end := c.Span.Start + int(toks[len(toks)-1].Start)
	for _, list := range s.subqueryLists() {
		for j := range list {
			sub := &list[j]
			if sub.Clause == "where" && sub.Span.Start >= start && sub.Span.End <= end &&
				blank(s.st.SQL[start:sub.Span.Start]) && blank(s.st.SQL[sub.Span.End:end]) {
				return x, sub
			}
		}
	}
	return -1, nil
}

// boundRows reports whether query q returns its FROM rows' first column
// as they are: one column item, no set operation, LIMIT, grouping,
// aggregate, window or DISTINCT ON.
func boundRows(q *analyze.Select) bool {
	return q != nil && len(q.Items) == 1 && q.Items[0].Kind == analyze.ItemColumn &&
		len(q.SetOps) == 0 && q.Limit == nil && len(q.GroupBy) == 0 && !q.GroupingSets &&
		q.Having == nil && !q.Aggregates && !q.ComplexAggregate && !q.Window &&
		len(q.DistinctOn) == 0 && !q.Into
}

// blank reports whether text holds only spaces.
func blank(text string) bool {
	for i := 0; i < len(text); i++ {
		if !isSpace(text[i]) {
			return false
		}
	}
	return true
}
