package planner

import (
	"strconv"
	"strings"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/merge"
)

// refusedAlready marks a parse stopped by a refusal already recorded.
const refusedAlready = "\x00"

func (p *exprParser) primary() (*merge.Expr, bool) {
	if p.i >= len(p.toks) {
		p.fail("an incomplete expression")
		return nil, false
	}
	a := p.i
	tk := p.toks[p.i]
	src := p.src
	switch {
	case p.at("(", 0):
		p.i++
		e, b := p.or()
		if p.why != "" {
			return nil, b
		}
		if !p.at(")", 0) {
			p.fail(p.rest() + " in parentheses")
			return nil, b
		}
		p.i++
		e.Text = src[tk.Start:p.toks[p.i-1].End]
		return e, b
	case tk.Kind == analyze.TokNumber:
		p.i++
		return p.number(tk), false
	case tk.Kind == analyze.TokPlaceholder:
		p.i++
		return p.placeholder(tk), false
	case tk.Kind == analyze.TokIdent && tk.Kw == analyze.KwNull:
		p.i++
		return &merge.Expr{Op: merge.OpValue, Text: "NULL"}, false
	case tk.Kind == analyze.TokString:
		p.fail("the text literal " + tk.Text(src) + " (text compares by the column's collation, which the merge does not apply here)")
	case (tk.Kind == analyze.TokIdent || tk.Kind == analyze.TokQuotedIdent) && p.i+1 < len(p.toks) && p.toks[p.i+1].IsPunct(src, '('):
		return p.call(), false
	case tk.Kind == analyze.TokIdent && notOperand[tk.Kw]:
		p.fail(strings.ToUpper(tk.Text(src)))
	case tk.Kind == analyze.TokIdent || tk.Kind == analyze.TokQuotedIdent:
		return p.name(a)
	default:
		p.fail(tk.Text(src))
	}
	return nil, false
}

// number is a numeric literal as the dialect reads it: an integer, or a
// decimal (a float on SQLite); exponents and hexadecimal are refused.
func (p *exprParser) number(tk analyze.Token) *merge.Expr {
	text, n, isInt := tk.Number(p.src)
	low := strings.ToLower(text)
	switch {
	case strings.HasPrefix(low, "0x") || strings.HasPrefix(low, "0b") || strings.HasPrefix(low, "0o") || strings.ContainsAny(low, "e"):
		p.fail("the literal " + text + " (only decimal integers and decimals are computed after the merge)")
		return nil
	case isInt:
		return &merge.Expr{Op: merge.OpValue, Value: n, Bits: p.intBits(n), Text: text}
	case p.w.s.p.d == dialect.SQLite:
		f, err := strconv.ParseFloat(text, 64)
		if err != nil || strings.Count(text, ".") == 0 {
			p.fail("the literal " + text)
			return nil
		}
		return &merge.Expr{Op: merge.OpValue, Value: f, Text: text}
	}
	return &merge.Expr{Op: merge.OpValue, Value: text, Decimal: true, Text: text}
}

// placeholder is a bind parameter with its argument's value resolved into
// the plan: an integer or a float (NULL too).
func (p *exprParser) placeholder(tk analyze.Token) *merge.Expr {
	v := &analyze.Value{Kind: analyze.ValuePlaceholder, Ordinal: int(tk.Ord), Name: tk.PlaceholderName(p.src)}
	arg, ok := argFor(p.w.s.args, v)
	text := tk.Text(p.src)
	if !ok {
		p.fail("the placeholder " + text + ", which has no argument")
		return nil
	}
	e := &merge.Expr{Op: merge.OpValue, Text: text}
	switch x := arg.(type) {
	case nil:
	case int64:
		e.Value = x
	case int:
		e.Value = int64(x)
	case int32:
		e.Value = int64(x)
	case float64:
		if p.w.s.p.d == dialect.Postgres {
			// PostgreSQL gives the parameter the other operand's type.
			p.fail("the placeholder " + text + " with a float argument (PostgreSQL converts it to the other operand's type)")
			return nil
		}
		e.Value = x
	default:
		p.fail("the placeholder " + text + " with a " + typeName(arg) + " argument (only integers and floats are computed after the merge)")
		return nil
	}
	return e
}

func typeName(v any) string {
	switch v.(type) {
	case string:
		return "text"
	case []byte:
		return "bytes"
	case bool:
		return "boolean"
	}
	return "non-numeric"
}

// call is an aggregate call COUNT, SUM, MIN, MAX or AVG, read from a
// column of the shard rows; any other function is refused.
func (p *exprParser) call() *merge.Expr {
	a := p.i
	name := strings.ToLower(p.toks[a].Ident(p.src))
	depth := 0
	end := -1
	for j := a + 1; j < len(p.toks); j++ {
		switch {
		case p.toks[j].IsPunct(p.src, '('):
			depth++
		case p.toks[j].IsPunct(p.src, ')'):
			depth--
		}
		if depth == 0 {
			end = j
			break
		}
	}
	if end < 0 {
		p.fail("an unclosed call of " + name)
		return nil
	}
	p.i = end + 1
	sp := analyze.Span{Start: int(p.toks[a].Start), End: int(p.toks[end].End)}
	text := p.src[sp.Start:sp.End]
	if p.at("", analyze.KwOver) || p.at("", analyze.KwFilter) || p.at("", analyze.KwWithin) {
		p.fail(text + " " + strings.ToUpper(p.rest()))
		return nil
	}
	switch name {
	case "count", "sum", "min", "max", "avg":
	default:
		p.fail("the function " + name + "(...) (only COUNT, SUM, MIN, MAX and AVG are computed after the merge)")
		return nil
	}
	col, why := p.w.aggColumn(p.t, sp)
	if why != "" {
		p.fail(why)
		return nil
	}
	return &merge.Expr{Op: merge.OpColumn, Column: col, Text: text}
}

// aggColumn returns the column of the aggregate call at sp: a selected
// aggregate of the same text, or a new hidden column.
func (w *selectRewrite) aggColumn(t *table, sp analyze.Span) (int, string) {
	text := w.s.st.SQL[sp.Start:sp.End]
	for i := range w.q.Items {
		if it := &w.q.Items[i]; it.Kind == analyze.ItemAggregate && it.Expr.Text == text && !w.star {
			return i, ""
		}
	}
	if c, ok := w.exprAggs[text]; ok {
		return c, ""
	}
	sub := analyze.Analyze(w.s.p.d, exprPrefix+text)
	if sub.Select == nil || len(sub.Select.Items) != 1 || sub.Select.Items[0].Kind != analyze.ItemAggregate {
		return 0, "the call " + text + " (an aggregate of an aggregate, or not one the merge combines)"
	}
	idx := w.hide(span(sp))
	if !w.addAggregate(t, sub.Select.Items[0].Agg, idx, sp.Start-len(exprPrefix)) {
		return 0, refusedAlready
	}
	if w.exprAggs == nil {
		w.exprAggs = map[string]int{}
	}
	w.exprAggs[text] = idx
	return idx, ""
}

// notOperand are the keywords that begin an operand the merge does not
// evaluate (a subquery, a cast, CASE, a boolean literal, ...).
var notOperand = map[analyze.Keyword]bool{
	analyze.KwCase: true, analyze.KwTrue: true, analyze.KwFalse: true, analyze.KwSelect: true,
	analyze.KwExists: true, analyze.KwCast: true, analyze.KwInterval: true, analyze.KwArray: true,
	analyze.KwRow: true, analyze.KwDistinct: true, analyze.KwAll: true, analyze.KwAny: true,
	analyze.KwSome: true, analyze.KwValues: true, analyze.KwWith: true,
}
