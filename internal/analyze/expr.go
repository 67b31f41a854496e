package analyze

import "github.com/grantsql/grant/dialect"

// exprNotes collects what the parser saw in one select item (or clause):
// aggregate calls and window functions. Subqueries keep their own notes.
type exprNotes struct {
	aggs   int  // top-level calls of count, sum, min, max, avg
	other  bool // another aggregate, or FILTER / WITHIN GROUP
	nested bool // an aggregate inside parentheses, CASE or another call
	window bool // a window function or OVER
	aggAt  int  // token index of the last top-level aggregate's name
	aggEnd int  // token index after its closing parenthesis
}

// The expression grammar implemented here is deliberately shallow: the
// operand/operator chain at the top of an expression is parsed (so that
// its end, its aliases and its top-level AND / OR are known), while the
// inside of parentheses, brackets and CASE .. END is consumed as balanced
// tokens, looking only for subqueries (parsed in full), aggregate calls and
// window functions. Routing and sharding never need more from them.

// expr parses an expression and returns its token range [a, b).
func (p *parser) expr() (int, int) {
	a := p.i
	p.exprUntil(false)
	return a, p.i
}

// infix results.
const (
	infixNone    = iota // no operator: the expression ends
	infixOperand        // a binary operator: an operand follows
	infixDone           // a complete construct (IN (..), BETWEEN a AND b)
)

// exprUntil parses an expression; with stopAnd it ends before AND / OR
// (the bounds of BETWEEN).
func (p *parser) exprUntil(stopAnd bool) {
	p.enter()
	for {
		p.operand()
		for {
			r := p.infix(stopAnd)
			if r == infixOperand {
				break
			}
			if r == infixNone {
				p.leave()
				return
			}
			p.postfix()
		}
	}
}

// infix consumes a binary operator or a complete IN / BETWEEN construct.
func (p *parser) infix(stopAnd bool) int {
	t := p.peek()
	if t.Kind == TokOperator {
		p.i++
		return infixOperand
	}
	if t.Kind != TokIdent {
		return infixNone
	}
	k := t.Kw
	if k == KwNot {
		switch p.kw(p.i + 1) {
		case KwIn, KwBetween, KwLike, KwIlike, KwRegexp, KwRlike, KwGlob, KwMatch, KwSimilar:
			p.i++
			k = p.kw(p.i)
		default:
			return infixNone
		}
	}
	switch k {
	case KwAnd, KwOr:
		if stopAnd {
			return infixNone
		}
	case KwXor, KwDiv, KwMod, KwLike, KwIlike, KwRegexp, KwRlike, KwGlob, KwMatch, KwEscape:
	case KwSimilar, KwSounds:
		p.i++
		if !p.at(KwTo) && !p.at(KwLike) {
			p.fail("expected TO or LIKE")
		}
	case KwIn:
		p.i++
		p.expectP('(')
		p.group(')')
		return infixDone
	case KwBetween:
		p.i++
		if !p.accept(KwSymmetric) {
			p.accept(KwAsymmetric)
		}
		p.exprUntil(true)
		p.expect(KwAnd)
		p.exprUntil(true)
		return infixDone
	default:
		return infixNone
	}
	p.i++
	return infixOperand
}

// peek returns the current token, or an EOF token past the end.
func (p *parser) peek() Token {
	if p.i < len(p.t) {
		return p.t[p.i]
	}
	n := int32(len(p.src))
	return Token{Kind: TokEOF, Start: n, End: n}
}

// operand parses prefix operators, a primary and postfix operators.
func (p *parser) operand() {
	for {
		t := p.peek()
		if t.Kind == TokOperator && !p.op(p.i, "*") {
			p.i++
			continue
		}
		if t.Kind == TokIdent && (t.Kw == KwNot || (t.Kw == KwBinary && p.d == dialect.MySQL && !p.punct(p.i+1, '('))) {
			p.i++
			continue
		}
		break
	}
	p.primary()
	p.postfix()
}

// postfix parses ::type, [subscript], COLLATE x, IS [NOT] .., ISNULL,
// NOTNULL and AT TIME ZONE x.
func (p *parser) postfix() {
	for {
		switch {
		case p.op(p.i, "::"):
			p.i++
			p.typeName()
		case p.isP('[') && p.d == dialect.Postgres:
			p.i++
			p.group(']')
		case p.at(KwCollate):
			p.i++
			if p.kind(p.i) == TokString {
				p.i++
			} else {
				p.qualifiedName()
			}
		case p.at(KwIsnull) || p.at(KwNotnull):
			p.i++
		case p.at(KwIs):
			p.i++
			p.accept(KwNot)
			switch {
			case p.at(KwNull) || p.at(KwTrue) || p.at(KwFalse) || p.at(KwUnknown):
				p.i++
			case p.at(KwDistinct):
				p.i++
				p.expect(KwFrom)
				p.operand()
			default:
				p.operand() // SQLite's IS [NOT] expr; PostgreSQL's IS JSON, IS DOCUMENT
			}
		case p.at(KwAt) && p.kw(p.i+1) == KwTime && p.kw(p.i+2) == KwZone:
			p.i += 3
			p.operand()
		default:
			return
		}
	}
}

// typeName parses a type after :: — a possibly qualified name, the
// multi-word forms (double precision, character varying, timestamp with
// time zone), a (modifier) and [] suffixes.
func (p *parser) typeName() {
	if !p.isAnyWord(p.i) {
		p.fail("expected a type")
	}
	p.i++
	for p.isP('.') && p.isAnyWord(p.i+1) {
		p.i += 2
	}
	if p.at(KwPrecision) || p.at(KwVarying) {
		p.i++
	}
	zone := func() {
		if (p.at(KwWith) || p.at(KwWithout)) && p.kw(p.i+1) == KwTime && p.kw(p.i+2) == KwZone {
			p.i += 3
		}
	}
	zone()
	if p.acceptP('(') {
		p.group(')')
	}
	zone()
	for p.acceptP('[') {
		p.group(']')
	}
}

// intervalUnits are the MySQL INTERVAL units.
var intervalUnits = []string{
	"microsecond", "second", "minute", "hour", "day", "week", "month", "quarter", "year",
	"second_microsecond", "minute_microsecond", "minute_second", "hour_microsecond",
	"hour_second", "hour_minute", "day_microsecond", "day_second", "day_minute", "day_hour",
	"year_month",
}

// isUnit reports whether token i is an INTERVAL unit.
func (p *parser) isUnit(i int) bool {
	if p.kind(i) != TokIdent {
		return false
	}
	s := p.t[i].Text(p.src)
	for _, u := range intervalUnits {
		if len(u) == len(s) && equalFoldASCII(u, s) {
			return true
		}
	}
	return false
}
