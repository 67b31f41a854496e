package analyze

import "github.com/grantsql/grant/dialect"

// exprAt describes the expression in tokens [a, b): its span and text, and
// its value or column when it is just a literal, placeholder or column.
func (p *parser) exprAt(a, b int) Expr {
	sp := p.span(a, b)
	e := Expr{Span: sp, Text: p.src[sp.Start:sp.End]}
	if v, ok := p.valueIn(a, b); ok {
		e.Value = p.newValue(v)
	} else if c, j := p.colAt(a, b); c != nil && j == b {
		e.Column = c
	}
	return e
}

// newValue and newColumn allocate from small slabs: an analysis holds a
// handful of each, and one allocation per eight saves most of the cost.
func (p *parser) newValue(v Value) *Value {
	if len(p.vals) == cap(p.vals) {
		p.vals = make([]Value, 0, 8)
	}
	p.vals = append(p.vals, v)
	return &p.vals[len(p.vals)-1]
}

func (p *parser) newColumn(c ColumnRef) *ColumnRef {
	if len(p.cols) == cap(p.cols) {
		p.cols = make([]ColumnRef, 0, 8)
	}
	p.cols = append(p.cols, c)
	return &p.cols[len(p.cols)-1]
}

// valueIn recognises tokens [a, b) as a literal or placeholder, with an
// optional sign (numbers) and an optional PostgreSQL ::type cast.
func (p *parser) valueIn(a, b int) (Value, bool) {
	var v Value
	if b <= a {
		return v, false
	}
	sign := ""
	if b-a >= 2 && (p.op(a, "-") || p.op(a, "+")) && p.kind(a+1) == TokNumber {
		if p.op(a, "-") {
			sign = "-"
		}
		a++
	}
	if p.d == dialect.MySQL && a+1 < b && p.kind(a) == TokIdent && p.src[p.t[a].Start] == '_' && p.kind(a+1) == TokString {
		a++ // a character set introducer: _utf8mb4'text'
	}
	t := p.t[a]
	switch t.Kind {
	case TokNumber:
		text, _, _ := t.Number(p.src)
		v = Value{Kind: ValueNumber, Text: sign + text}
	case TokString:
		v = Value{Kind: ValueString, Text: t.StringValue(p.src)}
	case TokPlaceholder:
		v = Value{Kind: ValuePlaceholder, Ordinal: int(t.Ord), Name: t.PlaceholderName(p.src)}
	case TokIdent:
		switch t.Kw {
		case KwNull:
			v.Kind = ValueNull
		case KwTrue, KwFalse:
			v = Value{Kind: ValueBool, Text: t.Kw.String()}
		case KwDefault:
			v.Kind = ValueDefault
		default:
			return v, false
		}
	default:
		return v, false
	}
	a++
	if a == b {
		return v, true
	}
	if p.d == dialect.Postgres && p.op(a, "::") && a+1 < b && p.isType(a+1, b) {
		v.Cast = p.text(a+1, b)
		return v, true
	}
	return Value{}, false
}

// isType reports whether tokens [a, b) look like a type name.
func (p *parser) isType(a, b int) bool {
	for i := a; i < b; i++ {
		switch p.kind(i) {
		case TokIdent, TokQuotedIdent, TokNumber, TokPunct:
			if p.punct(i, ',') || p.punct(i, ';') {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// colAt reads a column reference starting at token i, looking no further
// than token b: name [. name [. name]] not followed by '(' or '.', and not a
// typed literal. It returns nil when there is none, else the reference and
// the index after it.
func (p *parser) colAt(i, b int) (*ColumnRef, int) {
	if i >= b || !p.isAnyWord(i) {
		return nil, i
	}
	if t := p.t[i]; t.Kind == TokIdent {
		switch t.Kw {
		case KwNull, KwTrue, KwFalse, KwDefault, KwUnknown:
			return nil, i
		}
		if t.Kw.Reserved() || isCurrentFunc(t.Text(p.src)) {
			return nil, i
		}
	}
	a := i
	for n := 0; n < 2 && i+2 < b && p.punct(i+1, '.') && p.isAnyWord(i+2); n++ {
		i += 2
	}
	if i+1 < b && (p.punct(i+1, '(') || p.punct(i+1, '.') || (p.kind(i+1) == TokString && p.kind(a) == TokIdent)) {
		return nil, a
	}
	c := ColumnRef{Name: p.name(i), Span: p.span(a, i+1)}
	if i-a >= 2 {
		c.Table = p.name(i - 2)
	}
	if i-a >= 4 {
		c.Schema = p.name(i - 4)
	}
	return p.newColumn(c), i + 1
}
