package analyze

import "github.com/grantsql/grant/dialect"

// where parses a condition and splits it into conjuncts.
func (p *parser) where() *Where {
	a, b := p.expr()
	w := &Where{Span: p.span(a, b)}
	p.splitAnd(a, b, &w.Conjuncts)
	return w
}

// topIter walks tokens [a, b) at their own nesting level (outside
// parentheses, brackets and CASE .. END). BETWEEN's AND is reported with
// between set.
type topIter struct {
	p                *parser
	i, b             int
	depth, cases     int
	pending, between bool
}

func (p *parser) top(a, b int) topIter { return topIter{p: p, i: a - 1, b: b} }

// next advances to the next token at the top level and reports whether
// there is one.
func (it *topIter) next() bool {
	p := it.p
	for it.i++; it.i < it.b; it.i++ {
		t := p.t[it.i]
		if t.Kind == TokPunct {
			switch p.src[t.Start] {
			case '(', '[':
				it.depth++
				continue
			case ')', ']':
				it.depth--
				continue
			}
		}
		if it.depth != 0 {
			continue
		}
		if t.Kind == TokIdent {
			switch t.Kw {
			case KwCase:
				it.cases++
				continue
			case KwEnd:
				if it.cases > 0 {
					it.cases--
					continue
				}
			}
		}
		if it.cases != 0 {
			continue
		}
		it.between = false
		if t.Kind == TokIdent {
			switch t.Kw {
			case KwBetween:
				it.pending = true
			case KwAnd:
				it.between, it.pending = it.pending, false
			}
		}
		return true
	}
	return false
}

// isAnd and isOr recognise the logical connectives, with MySQL's && and ||.
func (p *parser) isAnd(i int) bool {
	return p.kw(i) == KwAnd || (p.d == dialect.MySQL && p.op(i, "&&"))
}

func (p *parser) isOr(i int) bool {
	return p.kw(i) == KwOr || p.kw(i) == KwXor || p.op(i, ":=") || (p.d == dialect.MySQL && p.op(i, "||"))
}

// topLogic reports whether tokens [a, b) have an OR at their own level,
// and counts the ANDs there.
func (p *parser) topLogic(a, b int) (hasOr bool, ands int) {
	for it := p.top(a, b); it.next(); {
		if p.isOr(it.i) {
			return true, ands
		}
		if !it.between && p.isAnd(it.i) {
			ands++
		}
	}
	return false, ands
}

// splitAnd appends the conjuncts of tokens [a, b): split at top-level AND,
// with a wholly parenthesised conjunct split again when it has no OR.
// A top-level OR makes the whole range one opaque conjunct.
func (p *parser) splitAnd(a, b int, out *[]Conjunct) {
	hasOr, ands := p.topLogic(a, b)
	if hasOr {
		*out = append(*out, p.opaque(a, b))
		return
	}
	if *out == nil {
		*out = make([]Conjunct, 0, ands+1)
	}
	start := a
	for it := p.top(a, b); it.next(); {
		if !it.between && p.isAnd(it.i) {
			p.piece(start, it.i, out)
			start = it.i + 1
		}
	}
	p.piece(start, b, out)
}

// piece appends the conjunct [s, e), flattening ( a AND b ).
func (p *parser) piece(s, e int, out *[]Conjunct) {
	if e-s >= 2 && p.punct(s, '(') && p.matching(s) == e-1 && !p.startsQuery(s+1) {
		if hasOr, _ := p.topLogic(s+1, e-1); !hasOr {
			p.splitAnd(s+1, e-1, out)
			return
		}
	}
	*out = append(*out, p.recognize(s, e))
}

// matching returns the index of the ')' that closes the '(' at i.
func (p *parser) matching(i int) int {
	depth := 0
	for j := i; j < len(p.t); j++ {
		switch {
		case p.punct(j, '('):
			depth++
		case p.punct(j, ')'):
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

func (p *parser) opaque(a, b int) Conjunct {
	sp := p.span(a, b)
	return Conjunct{Span: sp, Text: p.src[sp.Start:sp.End], Kind: CondOpaque}
}

// flipped gives the operator with its operands swapped.
var flipped = map[string]string{"<": ">", ">": "<", "<=": ">=", ">=": "<=", "=": "=", "==": "=", "<>": "<>", "!=": "!=", "<=>": "<=>"}

// recognize classifies one conjunct [a, b).
func (p *parser) recognize(a, b int) Conjunct {
	c := p.opaque(a, b)
	if col, j := p.colAt(a, b); col != nil && j < b {
		p.recognizeColumn(&c, col, j, b)
		return c
	}
	// value op column
	for k := a + 1; k < b; k++ {
		if p.kind(k) != TokOperator {
			continue
		}
		op := p.t[k].Text(p.src)
		f, ok := flipped[op]
		if !ok {
			return c
		}
		_, ok = p.valueIn(a, k)
		col, j := p.colAt(k+1, b)
		if ok && col != nil && j == b {
			c.Column, c.Values = col, []Expr{p.exprAt(a, k)}
			c.Kind, c.Op = CondCompare, f
			if f == "=" {
				c.Kind, c.Op = CondEq, ""
			}
		}
		return c
	}
	return c
}

// recognizeColumn classifies a conjunct that starts with column col and
// continues at token j.
func (p *parser) recognizeColumn(c *Conjunct, col *ColumnRef, j, b int) {
	switch {
	case p.kind(j) == TokOperator:
		op := p.t[j].Text(p.src)
		if _, ok := flipped[op]; !ok {
			return
		}
		if _, ok := p.valueIn(j+1, b); ok {
			c.Column, c.Values = col, []Expr{p.exprAt(j+1, b)}
			c.Kind, c.Op = CondCompare, op
			if op == "=" || op == "==" {
				c.Kind, c.Op = CondEq, ""
			}
		} else if other, k := p.colAt(j+1, b); other != nil && k == b && (op == "=" || op == "==") {
			c.Kind, c.Column, c.Other = CondColumnEq, col, other
		}
	case p.kw(j) == KwIn && p.punct(j+1, '(') && p.matching(j+1) == b-1 && j+2 < b-1:
		var vals []Expr
		start := j + 2
		ok := true
		add := func(s, e int) {
			if _, isVal := p.valueIn(s, e); isVal && ok {
				vals = append(vals, p.exprAt(s, e))
			} else {
				ok = false
			}
		}
		for it := p.top(j+2, b-1); ok && it.next(); {
			if p.punct(it.i, ',') {
				add(start, it.i)
				start = it.i + 1
			}
		}
		add(start, b-1)
		if ok {
			c.Kind, c.Column, c.Values = CondIn, col, vals
		}
	case p.kw(j) == KwBetween:
		and := -1
		for it := p.top(j, b); and < 0 && it.next(); {
			if it.between {
				and = it.i
			}
		}
		if and < 0 {
			return
		}
		_, ok1 := p.valueIn(j+1, and)
		_, ok2 := p.valueIn(and+1, b)
		if ok1 && ok2 {
			c.Kind, c.Column = CondBetween, col
			c.Values = []Expr{p.exprAt(j+1, and), p.exprAt(and+1, b)}
		}
	case p.kw(j) == KwIs && p.kw(j+1) == KwNull && j+2 == b, p.kw(j) == KwIsnull && j+1 == b:
		c.Kind, c.Column = CondIsNull, col
	case p.kw(j) == KwIs && p.kw(j+1) == KwNot && p.kw(j+2) == KwNull && j+3 == b, p.kw(j) == KwNotnull && j+1 == b:
		c.Kind, c.Column = CondIsNotNull, col
	}
}
