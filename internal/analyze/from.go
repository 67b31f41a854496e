package analyze

import "github.com/grantsql/grant/dialect"

// fromList parses FROM items joined by commas and JOIN clauses, appending
// the items and one Join per item after the first. Parenthesised joins are
// flattened into the same lists.
func (p *parser) fromList(items *[]TableRef, joins *[]Join) {
	p.fromItem(items, joins)
	for {
		if p.acceptP(',') {
			*joins = append(*joins, Join{Kind: ","})
			p.fromItem(items, joins)
			continue
		}
		kind, natural := p.joinKind()
		if kind == "" {
			return
		}
		n := len(*joins)
		*joins = append(*joins, Join{Kind: kind, Natural: natural})
		saved := p.clause
		p.clause = "join"
		p.fromItem(items, joins)
		switch {
		case p.accept(KwOn):
			p.clause = "on"
			(*joins)[n].On = p.where()
		case p.accept(KwUsing):
			p.expectP('(')
			for {
				if !p.isAnyWord(p.i) {
					p.fail("expected a column")
				}
				(*joins)[n].Using = append((*joins)[n].Using, p.name(p.i))
				p.i++
				if !p.acceptP(',') {
					break
				}
			}
			p.expectP(')')
		}
		p.clause = saved
	}
}

// joinKind parses the words of a join operator and returns its normalised
// kind, or "" when no join follows.
func (p *parser) joinKind() (string, bool) {
	natural := p.accept(KwNatural)
	kind := ""
	switch p.kw(p.i) {
	case KwJoin:
		kind = "join"
	case KwInner:
		p.i++
		kind = "join"
	case KwLeft, KwRight, KwFull:
		kind = p.kw(p.i).String() + " join"
		p.i++
		p.accept(KwOuter)
	case KwCross:
		p.i++
		kind = "cross join"
	case KwStraightJoin:
		p.i++
		return "straight_join", natural
	}
	if kind == "" {
		if natural {
			p.fail("expected JOIN")
		}
		return "", false
	}
	p.expect(KwJoin)
	return kind, natural
}

// fromItem parses one FROM item: [LATERAL] (subquery) alias, a
// parenthesised join, [ONLY] table [*] with alias and hints, or a table
// function call.
func (p *parser) fromItem(items *[]TableRef, joins *[]Join) {
	p.enter()
	defer p.leave()
	a := p.i
	lateral := p.accept(KwLateral)
	var ref TableRef
	switch {
	case p.isP('(') && p.startsQuery(p.i+1):
		p.i++
		s := p.query()
		p.expectP(')')
		ref = TableRef{Derived: true, Span: p.span(a, p.i)}
		if p.subs != nil {
			*p.subs = append(*p.subs, Subquery{Clause: p.fromClause(), Span: ref.Span, Select: s})
		}
	case p.isP('(') && !lateral:
		p.i++
		p.fromList(items, joins)
		p.expectP(')')
		return
	case p.isName(p.i) && p.punct(p.i+1, '('), p.isAnyWord(p.i) && p.punct(p.i+1, '.') && p.isAnyWord(p.i+2) && p.punct(p.i+3, '('):
		_, name, _, _ := p.qualifiedName()
		p.call(a)
		ref = TableRef{Name: name, Func: true, Span: p.span(a, p.i)}
		if p.at(KwWith) && p.word(p.i+1, "ordinality") {
			p.i += 2
		}
	default:
		ref = p.tableName()
	}
	ref.Lateral = lateral
	p.tableSuffix(&ref)
	p.addTable(ref)
	*items = append(*items, ref)
}

// fromClause names the clause of a FROM-item subquery.
func (p *parser) fromClause() string {
	if p.clause == "join" {
		return "join"
	}
	return "from"
}

// tableName parses [ONLY] name [*] (PostgreSQL's inheritance star).
func (p *parser) tableName() TableRef {
	only := p.accept(KwOnly)
	schema, name, a, b := p.qualifiedName()
	ref := TableRef{Schema: schema, Name: name, Span: p.span(a, b), Only: only}
	if p.d == dialect.Postgres && p.op(p.i, "*") {
		p.i++
	}
	ref.CTE = schema == "" && inFold(p.ctes, name)
	return ref
}

// tableRef parses a table name with its alias and hints and records it.
func (p *parser) tableRef() TableRef {
	ref := p.tableName()
	p.tableSuffix(&ref)
	p.addTable(ref)
	return ref
}

// tableSuffix parses what may follow a FROM item: MySQL PARTITION (..),
// [AS] alias [(column aliases)], MySQL index hints, PostgreSQL TABLESAMPLE,
// SQLite INDEXED BY / NOT INDEXED.
func (p *parser) tableSuffix(ref *TableRef) {
	if p.d == dialect.MySQL && p.at(KwPartition) && p.punct(p.i+1, '(') {
		p.i += 2
		p.group(')')
	}
	ref.Alias = p.alias(false)
	if ref.Alias != "" && p.isP('(') && (ref.Derived || ref.Func || p.d == dialect.Postgres) {
		p.i++
		p.group(')')
	}
	for {
		switch {
		case (p.at(KwUse) || p.at(KwIgnore) || p.at(KwForce)) && (p.kw(p.i+1) == KwIndex || p.kw(p.i+1) == KwKey):
			p.i += 2
			if p.accept(KwFor) && !p.accept(KwJoin) {
				if (p.at(KwOrder) || p.at(KwGroup)) && p.kw(p.i+1) == KwBy {
					p.i += 2
				} else {
					p.fail("expected JOIN, ORDER BY or GROUP BY")
				}
			}
			p.expectP('(')
			p.group(')')
			if p.isP(',') && (p.kw(p.i+1) == KwUse || p.kw(p.i+1) == KwIgnore || p.kw(p.i+1) == KwForce) {
				p.i++
			}
		case p.at(KwTablesample) && p.isAnyWord(p.i+1) && p.punct(p.i+2, '('):
			p.i += 3
			p.group(')')
			if p.at(KwRepeatable) && p.punct(p.i+1, '(') {
				p.i += 2
				p.group(')')
			}
		case p.at(KwIndexed) && p.kw(p.i+1) == KwBy && p.isAnyWord(p.i+2):
			p.i += 3
		case p.at(KwNot) && p.kw(p.i+1) == KwIndexed:
			p.i += 2
		default:
			return
		}
	}
}
