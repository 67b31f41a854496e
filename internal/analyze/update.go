package analyze

import "github.com/grantsql/grant/dialect"

// update parses UPDATE [LOW_PRIORITY] [IGNORE] [OR action] [ONLY] table
// [[AS] alias] SET .. [FROM ..] [WHERE ..] [ORDER BY ..] [LIMIT ..]
// [RETURNING ..]. MySQL's multi-table UPDATE and PostgreSQL's WHERE CURRENT
// OF are not understood.
func (p *parser) update() *Update {
	u := &Update{}
	saved, savedClause := p.subs, p.clause
	p.subs = &u.Subqueries
	defer func() { p.subs, p.clause = saved, savedClause }()
	p.i++
	p.dmlModifiers()
	u.Table = p.tableRef()
	if p.isP(',') || p.at(KwJoin) || p.at(KwInner) || p.at(KwLeft) || p.at(KwStraightJoin) {
		p.fail("multi-table UPDATE is not understood")
	}
	p.expect(KwSet)
	p.clause = "set"
	u.Set, _ = p.assignments()
	if p.accept(KwFrom) {
		p.clause = "from"
		p.fromList(&u.From, &u.Joins)
	}
	u.Where = p.dmlWhere()
	u.OrderBy, u.Limit = p.dmlOrderLimit()
	u.Returning = p.returning()
	return u
}

// delete parses DELETE [LOW_PRIORITY] [QUICK] [IGNORE] FROM [ONLY] table
// [[AS] alias] [USING ..] [WHERE ..] [ORDER BY ..] [LIMIT ..] [RETURNING ..].
// MySQL's multi-table DELETE (DELETE t1, t2 FROM ..) is not understood.
func (p *parser) delete() *Delete {
	d := &Delete{}
	saved, savedClause := p.subs, p.clause
	p.subs = &d.Subqueries
	defer func() { p.subs, p.clause = saved, savedClause }()
	p.i++
	p.dmlModifiers()
	if !p.accept(KwFrom) {
		p.fail("multi-table DELETE is not understood")
	}
	d.Table = p.tableRef()
	if p.isP(',') {
		p.fail("multi-table DELETE is not understood")
	}
	if p.accept(KwUsing) {
		p.clause = "from"
		p.fromList(&d.Using, &d.Joins)
	}
	d.Where = p.dmlWhere()
	d.OrderBy, d.Limit = p.dmlOrderLimit()
	d.Returning = p.returning()
	return d
}

// dmlModifiers skips MySQL's LOW_PRIORITY, QUICK, IGNORE and SQLite's
// UPDATE OR action.
func (p *parser) dmlModifiers() {
	for {
		switch {
		case p.at(KwLowPriority) || p.at(KwIgnore) || p.word(p.i, "quick"):
			p.i++
		case p.at(KwOr) && p.d == dialect.SQLite && p.isAnyWord(p.i+1):
			p.i += 2
		default:
			return
		}
	}
}

// dmlWhere parses an optional WHERE of UPDATE or DELETE.
func (p *parser) dmlWhere() *Where {
	if !p.at(KwWhere) {
		return nil
	}
	if p.kw(p.i+1) == KwCurrent && p.kw(p.i+2) == KwOf {
		p.fail("WHERE CURRENT OF is not understood")
	}
	p.i++
	p.clause = "where"
	return p.where()
}

// dmlOrderLimit parses the optional ORDER BY and LIMIT of MySQL and SQLite
// UPDATE / DELETE.
func (p *parser) dmlOrderLimit() ([]OrderItem, *Limit) {
	var o []OrderItem
	var l *Limit
	if p.at(KwOrder) && p.kw(p.i+1) == KwBy {
		p.i += 2
		p.clause = "order_by"
		o = p.orderBy(nil)
	}
	if p.at(KwLimit) || p.at(KwOffset) {
		p.clause = "limit"
		l = p.limit()
	}
	return o, l
}
