package analyze

import (
	"strings"

	"github.com/grantsql/grant/dialect"
)

// queryTail parses the clauses that close a query, in any order the
// dialects allow: ORDER BY, LIMIT / OFFSET / FETCH, locking clauses and
// MySQL's INTO after them.
func (p *parser) queryTail(s *Select) {
	if p.at(KwOrder) && p.kw(p.i+1) == KwBy {
		if s.OrderBy != nil {
			p.fail("second ORDER BY")
		}
		p.i += 2
		p.clause = "order_by"
		s.OrderBy = p.orderBy(s.Items)
	}
	for {
		switch k := p.kw(p.i); {
		case k == KwLimit || k == KwOffset || k == KwFetch:
			if s.Limit != nil {
				p.fail("second LIMIT")
			}
			p.clause = "limit"
			s.Limit = p.limit()
		case k == KwFor || k == KwLock:
			lc, j := parseLock(&p.view, p.i)
			if lc == nil {
				return
			}
			if s.Lock != nil {
				p.fail("second locking clause")
			}
			if l := p.st.Locking; l != nil && l.Span == lc.Span {
				lc = l
			}
			s.Lock = lc
			p.i = j
		case k == KwInto && p.d == dialect.MySQL && !s.Into:
			p.into(s)
		default:
			return
		}
	}
}

// limit parses LIMIT n [OFFSET m], LIMIT m, n, LIMIT ALL, OFFSET m
// [ROW|ROWS] and FETCH {FIRST|NEXT} [n] {ROW|ROWS} {ONLY|WITH TIES}, in any
// order PostgreSQL accepts.
func (p *parser) limit() *Limit {
	a := p.i
	l := &Limit{}
	var seenLimit, seenOffset, seenFetch bool
	for {
		k := p.kw(p.i)
		seen := &seenLimit
		switch k {
		case KwOffset:
			seen = &seenOffset
		case KwFetch:
			seen = &seenFetch
		case KwLimit:
		default:
			seen = nil
		}
		if seen == nil || *seen {
			break
		}
		*seen = true
		p.i++
		switch k {
		case KwLimit:
			l.Style = "limit"
			if p.accept(KwAll) {
				continue
			}
			e := p.limitExpr()
			if p.d != dialect.Postgres && p.acceptP(',') {
				l.Style, l.Offset = "comma", e
				e = p.limitExpr()
			}
			l.Count = e
		case KwOffset:
			l.Offset = p.limitExpr()
			if !p.accept(KwRow) {
				p.accept(KwRows)
			}
			if l.Style == "" {
				l.Style = "offset"
			}
		case KwFetch:
			l.Style = "fetch"
			if !p.accept(KwFirst) {
				p.expect(KwNext)
			}
			if !p.at(KwRow) && !p.at(KwRows) {
				l.Count = p.limitExpr()
			}
			if !p.accept(KwRow) {
				p.expect(KwRows)
			}
			if p.accept(KwWith) {
				p.expect(KwTies)
				l.WithTies = true
			} else {
				p.expect(KwOnly)
			}
		}
	}
	l.Span = p.span(a, p.i)
	return l
}

func (p *parser) limitExpr() *Expr {
	a, b := p.expr()
	e := p.exprAt(a, b)
	return &e
}

// orderBy parses ORDER BY items: expr [ASC|DESC] [USING op] [NULLS
// FIRST|LAST]. A bare number is a position; a bare name matching a select
// item's alias is reported as that alias.
func (p *parser) orderBy(items []SelectItem) []OrderItem {
	var out []OrderItem
	for {
		a := p.i
		ea, eb := p.expr()
		o := OrderItem{Expr: p.exprAt(ea, eb)}
		switch {
		case p.accept(KwAsc):
		case p.accept(KwDesc):
			o.Desc = true
		case p.at(KwUsing) && p.kind(p.i+1) == TokOperator:
			o.Desc = p.op(p.i+1, ">")
			p.i += 2
		}
		if p.accept(KwNulls) {
			switch {
			case p.accept(KwFirst):
				o.Nulls = "first"
			case p.accept(KwLast):
				o.Nulls = "last"
			default:
				p.fail("expected FIRST or LAST")
			}
		}
		o.Span = p.span(a, p.i)
		o.Position = p.position(ea, eb)
		if c := o.Expr.Column; c != nil && c.Table == "" {
			for _, it := range items {
				if it.Alias != "" && strings.EqualFold(it.Alias, c.Name) {
					o.Alias = it.Alias
					break
				}
			}
		}
		out = append(out, o)
		if !p.acceptP(',') {
			return out
		}
	}
}

// position returns n when tokens [a, b) are exactly a positive integer.
func (p *parser) position(a, b int) int {
	if b != a+1 || p.t[a].Kind != TokNumber {
		return 0
	}
	if _, n, ok := p.t[a].Number(p.src); ok && n > 0 && n < 1<<31 {
		return int(n)
	}
	return 0
}

// groupBy parses GROUP BY [ALL|DISTINCT] items [WITH ROLLUP].
func (p *parser) groupBy(s *Select) {
	if !p.accept(KwAll) {
		p.accept(KwDistinct)
	}
	for {
		if p.at(KwGrouping) && p.kw(p.i+1) == KwSets && p.punct(p.i+2, '(') {
			a := p.i
			p.i += 3
			p.group(')')
			s.GroupingSets = true
			s.GroupBy = append(s.GroupBy, GroupItem{Expr: p.exprAt(a, p.i)})
		} else {
			if (p.at(KwRollup) || p.at(KwCube)) && p.punct(p.i+1, '(') {
				s.GroupingSets = true
			}
			a, b := p.expr()
			s.GroupBy = append(s.GroupBy, GroupItem{Expr: p.exprAt(a, b), Position: p.position(a, b)})
		}
		if !p.acceptP(',') {
			break
		}
	}
	if p.at(KwWith) && p.kw(p.i+1) == KwRollup {
		p.i += 2
		s.GroupingSets = true
	}
}

// into parses SELECT .. INTO: PostgreSQL [TEMP|UNLOGGED] [TABLE] name;
// MySQL @var, .. | OUTFILE 'f' | DUMPFILE 'f' (OUTFILE options are not
// understood).
func (p *parser) into(s *Select) {
	p.i++
	s.Into = true
	if p.d == dialect.Postgres {
		for k := p.kw(p.i); k == KwTemp || k == KwTemporary || k == KwUnlogged || k == KwLocal || k == KwGlobal; k = p.kw(p.i) {
			p.i++
		}
		p.accept(KwTable)
		p.qualifiedName()
		return
	}
	if p.accept(KwOutfile) || p.accept(KwDumpfile) {
		if p.kind(p.i) != TokString {
			p.fail("expected a file name")
		}
		p.i++
		if p.isAnyWord(p.i) && !p.at(KwFrom) && !p.at(KwFor) && !p.at(KwLock) {
			p.fail("INTO OUTFILE options are not understood")
		}
		return
	}
	for {
		if p.kind(p.i) != TokVariable && !p.isName(p.i) {
			p.fail("expected a variable")
		}
		p.i++
		if !p.acceptP(',') {
			return
		}
	}
}
