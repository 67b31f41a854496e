package analyze

import (
	"strings"

	"github.com/grantsql/grant/dialect"
)

// primary parses a literal, placeholder, variable, name, function call,
// parenthesised group, CASE, EXISTS/ANY/ALL/SOME (..), ARRAY[..], INTERVAL or
// typed literal.
func (p *parser) primary() {
	t := p.peek()
	switch t.Kind {
	case TokNumber, TokPlaceholder, TokVariable:
		p.i++
		return
	case TokString:
		for p.kind(p.i) == TokString {
			p.i++
		}
		return
	case TokPunct:
		if p.acceptP('(') {
			p.group(')')
			return
		}
	case TokQuotedIdent:
		p.nameOrCall()
		return
	case TokIdent:
		next := p.punct(p.i+1, '(')
		switch t.Kw {
		case KwCase:
			p.i++
			p.caseBody()
			return
		case KwExists, KwAny, KwSome, KwAll:
			if next {
				p.i += 2
				p.group(')')
				return
			}
		case KwArray:
			if p.punct(p.i+1, '[') {
				p.i += 2
				p.group(']')
				return
			}
		case KwNull, KwTrue, KwFalse, KwUnknown, KwDefault:
			p.i++
			return
		case KwInterval:
			p.i++
			p.operand()
			if p.isUnit(p.i) {
				p.i++
			}
			return
		case KwNext, KwPrevious:
			if p.kw(p.i+1) == KwValue && p.kw(p.i+2) == KwFor {
				p.i += 3
				p.qualifiedName()
				return
			}
		case KwDate, KwTime, KwTimestamp:
			if p.kind(p.i+1) == TokString {
				p.i += 2
				return
			}
		}
		if next || !t.Kw.Reserved() {
			p.nameOrCall()
			return
		}
	}
	p.fail("expected an expression")
}

// nameOrCall parses a (qualified) name, a typed literal (PostgreSQL
// type 'text', MySQL _charset'text') or a function call.
func (p *parser) nameOrCall() {
	a := p.i
	p.i++
	for p.isP('.') && p.isAnyWord(p.i+1) {
		p.i += 2
	}
	if p.kind(p.i) == TokString && p.i == a+1 && p.t[a].Kind == TokIdent &&
		(p.d == dialect.Postgres || (p.d == dialect.MySQL && p.src[p.t[a].Start] == '_')) {
		p.i++
		return
	}
	if p.isP('(') {
		p.call(a)
	}
}

// aggregate kinds of a function name.
const (
	aggNone = iota
	aggMergeable
	aggOther
)

// otherAggregates are aggregate functions a fan-out cannot merge.
var otherAggregates = []string{
	"array_agg", "string_agg", "group_concat", "json_agg", "jsonb_agg", "json_object_agg",
	"jsonb_object_agg", "json_arrayagg", "json_objectagg", "bit_and", "bit_or", "bit_xor",
	"bool_and", "bool_or", "every", "stddev", "stddev_pop", "stddev_samp", "std", "variance",
	"var_pop", "var_samp", "percentile_cont", "percentile_disc", "mode", "total", "xmlagg",
	"any_value", "corr", "covar_pop", "covar_samp", "regr_slope", "regr_intercept",
	"regr_count", "regr_r2", "regr_avgx", "regr_avgy", "regr_sxx", "regr_syy", "regr_sxy",
	"rank", "dense_rank", "percent_rank", "cume_dist", "median",
}

// aggKind says whether the function named by token i is an aggregate.
func (p *parser) aggKind(i int) int {
	t := p.t[i]
	if t.Kind != TokIdent {
		return aggNone
	}
	switch t.Kw {
	case KwCount, KwSum, KwMin, KwMax, KwAvg:
		return aggMergeable
	}
	s := t.Text(p.src)
	for _, n := range otherAggregates {
		if len(n) == len(s) && equalFoldASCII(n, s) {
			return aggOther
		}
	}
	return aggNone
}

// call parses the argument list and the WITHIN GROUP, FILTER and OVER
// suffixes of a call whose (possibly qualified) name starts at token a and
// ends before the current '('.
func (p *parser) call(a int) {
	nameTok := p.i - 1
	agg := p.aggKind(nameTok)
	p.i++
	commas := p.group(')')
	if agg == aggMergeable && commas > 0 && p.d == dialect.SQLite && (p.t[nameTok].Kw == KwMin || p.t[nameTok].Kw == KwMax) {
		agg = aggNone // SQLite's scalar min(a, b)
	}
	extra := false
	if p.at(KwWithin) && p.kw(p.i+1) == KwGroup && p.punct(p.i+2, '(') {
		p.i += 3
		p.group(')')
		extra = true
	}
	if p.at(KwFilter) && p.punct(p.i+1, '(') {
		p.i += 2
		p.group(')')
		extra = true
	}
	if p.t[nameTok].Kw == KwMatch && p.word(p.i, "against") && p.punct(p.i+1, '(') {
		p.i += 2 // MySQL MATCH (cols) AGAINST (text [modifier])
		p.group(')')
	}
	if p.at(KwOver) {
		p.i++
		if p.acceptP('(') {
			p.group(')')
		} else if p.isAnyWord(p.i) {
			p.i++
		} else {
			p.fail("expected a window")
		}
		p.notes.window = true
		return
	}
	if agg != aggNone {
		p.notes.aggs++
		p.notes.aggAt, p.notes.aggEnd = a, p.i
		if agg == aggOther || extra {
			p.notes.other = true
		}
	}
}

// group consumes balanced tokens after an opening '(' or '[' up to and
// including the matching close. A query right after an opening parenthesis
// is parsed in full as a subquery; aggregate calls and OVER are noted. It
// returns the number of commas at the group's own level.
func (p *parser) group(close byte) int {
	p.enter()
	defer p.leave()
	if close == ')' && p.startsQuery(p.i) {
		p.subquery()
	}
	commas := 0
	for {
		t := p.peek()
		switch t.Kind {
		case TokEOF:
			p.fail("unbalanced parenthesis")
		case TokPunct:
			switch c := p.src[t.Start]; c {
			case '(', '[':
				p.i++
				if c == '(' {
					p.group(')')
				} else {
					p.group(']')
				}
				continue
			case ')', ']':
				p.i++
				if c != close {
					p.fail("unbalanced parenthesis")
				}
				return commas
			case ',':
				commas++
			}
		case TokIdent:
			if t.Kw == KwOver {
				p.notes.window = true
			} else if p.punct(p.i+1, '(') && p.aggKind(p.i) != aggNone {
				p.notes.nested = true
			}
		}
		p.i++
	}
}

// caseBody consumes a CASE expression after CASE up to its END.
func (p *parser) caseBody() {
	p.enter()
	defer p.leave()
	for {
		t := p.peek()
		switch {
		case t.Kind == TokEOF:
			p.fail("CASE without END")
		case p.isP('('):
			p.i++
			p.group(')')
			continue
		case p.isP('['):
			p.i++
			p.group(']')
			continue
		case p.isP(')') || p.isP(']'):
			p.fail("unbalanced parenthesis in CASE")
		case t.Kind == TokIdent && t.Kw == KwCase:
			p.i++
			p.caseBody()
			continue
		case t.Kind == TokIdent && t.Kw == KwEnd:
			p.i++
			return
		case t.Kind == TokIdent && t.Kw == KwOver:
			p.notes.window = true
		case t.Kind == TokIdent && p.punct(p.i+1, '(') && p.aggKind(p.i) != aggNone:
			p.notes.nested = true
		}
		p.i++
	}
}

// subquery parses a query nested in an expression or FROM and records it.
func (p *parser) subquery() *Select {
	a := p.i
	s := p.query()
	if p.subs != nil {
		*p.subs = append(*p.subs, Subquery{Clause: p.clause, Span: p.span(a, p.i), Select: s})
	}
	return s
}

// currentFuncs are bare words that are functions, not columns.
var currentFuncs = []string{
	"current_date", "current_time", "current_timestamp", "localtime", "localtimestamp",
	"current_user", "session_user", "current_role", "current_schema", "current_catalog",
	"user", "system_user",
}

func isCurrentFunc(s string) bool {
	for _, f := range currentFuncs {
		if len(f) == len(s) && strings.EqualFold(f, s) {
			return true
		}
	}
	return false
}
