package analyze

import (
	"math"
	"sync"

	"github.com/grantsql/grant/dialect"
)

// tokBuf is a pooled token buffer: Analyze keeps only byte spans, never
// tokens, so the buffer goes back to the pool.
type tokBuf struct{ toks []Token }

var tokPool = sync.Pool{New: func() any { return &tokBuf{toks: make([]Token, 0, 128)} }}

// maxPooledTokens bounds the buffers kept in the pool.
const maxPooledTokens = 4096

// Analyze analyzes sql as dialect d. It never fails and never panics: text
// it does not understand is classified as a write (Read false, with a
// Reason) and marked not Full. The result is fresh and owned by the caller;
// see Cache for the shared, cached form.
func Analyze(d dialect.Dialect, sql string) *Statement { return AnalyzeWith(d, sql, nil) }

// AnalyzeWith is Analyze with a cluster's options (nil: none).
func AnalyzeWith(d dialect.Dialect, sql string, o *Options) *Statement {
	st := &Statement{Dialect: d, SQL: sql}
	if !d.Valid() {
		st.Reason, st.NotFull = "unknown dialect", "unknown dialect"
		st.Effects = effects(st, &class{})
		return st
	}
	if len(sql) >= math.MaxInt32 {
		st.Reason, st.NotFull = "statement too long", "statement too long"
		st.Effects = effects(st, &class{})
		return st
	}
	buf := tokPool.Get().(*tokBuf)
	toks, lx := lexAll(d, sql, buf.toks[:0])
	analyzeTokens(st, toks, &lx, o)
	if cap(toks) <= maxPooledTokens {
		buf.toks = toks[:0]
		tokPool.Put(buf)
	}
	return st
}

// lexAll appends the tokens of sql, comments left out, to toks.
func lexAll(d dialect.Dialect, sql string, toks []Token) ([]Token, Lexer) {
	var lx Lexer
	lx.Reset(d, sql)
	for {
		t := lx.Next()
		if t.Kind == TokEOF {
			return toks, lx
		}
		if t.Kind != TokComment {
			toks = append(toks, t)
		}
	}
}

// analyzeTokens fills st from the statement's tokens.
func analyzeTokens(st *Statement, toks []Token, lx *Lexer, o *Options) {
	d, src := st.Dialect, st.SQL
	var sum class // what any part does, for the effects
	defer func() { st.Effects = effects(st, &sum) }()
	st.Params = lx.MaxOrdinal()
	for _, t := range toks {
		if t.Kind == TokPlaceholder && t.PlaceholderName(src) != "" {
			st.Named = true
			break
		}
	}
	// Split at every ';' into statements; empty ones are dropped.
	var buf [4][]Token
	parts := buf[:0]
	start := 0
	for i, t := range toks {
		if t.IsPunct(src, ';') {
			if i > start {
				parts = append(parts, toks[start:i])
			}
			start = i + 1
		}
	}
	if start < len(toks) {
		parts = append(parts, toks[start:])
	}
	if len(parts) == 0 {
		st.Kind = KindEmpty
		st.Reason, st.NotFull = "empty statement", "empty statement"
		return
	}
	st.Read = true
	for n, part := range parts {
		c := classify(d, src, part)
		scanPart(d, src, part, &c, st, o)
		if n == 0 {
			st.Kind, st.Tx, st.Inner = c.kind, c.tx, c.inner
		}
		if !c.read && st.Read {
			st.Read, st.Reason = false, c.reason
		}
		sum.changes = sum.changes || c.changes
		sum.results = sum.results || c.results
		sum.reads = sum.reads || c.reads
		sum.sideEffects = sum.sideEffects || c.sideEffects
		sum.unknownCalls = sum.unknownCalls || c.unknownCalls
		if c.pins && !st.Pins {
			st.Pins, st.PinReason = true, c.pinReason
		}
		if len(parts) > 1 {
			st.Kinds = append(st.Kinds, c.kind)
		}
		if n == 0 {
			st.Full = c.full
		}
	}
	st.Multi = len(parts) > 1
	if lx.Bad > 0 {
		const bad = "unterminated literal or comment, or invalid character"
		if st.Read {
			st.Read, st.Reason = false, bad
		}
		st.Full, st.NotFull = false, bad
		st.Tables = heuristicTables(d, src, toks, nil)
		return
	}
	switch {
	case st.Multi:
		st.Full, st.NotFull = false, "more than one statement"
	case lx.Exec:
		st.Full, st.NotFull = false, "MySQL executable comment"
	case st.Kind.IsDML():
		parse(st, parts[0])
	case !st.Full && st.Kind.IsTxControl():
		st.NotFull = "transaction statement not fully understood"
	case !st.Full:
		st.NotFull = "no structural parse for " + st.Kind.String() + " statements"
	}
	if !st.Full {
		st.Tables = heuristicTables(d, src, toks, st.Tables)
	}
}
