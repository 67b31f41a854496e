package analyze

import (
	"strconv"

	"github.com/grantsql/grant/dialect"
)

// maxDepth bounds the nesting of parentheses, subqueries and CASE the
// parser follows; deeper text is reported as not understood.
const maxDepth = 200

// parser is the structural parser for the DML subset. It works on one
// statement's tokens (no comments, no ';') and panics with a parseError when
// the text leaves the grammar it implements; parse turns that into
// Statement.NotFull.
type parser struct {
	view
	st     *Statement
	i      int
	depth  int
	fold   bool        // fold bare identifiers to lower case (PostgreSQL)
	ctes   []string    // CTE names in scope
	notes  exprNotes   // aggregate and window notes of the current item
	subs   *[]Subquery // where subqueries found now are recorded
	clause string      // the clause being parsed, for Subquery.Clause
	vals   []Value     // slab for Expr.Value
	cols   []ColumnRef // slab for column references
}

type parseError string

// parse runs the structural parser over a DML statement and fills st.
func parse(st *Statement, toks []Token) {
	p := &parser{view: view{d: st.Dialect, src: st.SQL, t: toks}, st: st, fold: st.Dialect == dialect.Postgres}
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(parseError)
			if !ok {
				panic(r)
			}
			st.Full, st.NotFull = false, string(e)
			st.Select, st.Insert, st.Update, st.Delete, st.With = nil, nil, nil, nil, nil
		}
	}()
	p.statement()
	if p.i < len(toks) {
		p.fail("unexpected token")
	}
	st.Full, st.NotFull = true, ""
}

// statement parses [WITH ..] SELECT | INSERT | UPDATE | DELETE.
func (p *parser) statement() {
	if p.kw(p.i) == KwWith {
		p.st.With = p.with()
	}
	switch p.kw(p.i) {
	case KwInsert, KwReplace:
		p.st.Insert = p.insert()
	case KwUpdate:
		p.st.Update = p.update()
	case KwDelete:
		p.st.Delete = p.delete()
	default:
		s := p.query()
		if s.Lock == nil && len(s.SetOps) == 0 && !s.Into && !s.Values && p.i > 0 {
			s.LockAt = int(p.t[p.i-1].End)
		}
		p.st.Select = s
	}
}

// fail abandons the parse, describing the token at the current position.
func (p *parser) fail(msg string) {
	if p.i < len(p.t) {
		t := p.t[p.i]
		text := t.Text(p.src)
		if len(text) > 20 {
			text = text[:20] + "..."
		}
		panic(parseError(msg + " at offset " + strconv.Itoa(int(t.Start)) + " (" + strconv.Quote(text) + ")"))
	}
	panic(parseError(msg + " at end of statement"))
}

// enter and leave bound the recursion depth.
func (p *parser) enter() {
	p.depth++
	if p.depth > maxDepth {
		p.fail("nesting too deep")
	}
}

func (p *parser) leave() { p.depth-- }

// at reports whether the current token is keyword k.
func (p *parser) at(k Keyword) bool { return p.kw(p.i) == k }

// accept consumes keyword k if it is current.
func (p *parser) accept(k Keyword) bool {
	if p.kw(p.i) == k {
		p.i++
		return true
	}
	return false
}

// expect consumes keyword k or fails.
func (p *parser) expect(k Keyword) {
	if !p.accept(k) {
		p.fail("expected " + k.String())
	}
}

// isP reports whether the current token is punctuation c.
func (p *parser) isP(c byte) bool { return p.punct(p.i, c) }

// acceptP consumes punctuation c if it is current.
func (p *parser) acceptP(c byte) bool {
	if p.punct(p.i, c) {
		p.i++
		return true
	}
	return false
}

// expectP consumes punctuation c or fails.
func (p *parser) expectP(c byte) {
	if !p.acceptP(c) {
		p.fail("expected " + string(c))
	}
}

// isName reports whether token i can be an identifier: a quoted identifier
// or a bare word that is not reserved.
func (p *parser) isName(i int) bool {
	switch p.kind(i) {
	case TokQuotedIdent:
		return true
	case TokIdent:
		return !p.t[i].Kw.Reserved()
	}
	return false
}

// isAnyWord reports whether token i is a bare word or quoted identifier
// (after '.', any word names an object).
func (p *parser) isAnyWord(i int) bool {
	k := p.kind(i)
	return k == TokIdent || k == TokQuotedIdent
}

// name returns the identifier token i names.
func (p *parser) name(i int) string { return p.t[i].Name(p.src, p.fold) }

// span returns the byte span of tokens [a, b).
func (p *parser) span(a, b int) Span {
	if b <= a {
		if a < len(p.t) {
			return Span{int(p.t[a].Start), int(p.t[a].Start)}
		}
		return Span{len(p.src), len(p.src)}
	}
	return Span{int(p.t[a].Start), int(p.t[b-1].End)}
}

// text returns the source text of tokens [a, b).
func (p *parser) text(a, b int) string {
	sp := p.span(a, b)
	return p.src[sp.Start:sp.End]
}

// qualifiedName reads name [. name [. name]] at the current position and
// returns the schema (the part before the last) and the name.
func (p *parser) qualifiedName() (schema, name string, a, b int) {
	a = p.i
	if !p.isName(p.i) {
		p.fail("expected a name")
	}
	p.i++
	for p.isP('.') && p.isAnyWord(p.i+1) {
		p.i += 2
	}
	b = p.i
	name = p.name(b - 1)
	if b-a >= 3 {
		schema = p.name(b - 3)
	}
	return schema, name, a, b
}

// addTable records a referenced table on the statement.
func (p *parser) addTable(ref TableRef) {
	if !ref.CTE && !ref.Derived && !ref.Func {
		p.st.Tables = addTable(p.st.Tables, ref)
	}
}

// startsQuery reports whether token i starts a query.
func (p *parser) startsQuery(i int) bool {
	switch p.kw(i) {
	case KwSelect, KwWith, KwValues, KwTable:
		return true
	}
	return false
}
