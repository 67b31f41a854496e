package analyze

import (
	"strings"

	"github.com/grantsql/grant/dialect"
)

// insert parses INSERT / REPLACE:
//
//	{INSERT [LOW_PRIORITY|DELAYED|HIGH_PRIORITY] [IGNORE] | INSERT OR action | REPLACE}
//	[INTO] table [AS alias] [PARTITION (..)] [(columns)] [OVERRIDING .. VALUE]
//	{VALUES|VALUE (row), .. [AS alias] | DEFAULT VALUES | SET a = 1, .. | query}
//	[ON CONFLICT .. | ON DUPLICATE KEY UPDATE ..] [RETURNING ..]
func (p *parser) insert() *Insert {
	ins := &Insert{}
	saved, savedClause := p.subs, p.clause
	p.subs = &ins.Subqueries
	defer func() { p.subs, p.clause = saved, savedClause }()
	ins.Replace = p.at(KwReplace)
	p.i++
	for {
		switch k := p.kw(p.i); {
		case k == KwLowPriority || k == KwDelayed || k == KwHighPriority:
			p.i++
			continue
		case k == KwIgnore:
			ins.Ignore = true
			p.i++
			continue
		case k == KwOr && p.d == dialect.SQLite && p.isAnyWord(p.i+1):
			switch a := strings.ToLower(p.t[p.i+1].Text(p.src)); a {
			case "replace":
				ins.Replace = true
			case "ignore":
				ins.Ignore = true
			default:
				ins.Or = a
			}
			p.i += 2
			continue
		}
		break
	}
	p.accept(KwInto)
	ins.Table = p.tableName()
	if p.accept(KwAs) {
		if !p.isAnyWord(p.i) {
			p.fail("expected an alias")
		}
		ins.Table.Alias = p.name(p.i)
		p.i++
	}
	p.addTable(ins.Table)
	if p.d == dialect.MySQL && p.at(KwPartition) && p.punct(p.i+1, '(') {
		p.i += 2
		p.group(')')
	}
	if p.isP('(') && !p.startsQuery(p.i+1) && !p.punct(p.i+1, '(') {
		a := p.i
		p.i++
		for {
			c, j := p.colAt(p.i, len(p.t))
			if c == nil {
				p.fail("expected a column")
			}
			ins.Columns = append(ins.Columns, *c)
			p.i = j
			if !p.acceptP(',') {
				break
			}
		}
		p.expectP(')')
		sp := p.span(a, p.i)
		ins.ColumnsSpan = &sp
	}
	if p.at(KwOverriding) {
		p.i++
		if !p.at(KwSystem) && !p.at(KwUser) {
			p.fail("expected SYSTEM or USER")
		}
		p.i++
		p.expect(KwValue)
	}
	p.insertSource(ins)
	for p.at(KwOn) && ins.Upsert == nil {
		switch {
		case p.kw(p.i+1) == KwConflict:
			ins.Upsert = p.onConflict()
		case p.kw(p.i+1) == KwDuplicate && p.kw(p.i+2) == KwKey && p.kw(p.i+3) == KwUpdate:
			a := p.i
			p.i += 4
			p.clause = "on_conflict"
			up := &Upsert{Kind: "on_duplicate_key_update"}
			up.Set, up.Columns = p.assignments()
			up.Span = p.span(a, p.i)
			ins.Upsert = up
		default:
			p.fail("unexpected ON")
		}
	}
	ins.Returning = p.returning()
	return ins
}

// insertSource parses VALUES rows, DEFAULT VALUES, MySQL SET or a query.
func (p *parser) insertSource(ins *Insert) {
	switch {
	case p.at(KwValues) || p.at(KwValue):
		p.i++
		p.clause = "values"
		a := p.i
		for {
			p.accept(KwRow)
			r := p.i
			p.expectP('(')
			row := Row{Values: make([]Expr, 0, max(len(ins.Columns), 1))}
			for !p.isP(')') {
				ea, eb := p.expr()
				row.Values = append(row.Values, p.exprAt(ea, eb))
				if !p.acceptP(',') {
					break
				}
			}
			p.expectP(')')
			row.Span = p.span(r, p.i)
			ins.Rows = append(ins.Rows, row)
			if !p.acceptP(',') {
				break
			}
		}
		sp := p.span(a, p.i)
		ins.ValuesSpan = &sp
		if p.d == dialect.MySQL && p.accept(KwAs) {
			if !p.isAnyWord(p.i) {
				p.fail("expected an alias")
			}
			p.i++
			if p.acceptP('(') {
				p.group(')')
			}
		}
	case p.at(KwDefault) && p.kw(p.i+1) == KwValues:
		p.i += 2
		ins.DefaultValues = true
	case p.at(KwSet) && p.d == dialect.MySQL:
		p.i++
		p.clause = "set"
		ins.Set, _ = p.assignments()
	case p.startsQuery(p.i) || p.isP('('):
		p.clause = "select"
		ins.Select = p.query()
	default:
		p.fail("expected VALUES or a query")
	}
}

// onConflict parses ON CONFLICT [(target) [WHERE ..] | ON CONSTRAINT name]
// DO NOTHING | DO UPDATE SET .. [WHERE ..].
func (p *parser) onConflict() *Upsert {
	a := p.i
	p.i += 2
	p.clause = "on_conflict"
	up := &Upsert{Kind: "on_conflict"}
	switch {
	case p.acceptP('('):
		for {
			ea, eb := p.expr()
			if c, j := p.colAt(ea, eb); c != nil && j == eb {
				up.Target = append(up.Target, c.Name)
			} else {
				up.Target = append(up.Target, p.text(ea, eb))
			}
			if !p.acceptP(',') {
				break
			}
		}
		p.expectP(')')
		if p.accept(KwWhere) {
			p.expr()
		}
	case p.at(KwOn) && p.kw(p.i+1) == KwConstraint:
		p.i += 2
		if !p.isAnyWord(p.i) {
			p.fail("expected a constraint name")
		}
		up.Constraint = p.name(p.i)
		p.i++
	}
	p.expect(KwDo)
	if p.accept(KwNothing) {
		up.DoNothing = true
	} else {
		p.expect(KwUpdate)
		p.expect(KwSet)
		up.Set, up.Columns = p.assignments()
		if p.accept(KwWhere) {
			up.Where = p.where()
		}
	}
	up.Span = p.span(a, p.i)
	return up
}

// assignments parses col = expr, .. and returns them with the column names.
func (p *parser) assignments() ([]Assignment, []string) {
	var out []Assignment
	var cols []string
	for {
		a := p.i
		c, j := p.colAt(p.i, len(p.t))
		if c == nil {
			p.fail("expected a column")
		}
		p.i = j
		if !p.op(p.i, "=") {
			p.fail("expected =")
		}
		p.i++
		ea, eb := p.expr()
		out = append(out, Assignment{Span: p.span(a, p.i), Column: *c, Value: p.exprAt(ea, eb)})
		cols = append(cols, c.Name)
		if !p.acceptP(',') {
			return out, cols
		}
	}
}

// returning parses an optional RETURNING item list.
func (p *parser) returning() *Returning {
	if !p.at(KwReturning) {
		return nil
	}
	a := p.i
	p.i++
	saved := p.clause
	p.clause = "returning"
	r := &Returning{}
	for {
		r.Items = append(r.Items, p.selectItem())
		if !p.acceptP(',') {
			break
		}
	}
	p.clause = saved
	r.Span = p.span(a, p.i)
	return r
}
