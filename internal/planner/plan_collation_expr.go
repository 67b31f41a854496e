package planner

import (
	"strings"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/analyze"
)

// exprOrder is what the planner knows of how the values of one expression
// compare: its order, or that it cannot tell (known false).
type exprOrder struct {
	TextOrder
	known bool
	what  string // the expression, for messages
}

// orderOfText returns how the server compares the values of the
// expression text (of the top-level query), by the rules of the dialect:
//
//   - expr COLLATE name: the named collation;
//   - MIN(x), MAX(x): x's; COUNT, SUM, AVG: not text;
//   - a column of a configured table: the catalog's (a column the catalog
//     does not know takes the default);
//   - SQLite: +col and CAST(col AS ...) keep col's collation, any other
//     expression is BINARY;
//   - PostgreSQL and MySQL: the collation of the text columns it reads
//     (a function of text keeps its argument's collation), else the
//     default; an inner COLLATE decides. Two different collations leave
//     the order unknown (PostgreSQL refuses such an ORDER BY too).
func (s *planState) orderOfText(text string, cat Catalog) exprOrder {
	out := exprOrder{what: text}
	toks := exprTokens(s.p.d, text)
	if n := len(toks); n >= 2 && toks[n-2].Kw == analyze.KwCollate {
		out.TextOrder, out.known = cat.Collation(collationName(s.p.d, text, toks[n-1]))
		if !out.known {
			out.Refuse = "the collation " + toks[n-1].Text(text) + " is not in the catalog"
			out.known = true
		}
		return out
	}
	if len(toks) >= 3 && toks[1].IsPunct(text, '(') && toks[len(toks)-1].IsPunct(text, ')') {
		switch strings.ToLower(toks[0].Text(text)) {
		case "min", "max":
			inner := strings.TrimSpace(text[toks[1].End:toks[len(toks)-1].Start])
			if !strings.HasPrefix(strings.ToLower(inner), "distinct") {
				o := s.orderOfText(inner, cat)
				o.what = text
				return o
			}
		case "count", "sum", "avg":
			return exprOrder{known: true, what: text}
		}
	}
	if col := s.textColumn(text); col != nil {
		if out.TextOrder, out.known = s.columnOrder(col, cat); !out.known {
			out.TextOrder, out.known = cat.Default(), true
		}
		return out
	}
	if s.p.d == dialect.SQLite {
		return s.sqliteOrder(text, toks, cat)
	}
	return s.derivedOrder(text, toks, cat)
}

// sqliteOrder is SQLite's collation of an expression that is not a bare
// column: +col and CAST(col AS type) keep col's, an inner COLLATE is not
// followed, anything else is BINARY.
func (s *planState) sqliteOrder(text string, toks []analyze.Token, cat Catalog) exprOrder {
	out := exprOrder{what: text, known: true}
	inner := ""
	switch {
	case len(toks) == 2 && toks[0].Is(text, "+"):
		inner = text[toks[1].Start:toks[1].End]
	case len(toks) >= 6 && strings.EqualFold(toks[0].Text(text), "cast") && toks[1].IsPunct(text, '(') && toks[3].Kw == analyze.KwAs:
		inner = toks[2].Text(text)
	}
	if col := s.textColumn(inner); inner != "" && col != nil {
		if o, ok := s.columnOrder(col, cat); ok {
			out.TextOrder = o
			return out
		}
	}
	for _, t := range toks {
		if t.Kw == analyze.KwCollate {
			return exprOrder{what: text}
		}
	}
	out.TextOrder = cat.Default()
	return out
}

// derivedOrder is the collation PostgreSQL and MySQL derive for an
// expression from the columns it reads.
func (s *planState) derivedOrder(text string, toks []analyze.Token, cat Catalog) exprOrder {
	var found []TextOrder
	add := func(o TextOrder) {
		for _, f := range found {
			if f.Name == o.Name {
				return
			}
		}
		found = append(found, o)
	}
	var explicit []TextOrder
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch {
		case t.Kw == analyze.KwCollate && i+1 < len(toks):
			o, ok := cat.Collation(collationName(s.p.d, text, toks[i+1]))
			if !ok {
				return exprOrder{what: text}
			}
			explicit = append(explicit, o)
			i++
			continue
		case t.Kind != analyze.TokIdent && t.Kind != analyze.TokQuotedIdent:
			continue
		case i > 0 && (toks[i-1].Is(text, "::") || toks[i-1].Kw == analyze.KwAs):
			continue // a type name
		}
		j := i
		for j+2 < len(toks) && toks[j+1].IsPunct(text, '.') && (toks[j+2].Kind == analyze.TokIdent || toks[j+2].Kind == analyze.TokQuotedIdent) {
			j += 2
		}
		if j+1 < len(toks) && toks[j+1].IsPunct(text, '(') {
			i = j
			continue // a function
		}
		col := s.textColumn(text[t.Start:toks[j].End])
		i = j
		if col == nil {
			continue
		}
		// A name the catalog does not know is a keyword (CASE, NULL,
		// TRUE, ...) or a column it cannot see, which takes the default.
		if o, ok := s.columnOrder(col, cat); ok && o.Text {
			o.Index = false // an expression of an ENUM is text
			add(o)
		}
	}
	switch {
	case len(explicit) > 0:
		if len(explicit) == 1 {
			return exprOrder{TextOrder: explicit[0], known: true, what: text}
		}
		return exprOrder{what: text}
	case len(found) == 1:
		return exprOrder{TextOrder: found[0], known: true, what: text}
	case len(found) == 0:
		return exprOrder{TextOrder: cat.Default(), known: true, what: text}
	}
	return exprOrder{what: text}
}

// columnOrder returns the catalog's order of a column of the top-level
// query: ok is false when no configured table of the query has it, or more
// than one may.
func (s *planState) columnOrder(col *analyze.ColumnRef, cat Catalog) (TextOrder, bool) {
	if s.top < 0 {
		return TextOrder{}, false
	}
	blk := &s.blocks[s.top]
	var out TextOrder
	n := 0
	for i := blk.first; i < blk.end; i++ {
		in := &s.insts[i]
		if col.Table != "" && !s.qualifies(in.ref, col) {
			continue
		}
		if in.t == nil {
			if col.Table != "" {
				return TextOrder{}, false
			}
			continue
		}
		if o, ok := cat.Column(in.t.schema, in.t.name, col.Name); ok {
			out, n = o, n+1
		}
	}
	return out, n == 1
}

// exprTokens returns the tokens of text, without comments.
func exprTokens(d dialect.Dialect, text string) []analyze.Token {
	var lx analyze.Lexer
	lx.Reset(d, text)
	var out []analyze.Token
	for t := lx.Next(); t.Kind != analyze.TokEOF; t = lx.Next() {
		if t.Kind != analyze.TokComment {
			out = append(out, t)
		}
	}
	return out
}

// collationName returns the name a COLLATE clause gives, as the catalog
// knows it: unquoted, folded to lower case unless quoted on PostgreSQL.
func collationName(d dialect.Dialect, text string, t analyze.Token) string {
	if t.Kind == analyze.TokString { // MySQL accepts COLLATE 'name'
		return t.StringValue(text)
	}
	return t.Name(text, d == dialect.Postgres)
}
