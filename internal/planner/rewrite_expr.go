package planner

import (
	"strconv"
	"strings"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/merge"
)

// Expressions over aggregates and HAVING across shards, evaluated once per
// merged group (merge.Spec.Computed and Having): the shards return each
// aggregate an expression needs as a column (a hidden one when it is not
// selected), and the expression's text becomes a merge.Expr over those
// columns, the group columns, literals and the arguments of placeholders.
// The subset: + - * / % (DIV and MOD on MySQL), unary minus, = <> != < <=
// > >=, AND, OR, NOT, IS [NOT] NULL and parentheses over numbers. Anything
// else is refused naming the construct: text literals (their comparison
// depends on the collation), other functions, CASE, BETWEEN, IN, LIKE.

// exprParser parses the tokens of one expression of the statement.
type exprParser struct {
	w      *selectRewrite
	t      *table
	src    string
	toks   []analyze.Token
	i      int
	having bool   // HAVING may name select aliases on MySQL and SQLite
	why    string // the first refusal
}

// parseExpr parses the expression at sp into a merge.Expr; "" or the reason
// it is refused. boolean reports a condition (comparison, logic, IS NULL).
func (w *selectRewrite) parseExpr(t *table, sp analyze.Span, having bool) (e *merge.Expr, boolean bool, why string) {
	p := &exprParser{w: w, t: t, src: w.s.st.SQL, having: having}
	var lx analyze.Lexer
	lx.Reset(w.s.p.d, p.src)
	for {
		tk := lx.Next()
		if tk.Kind == analyze.TokEOF || int(tk.Start) >= sp.End {
			break
		}
		if int(tk.Start) >= sp.Start && tk.Kind != analyze.TokComment {
			p.toks = append(p.toks, tk)
		}
	}
	e, boolean = p.or()
	if p.why == "" && p.i < len(p.toks) {
		p.fail(p.text(p.i))
	}
	return e, boolean, p.why
}

func (p *exprParser) fail(what string) {
	if p.why == "" {
		p.why = what
	}
}

func (p *exprParser) text(i int) string { return p.toks[i].Text(p.src) }

// at reports whether the next token is the operator or punctuation s, or
// the keyword k (when s is "").
func (p *exprParser) at(s string, k analyze.Keyword) bool {
	if p.i >= len(p.toks) {
		return false
	}
	tk := p.toks[p.i]
	if s == "" {
		return tk.Kind == analyze.TokIdent && tk.Kw == k
	}
	return (tk.Kind == analyze.TokOperator || tk.Kind == analyze.TokPunct) && p.text(p.i) == s
}

func (p *exprParser) node(op merge.Op, a, b int, args ...*merge.Expr) *merge.Expr {
	start, end := int(p.toks[a].Start), int(p.toks[b-1].End)
	e := &merge.Expr{Op: op, Args: args, Text: p.src[start:end]}
	if p.w.s.p.d == dialect.MySQL && op != merge.OpIsNull && op != merge.OpIsNotNull {
		for _, x := range args {
			if x != nil && (x.Op == merge.OpDiv || p.w.isAvg(x)) {
				p.fail(x.Text + " inside " + e.Text + " on MySQL (MySQL computes AVG and / with more digits than it returns, and uses those)")
			}
		}
	}
	return e
}

// isAvg reports whether e reads the merged value of an AVG.
func (w *selectRewrite) isAvg(e *merge.Expr) bool {
	if e.Op != merge.OpColumn {
		return false
	}
	for _, a := range w.spec.Aggregates {
		if a.Func == merge.Avg && a.Column == e.Column {
			return true
		}
	}
	return false
}

func (p *exprParser) or() (*merge.Expr, bool) {
	return p.logic(merge.OpOr, analyze.KwOr, p.and)
}

func (p *exprParser) and() (*merge.Expr, bool) {
	return p.logic(merge.OpAnd, analyze.KwAnd, p.not)
}

func (p *exprParser) logic(op merge.Op, kw analyze.Keyword, next func() (*merge.Expr, bool)) (*merge.Expr, bool) {
	a := p.i
	e, b := next()
	if !p.at("", kw) {
		return e, b
	}
	args := []*merge.Expr{e}
	for p.why == "" && p.at("", kw) {
		if !b {
			p.fail(strings.ToUpper(string(op)) + " of " + e.Text + ", which is not a condition")
		}
		p.i++
		e, b = next()
		args = append(args, e)
	}
	if !b {
		p.fail(strings.ToUpper(string(op)) + " of " + e.Text + ", which is not a condition")
	}
	if p.why != "" {
		return nil, true
	}
	return p.node(op, a, p.i, args...), true
}

func (p *exprParser) not() (*merge.Expr, bool) {
	a := p.i
	if !p.at("", analyze.KwNot) {
		return p.pred()
	}
	p.i++
	e, b := p.not()
	if p.why != "" {
		return nil, true
	}
	if !b {
		p.fail("NOT " + e.Text + ", which is not a condition")
	}
	return p.node(merge.OpNot, a, p.i, e), true
}

var compareOps = map[string]merge.Op{"=": merge.OpEq, "<>": merge.OpNe, "!=": merge.OpNe, "<": merge.OpLt, "<=": merge.OpLe, ">": merge.OpGt, ">=": merge.OpGe}

// pred is a comparison or an IS [NOT] NULL test (not both without
// parentheses: the dialects rank them differently).
func (p *exprParser) pred() (*merge.Expr, bool) {
	a := p.i
	e, b := p.add()
	if p.why != "" {
		return nil, b
	}
	if p.i < len(p.toks) && p.toks[p.i].Kind == analyze.TokOperator {
		if op, ok := compareOps[p.text(p.i)]; ok {
			if b {
				p.fail("a comparison of the condition " + e.Text)
			}
			p.i++
			r, rb := p.add()
			if rb {
				p.fail("a comparison with the condition " + r.Text)
			}
			if p.why != "" {
				return nil, true
			}
			e, b = p.node(op, a, p.i, e, r), true
			if p.i < len(p.toks) && (p.at("", analyze.KwIs) || p.toks[p.i].Kind == analyze.TokOperator && compareOps[p.text(p.i)] != "") {
				p.fail(e.Text + " " + p.text(p.i) + " (chained comparisons or IS after a comparison, without parentheses)")
			}
			return e, b
		}
	}
	if p.at("", analyze.KwIs) {
		p.i++
		op := merge.OpIsNull
		if p.at("", analyze.KwNot) {
			p.i++
			op = merge.OpIsNotNull
		}
		if !p.at("", analyze.KwNull) {
			p.fail("IS " + p.rest())
			return nil, true
		}
		p.i++
		return p.node(op, a, p.i, e), true
	}
	return e, b
}

// rest is the text from the next token on, for messages.
func (p *exprParser) rest() string {
	if p.i >= len(p.toks) {
		return "(the end)"
	}
	return p.text(p.i)
}

func (p *exprParser) add() (*merge.Expr, bool) {
	return p.binary(map[string]merge.Op{"+": merge.OpAdd, "-": merge.OpSub}, nil, p.mul)
}

func (p *exprParser) mul() (*merge.Expr, bool) {
	kws := map[analyze.Keyword]merge.Op{}
	if p.w.s.p.d == dialect.MySQL {
		kws[analyze.KwDiv], kws[analyze.KwMod] = merge.OpIntDiv, merge.OpMod
	}
	return p.binary(map[string]merge.Op{"*": merge.OpMul, "/": merge.OpDiv, "%": merge.OpMod}, kws, p.unary)
}

func (p *exprParser) binary(ops map[string]merge.Op, kws map[analyze.Keyword]merge.Op, next func() (*merge.Expr, bool)) (*merge.Expr, bool) {
	a := p.i
	e, b := next()
	for p.why == "" && p.i < len(p.toks) {
		tk := p.toks[p.i]
		op, ok := ops[p.text(p.i)]
		if tk.Kind != analyze.TokOperator || !ok {
			op, ok = kws[tk.Kw]
			ok = ok && tk.Kind == analyze.TokIdent
		}
		if !ok {
			break
		}
		p.i++
		r, rb := next()
		if p.why != "" {
			break
		}
		if b || rb {
			p.fail("arithmetic on a condition in " + p.src[p.toks[a].Start:p.toks[p.i-1].End])
			break
		}
		e = p.node(op, a, p.i, e, r)
	}
	return e, b
}

func (p *exprParser) unary() (*merge.Expr, bool) {
	a := p.i
	switch {
	case p.at("-", 0):
		p.i++
		e, b := p.unary()
		if p.why != "" {
			return nil, false
		}
		if b {
			p.fail("arithmetic on the condition " + e.Text)
		}
		if n, ok := e.Value.(int64); ok && e.Op == merge.OpValue && !e.Decimal && n > -1<<63 {
			e.Value, e.Text = -n, p.src[p.toks[a].Start:p.toks[p.i-1].End]
			return e, false
		}
		return p.node(merge.OpNeg, a, p.i, e), false
	case p.at("+", 0):
		p.i++
		return p.unary()
	}
	return p.primary()
}

// intBits is the PostgreSQL width of an integer literal.
func (p *exprParser) intBits(n int64) int {
	if p.w.s.p.d == dialect.Postgres && n >= -1<<31 && n < 1<<31 {
		return 32
	}
	return 64
}

func itoa(n int) string { return strconv.Itoa(n) }
