package analyze

// with parses WITH [RECURSIVE] name [(columns)] AS [[NOT] MATERIALIZED]
// (statement), .. . The names are in scope (p.ctes) for the rest of the
// enclosing query. SEARCH and CYCLE clauses are not understood.
func (p *parser) with() []CTE {
	p.i++
	p.accept(KwRecursive)
	var out []CTE
	for {
		a := p.i
		if !p.isName(p.i) {
			p.fail("expected a CTE name")
		}
		cte := CTE{Name: p.name(p.i)}
		p.i++
		if p.acceptP('(') {
			for {
				if !p.isAnyWord(p.i) {
					p.fail("expected a column name")
				}
				cte.Columns = append(cte.Columns, p.name(p.i))
				p.i++
				if !p.acceptP(',') {
					break
				}
			}
			p.expectP(')')
		}
		p.expect(KwAs)
		p.accept(KwNot)
		p.accept(KwMaterialized)
		p.expectP('(')
		p.ctes = append(p.ctes, cte.Name)
		saved := p.clause
		p.clause = "cte"
		switch p.kw(p.i) {
		case KwInsert, KwReplace:
			cte.Body, cte.Insert = KindInsert, p.insert()
		case KwUpdate:
			cte.Body, cte.Update = KindUpdate, p.update()
		case KwDelete:
			cte.Body, cte.Delete = KindDelete, p.delete()
		default:
			cte.Body, cte.Select = KindSelect, p.query()
		}
		p.clause = saved
		p.expectP(')')
		if p.at(KwSearch) || p.at(KwCycle) {
			p.fail("SEARCH and CYCLE are not understood")
		}
		cte.Span = p.span(a, p.i)
		out = append(out, cte)
		if !p.acceptP(',') {
			return out
		}
	}
}
