package analyze

import "github.com/grantsql/grant/dialect"

// query parses a query expression: [WITH ..] a first arm, set operations,
// then ORDER BY, LIMIT / OFFSET / FETCH, locking clauses and MySQL's
// trailing INTO. Subqueries and notes found inside stay with the query.
func (p *parser) query() *Select {
	p.enter()
	defer p.leave()
	s := &Select{}
	savedSubs, savedClause, savedNotes, savedCtes := p.subs, p.clause, p.notes, len(p.ctes)
	defer func() { p.subs, p.clause, p.notes, p.ctes = savedSubs, savedClause, savedNotes, p.ctes[:savedCtes] }()
	p.subs = &s.Subqueries
	a := p.i
	if p.at(KwWith) {
		s.With = p.with()
	}
	p.queryArm(s)
	for {
		op := ""
		switch p.kw(p.i) {
		case KwUnion:
			op = "union"
		case KwIntersect:
			op = "intersect"
		case KwExcept, KwMinus:
			op = "except"
		}
		if op == "" {
			break
		}
		p.i++
		all := p.accept(KwAll)
		if !all {
			p.accept(KwDistinct)
		}
		arm := &Select{}
		p.subs = &arm.Subqueries
		p.queryArm(arm)
		s.SetOps = append(s.SetOps, SetOp{Op: op, All: all, Select: arm})
	}
	p.subs = &s.Subqueries
	p.notes = exprNotes{}
	p.queryTail(s)
	if p.notes.window {
		s.Window = true
	}
	s.Span = p.span(a, p.i)
	return s
}

// queryArm parses one arm: SELECT .., VALUES .., TABLE t or ( query ).
func (p *parser) queryArm(s *Select) {
	a := p.i
	p.notes = exprNotes{}
	switch {
	case p.acceptP('('):
		inner := p.query()
		p.expectP(')')
		subs := s.Subqueries
		*s = *inner
		s.Subqueries = append(subs, s.Subqueries...)
	case p.at(KwSelect):
		p.selectCore(s)
	case p.accept(KwValues):
		s.Values = true
		p.clause = "values"
		for {
			p.accept(KwRow)
			p.expectP('(')
			p.group(')')
			if !p.acceptP(',') {
				break
			}
		}
	case p.accept(KwTable):
		s.Table = true
		ref := p.tableName()
		p.addTable(ref)
		s.From = append(s.From, ref)
	default:
		p.fail("expected SELECT")
	}
	s.Span = p.span(a, p.i)
}

// mysqlSelectOptions are MySQL's SELECT modifiers.
var mysqlSelectOptions = []Keyword{
	KwHighPriority, KwStraightJoin, KwSqlSmallResult, KwSqlBigResult, KwSqlBufferResult,
	KwSqlNoCache, KwSqlCache, KwSqlCalcFoundRows,
}

// selectCore parses SELECT [modifiers] items [INTO ..] [FROM ..] [WHERE ..]
// [GROUP BY ..] [HAVING ..] [WINDOW ..].
func (p *parser) selectCore(s *Select) {
	p.i++
	for {
		k := p.kw(p.i)
		switch {
		case k == KwAll:
			p.i++
		case k == KwDistinct || k == KwDistinctrow:
			p.i++
			s.Distinct = true
			if k == KwDistinct && p.at(KwOn) && p.punct(p.i+1, '(') {
				p.i += 2
				p.clause = "select"
				for {
					a, b := p.expr()
					s.DistinctOn = append(s.DistinctOn, p.exprAt(a, b))
					if !p.acceptP(',') {
						break
					}
				}
				p.expectP(')')
			}
		case p.d == dialect.MySQL && k != KwNone && kwIn(k, mysqlSelectOptions):
			s.Modifiers = append(s.Modifiers, k.String())
			p.i++
		default:
			goto items
		}
	}
items:
	p.clause = "select"
	for {
		it := p.selectItem()
		s.Items = append(s.Items, it)
		s.Aggregates = s.Aggregates || it.Kind == ItemAggregate
		s.ComplexAggregate = s.ComplexAggregate || it.Complex
		s.Window = s.Window || it.Window
		if !p.acceptP(',') {
			break
		}
	}
	p.notes = exprNotes{}
	if p.at(KwInto) {
		p.into(s)
	}
	if p.accept(KwFrom) {
		p.clause = "from"
		p.fromList(&s.From, &s.Joins)
	}
	if p.accept(KwWhere) {
		p.clause = "where"
		s.Where = p.where()
	}
	if p.at(KwGroup) && p.kw(p.i+1) == KwBy {
		p.i += 2
		p.clause = "group_by"
		p.groupBy(s)
	}
	if p.accept(KwHaving) {
		p.clause = "having"
		a, b := p.expr()
		e := p.exprAt(a, b)
		s.Having = &e
	}
	if p.accept(KwWindow) {
		s.Window = true
		for {
			if !p.isAnyWord(p.i) {
				p.fail("expected a window name")
			}
			p.i++
			p.expect(KwAs)
			p.expectP('(')
			p.group(')')
			if !p.acceptP(',') {
				break
			}
		}
	}
	s.Window = s.Window || p.notes.window
}

func kwIn(k Keyword, list []Keyword) bool {
	for _, x := range list {
		if x == k {
			return true
		}
	}
	return false
}

// selectItem parses one select-list (or RETURNING) item with its alias.
func (p *parser) selectItem() SelectItem {
	saved := p.notes
	p.notes = exprNotes{}
	a := p.i
	var it SelectItem
	switch {
	case p.op(p.i, "*"):
		p.i++
		it.Kind = ItemStar
	case p.isAnyWord(p.i) && p.punct(p.i+1, '.') && p.op(p.i+2, "*"):
		it.Kind, it.Qualifier = ItemQualifiedStar, p.name(p.i)
		p.i += 3
	case p.isAnyWord(p.i) && p.punct(p.i+1, '.') && p.isAnyWord(p.i+2) && p.punct(p.i+3, '.') && p.op(p.i+4, "*"):
		it.Kind, it.Qualifier = ItemQualifiedStar, p.name(p.i+2)
		p.i += 5
	default:
		p.expr()
	}
	e := p.i
	it.Expr = p.exprAt(a, e)
	if it.Kind == ItemExpr && it.Expr.Column != nil {
		it.Kind = ItemColumn
	}
	it.Alias = p.alias(true)
	it.Span = p.span(a, p.i)
	n := &p.notes
	if n.aggs == 1 && !n.nested && !n.other && n.aggAt == a && n.aggEnd == e {
		it.Kind = ItemAggregate
		it.Agg = p.aggregate(n.aggAt, n.aggEnd)
	}
	it.HasAggregate = n.aggs > 0 || n.nested || n.other
	it.Complex = it.HasAggregate && it.Kind != ItemAggregate
	it.Window = n.window
	p.notes = saved
	return it
}

// alias parses [AS] alias. A bare alias must not be a reserved word; with
// str set, MySQL and SQLite string aliases are accepted.
func (p *parser) alias(str bool) string {
	if p.accept(KwAs) {
		switch {
		case p.isAnyWord(p.i):
			p.i++
			return p.name(p.i - 1)
		case str && p.d != dialect.Postgres && p.kind(p.i) == TokString:
			p.i++
			return p.t[p.i-1].StringValue(p.src)
		}
		p.fail("expected an alias")
	}
	switch {
	case p.isName(p.i):
		p.i++
		return p.name(p.i - 1)
	case str && p.d != dialect.Postgres && p.kind(p.i) == TokString:
		p.i++
		return p.t[p.i-1].StringValue(p.src)
	}
	return ""
}

// aggregate describes the aggregate call in tokens [a, b).
func (p *parser) aggregate(a, b int) *Aggregate {
	ag := &Aggregate{Func: p.t[a].Kw.String()}
	i, end := a+2, b-1 // inside the parentheses
	if p.kw(i) == KwDistinct {
		ag.Distinct = true
		i++
	} else if p.kw(i) == KwAll {
		i++
	}
	ag.Star = end == i+1 && p.op(i, "*")
	ag.Arg = p.span(i, end)
	ag.Text = p.text(i, end)
	return ag
}
