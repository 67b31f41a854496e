package planner

import (
	"github.com/grantsql/grant/internal/analyze"
)

// windowsByKey reports whether every window of query q's own level (its
// select list, WINDOW clause and ORDER BY; not its subqueries, derived
// tables or further arms) partitions by the shard key of component root,
// seen from block b: PARTITION BY lists the key itself. Every partition of
// such a window then lies on one shard, so each shard computes the window
// functions of its rows exactly as one database would. A window named in a
// WINDOW clause, or extending one (OVER (w ORDER BY ..)), takes that
// window's partition. What the scan cannot read is not by the key.
func (s *planState) windowsByKey(q *analyze.Select, b, root int) bool {
	text, span := s.st.SQL, q.Span
	skip := make([]analyze.Span, 0, len(q.Subqueries)+len(q.SetOps)+len(q.With)+len(s.st.With))
	for i := range s.st.With {
		skip = append(skip, s.st.With[i].Span)
	}
	for i := range q.Subqueries {
		skip = append(skip, q.Subqueries[i].Span)
	}
	for i := range q.SetOps {
		skip = append(skip, q.SetOps[i].Select.Span)
	}
	for i := range q.With {
		skip = append(skip, q.With[i].Span)
	}
	var toks []analyze.Token
	for _, t := range exprTokens(s.p.d, text[span.Start:span.End]) {
		t.Start, t.End = t.Start+int32(span.Start), t.End+int32(span.Start)
		if !inSpans(skip, int(t.Start)) {
			toks = append(toks, t)
		}
	}
	named := map[string]bool{} // WINDOW name AS (..): partitions by the key
	for i := 0; i+3 < len(toks); i++ {
		if toks[i].Kw == analyze.KwWindow {
			for j := i + 1; j+2 < len(toks) && toks[j+1].Kw == analyze.KwAs && toks[j+2].IsPunct(text, '('); {
				byKey, end := s.windowSpec(toks, j+2, b, root, named)
				named[s.windowName(toks[j])] = byKey
				if end+2 >= len(toks) || !toks[end+1].IsPunct(text, ',') {
					break
				}
				j = end + 2
			}
		}
	}
	over := false
	for i := 0; i < len(toks); i++ {
		if toks[i].Kw != analyze.KwOver {
			continue
		}
		over = true
		switch {
		case i+1 >= len(toks):
			return false
		case toks[i+1].IsPunct(text, '('):
			byKey, _ := s.windowSpec(toks, i+1, b, root, named)
			if !byKey {
				return false
			}
		case !named[s.windowName(toks[i+1])]:
			return false
		}
	}
	return over || len(named) > 0
}

// windowsLocal reports whether the windows of the statement's query
// partition by the key of the deciding component, and are computed over
// rows (or groups holding the key) that each live on one shard: grouping
// says the groups span shards.
func (w *selectRewrite) windowsLocal(grouping bool) bool {
	if grouping || w.s.top < 0 {
		return false
	}
	return w.s.windowsByKey(w.q, w.s.top, w.drive.root)
}

// windowSpec reads the window specification whose '(' is toks[open]: it
// reports whether its partition holds the key (its own PARTITION BY, or
// the named window it extends), and the index of its ')'.
func (s *planState) windowSpec(toks []analyze.Token, open, b, root int, named map[string]bool) (bool, int) {
	text := s.st.SQL
	end := closing(text, toks, open)
	if end < 0 {
		return false, len(toks)
	}
	i := open + 1
	byKey := false
	if i < end && (toks[i].Kind == analyze.TokIdent || toks[i].Kind == analyze.TokQuotedIdent) &&
		toks[i].Kw != analyze.KwPartition && toks[i].Kw != analyze.KwOrder && !frameWord(text, toks[i]) {
		byKey = named[s.windowName(toks[i])]
		i++
	}
	if i+1 < end && toks[i].Kw == analyze.KwPartition && toks[i+1].Kw == analyze.KwBy {
		i += 2
		from, depth := i, 0
		for ; i <= end; i++ {
			t := toks[i]
			switch {
			case t.IsPunct(text, '(') || t.IsPunct(text, '['):
				depth++
				continue
			case depth > 0 && (t.IsPunct(text, ')') || t.IsPunct(text, ']')):
				depth--
				continue
			case depth > 0:
				continue
			case i < end && !t.IsPunct(text, ',') && t.Kw != analyze.KwOrder && !frameWord(text, t):
				continue
			}
			if from < i {
				col := s.textColumn(text[toks[from].Start:toks[i-1].End])
				byKey = byKey || s.isLocalKey(b, col, root)
			}
			if !t.IsPunct(text, ',') {
				break
			}
			from = i + 1
		}
	}
	return byKey, end
}

// isLocalKey reports whether col, seen from block b, is the key of an
// instance of component root that an outer join does not extend with NULLs
// (NULL keys of several shards would form one partition or group).
func (s *planState) isLocalKey(b int, col *analyze.ColumnRef, root int) bool {
	k := s.resolveKey(b, col)
	return k >= 0 && s.find(k) == root && !s.nullable(k)
}

// nullable reports whether an outer join of its block may extend instance
// i with NULLs: it is right of a LEFT JOIN (or inside what it joins), or
// its block has a RIGHT or FULL join.
func (s *planState) nullable(i int) bool {
	in := &s.insts[i]
	blk := &s.blocks[in.block]
	for j := range blk.joins {
		switch blk.joins[j].Kind {
		case ",", "join", "cross join", "straight_join":
		case "left join":
			if in.from < 0 || in.from >= j+1 {
				return true
			}
		default:
			return true
		}
	}
	return false
}

// closing returns the index of the ')' matching the '(' toks[open], or -1.
func closing(text string, toks []analyze.Token, open int) int {
	depth := 0
	for i := open; i < len(toks); i++ {
		switch {
		case toks[i].IsPunct(text, '('):
			depth++
		case toks[i].IsPunct(text, ')'):
			if depth--; depth == 0 {
				return i
			}
		}
	}
	return -1
}

// frameWord reports whether t starts a window frame (ROWS, RANGE, GROUPS).
func frameWord(text string, t analyze.Token) bool {
	if t.Kind != analyze.TokIdent {
		return false
	}
	switch lowerASCIIString(t.Text(text)) {
	case "rows", "range", "groups":
		return true
	}
	return false
}

// windowName returns a window name, unquoted: bare names folded to lower
// case (window names compare without case on every dialect).
func (s *planState) windowName(t analyze.Token) string {
	return t.Name(s.st.SQL, true)
}

// inSpans reports whether offset at lies in one of spans.
func inSpans(spans []analyze.Span, at int) bool {
	for _, sp := range spans {
		if at >= sp.Start && at < sp.End {
			return true
		}
	}
	return false
}

// outerBroadcast returns the name of a broadcast table of the statement's
// own block when an outer join there may give rows with no sharded table's
// row (every sharded instance may be filled with NULLs): each shard holds
// the broadcast rows, so a fan-out would return such rows once per shard.
// It returns "" otherwise.
func (s *planState) outerBroadcast() string {
	if s.top < 0 {
		return ""
	}
	name, outer := "", false
	for i := range s.insts {
		in := &s.insts[i]
		if in.block != s.top {
			continue
		}
		outer = outer || s.nullable(i)
		switch {
		case in.sharded() && !s.nullable(i):
			return "" // every row holds a row of one shard
		case in.t != nil && in.t.broadcast && name == "":
			name = in.t.name
		}
	}
	if !outer {
		return "" // inner joins only: a row needs the shard's rows it joins
	}
	return name
}
