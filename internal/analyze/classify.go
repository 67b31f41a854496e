package analyze

import (
	"strings"

	"github.com/grantsql/grant/dialect"
)

// view is a statement's tokens with helpers that read them.
type view struct {
	d     dialect.Dialect
	src   string
	t     []Token
	depth int // classification nesting (WITH, EXPLAIN)
}

// maxClassifyDepth bounds EXPLAIN EXPLAIN .. and WITH .. WITH .. nesting.
const maxClassifyDepth = 20

// kw returns the keyword of token i, or KwNone.
func (v *view) kw(i int) Keyword {
	if i >= 0 && i < len(v.t) && v.t[i].Kind == TokIdent {
		return v.t[i].Kw
	}
	return KwNone
}

// punct reports whether token i is the punctuation c.
func (v *view) punct(i int, c byte) bool {
	return i >= 0 && i < len(v.t) && v.t[i].IsPunct(v.src, c)
}

// op reports whether token i is the operator s.
func (v *view) op(i int, s string) bool {
	return i >= 0 && i < len(v.t) && v.t[i].Kind == TokOperator && v.t[i].Text(v.src) == s
}

// word reports whether token i is the bare word w (any case).
func (v *view) word(i int, w string) bool {
	return i >= 0 && i < len(v.t) && v.t[i].Kind == TokIdent && strings.EqualFold(v.t[i].Text(v.src), w)
}

// kind returns the token kind of token i, TokEOF past the end.
func (v *view) kind(i int) TokenKind {
	if i >= 0 && i < len(v.t) {
		return v.t[i].Kind
	}
	return TokEOF
}

// class is the classification of one statement.
type class struct {
	kind    Kind
	read    bool
	changes bool // found to change data whatever the kind (see Effects)
	results bool // leaves per-session results (see LeavesResults)
	reads   bool // reads per-session results (see ReadsResults)
	setFor  int  // the FOR of MariaDB's SET STATEMENT .. FOR, 0 if none
	// sideEffects: calls a function that changes server or session state
	// (a lock, a setting); unknownCalls: calls a function whose effects
	// are not known (see Effects).
	sideEffects, unknownCalls bool
	planOnly                  bool // EXPLAIN without ANALYZE: nothing in the text runs
	reason                    string
	pins                      bool
	pinReason                 string
	tx                        *TxInfo
	inner                     Kind
	full                      bool // the whole statement was understood (tx statements)
}

// change marks c as changing data (and so needing the primary).
func (c *class) change(reason string) {
	c.changes = true
	c.write(reason)
}

// write marks c as needing the primary, keeping the first reason.
func (c *class) write(reason string) {
	c.read = false
	if c.reason == "" {
		c.reason = reason
	}
}

// pin marks c as pinning the session (and so needing the primary).
func (c *class) pin(reason string) {
	if !c.pins {
		c.pins, c.pinReason = true, reason
	}
	c.write("pins the session: " + reason)
}

func reading(k Kind) class { return class{kind: k, read: true} }

func writing(k Kind, reason string) class { return class{kind: k, reason: reason} }

func pinning(k Kind, reason string) class {
	c := class{kind: k}
	c.pin(reason)
	return c
}

// classify classifies one statement (no ';' inside) by its leading words.
func classify(d dialect.Dialect, src string, toks []Token) class {
	return classifyAt(&view{d: d, src: src, t: toks})
}

// inner classifies the statement that starts at token i of v.
func (v *view) inner(i int) class {
	if v.depth >= maxClassifyDepth {
		return writing(KindUnknown, "nesting too deep")
	}
	return classifyAt(&view{d: v.d, src: v.src, t: v.t[i:], depth: v.depth + 1})
}

func classifyAt(v *view) class {
	d := v.d
	i := 0
	for v.punct(i, '(') {
		i++
	}
	k := v.kw(i)
	if i > 0 && k != KwSelect && k != KwWith && k != KwValues && k != KwTable {
		return writing(KindUnknown, "unknown statement")
	}
	switch k {
	case KwSelect, KwValues, KwTable:
		return reading(KindSelect)
	case KwWith:
		return classifyWith(v, i)
	case KwInsert:
		return writing(KindInsert, "insert statement")
	case KwReplace:
		if d != dialect.Postgres {
			return writing(KindInsert, "replace statement")
		}
	case KwUpdate:
		return writing(KindUpdate, "update statement")
	case KwDelete:
		return writing(KindDelete, "delete statement")
	case KwMerge:
		return writing(KindMerge, "merge statement")
	case KwCreate:
		return classifyCreate(v, i)
	case KwDrop:
		if d == dialect.MySQL && v.kw(i+1) == KwPrepare {
			return pinning(KindDeallocate, "prepared statement")
		}
		if v.kw(i+1) == KwTemporary {
			return pinning(KindDDL, "temporary table")
		}
		return writing(KindDDL, "ddl statement")
	case KwAlter, KwTruncate, KwRename, KwComment, KwGrant, KwRevoke:
		return writing(KindDDL, "ddl statement")
	case KwBegin, KwStart, KwCommit, KwEnd, KwRollback, KwAbort, KwSavepoint, KwRelease, KwXa:
		return classifyTx(v, i)
	case KwSet:
		return classifySet(v, i)
	case KwShow, KwDescribe, KwDesc:
		return reading(KindShow)
	case KwExplain:
		return classifyExplain(v, i)
	case KwPragma:
		if d == dialect.SQLite {
			return classifyPragma(v, i)
		}
	default:
		return classifySession(v, i, k)
	}
	return writing(KindUnknown, "unknown statement")
}

// classifyWith finds the statement after the CTE list: its kind is the
// statement's kind. Data-modifying CTE bodies are caught by scanPart.
func classifyWith(v *view, i int) class {
	bad := writing(KindUnknown, "unknown statement after WITH")
	i++
	if v.kw(i) == KwRecursive {
		i++
	}
	for {
		// name [(cols)] AS [[NOT] MATERIALIZED] ( body ) [SEARCH .. | CYCLE ..]
		if k := v.kind(i); k != TokIdent && k != TokQuotedIdent {
			return bad
		}
		i++
		if v.punct(i, '(') {
			i = skipGroup(v, i)
		}
		if v.kw(i) != KwAs {
			return bad
		}
		i++
		if v.kw(i) == KwNot {
			i++
		}
		if v.kw(i) == KwMaterialized {
			i++
		}
		if !v.punct(i, '(') {
			return bad
		}
		i = skipGroup(v, i)
		if v.kw(i) == KwSearch || v.kw(i) == KwCycle {
			for i < len(v.t) && !isStatementStart(v.kw(i)) && !v.punct(i, ',') {
				if v.punct(i, '(') {
					i = skipGroup(v, i)
				} else {
					i++
				}
			}
		}
		if !v.punct(i, ',') {
			break
		}
		i++
	}
	if i >= len(v.t) {
		return bad
	}
	c := v.inner(i)
	if c.kind == KindUnknown {
		return bad
	}
	return c
}

// isStatementStart reports whether k can start the statement after a WITH.
func isStatementStart(k Keyword) bool {
	switch k {
	case KwSelect, KwInsert, KwUpdate, KwDelete, KwMerge, KwValues, KwTable, KwReplace:
		return true
	}
	return false
}

// skipGroup returns the index after the group that opens at i.
func skipGroup(v *view, i int) int {
	depth := 0
	for ; i < len(v.t); i++ {
		switch {
		case v.punct(i, '('):
			depth++
		case v.punct(i, ')'):
			depth--
			if depth == 0 {
				return i + 1
			}
		}
	}
	return i
}

// classifyCreate classifies CREATE: DDL, pinning when the object is temporary.
func classifyCreate(v *view, i int) class {
	for j := i + 1; j < len(v.t) && j < i+6; j++ {
		switch v.kw(j) {
		case KwTemp, KwTemporary:
			return pinning(KindDDL, "temporary table")
		case KwTable, KwView:
			if v.word(j+1, "temp") || v.word(j+1, "pg_temp") {
				if v.punct(j+2, '.') {
					return pinning(KindDDL, "temporary table")
				}
			}
			return writing(KindDDL, "ddl statement")
		}
	}
	return writing(KindDDL, "ddl statement")
}

// classifyExplain classifies EXPLAIN by the statement it explains: a read
// only when that statement is one (EXPLAIN ANALYZE runs it).
func classifyExplain(v *view, i int) class {
	i++
	analyze := false
	for i < len(v.t) {
		switch {
		case v.punct(i, '('):
			analyze = analyze || groupHasAnalyze(v, i)
			i = skipGroup(v, i)
		case v.kw(i) == KwAnalyze || v.kw(i) == KwAnalyse:
			analyze = true
			i++
		case v.word(i, "verbose") ||
			v.word(i, "extended") || v.word(i, "partitions") || v.word(i, "query") || v.word(i, "plan"):
			i++
		case v.word(i, "format") && v.op(i+1, "="):
			i += 3
		default:
			goto body
		}
	}
body:
	c := class{kind: KindExplain}
	if v.kw(i) == KwFor || (v.kind(i) == TokIdent && !isStatementStart(v.kw(i)) && v.kw(i) != KwWith) ||
		v.kind(i) == TokQuotedIdent {
		// MySQL: EXPLAIN table [column], EXPLAIN FOR CONNECTION n.
		c.read, c.inner = true, KindShow
		return c
	}
	if !analyze {
		// Without ANALYZE nothing runs: a plan is a read, whatever it plans.
		c.read, c.planOnly, c.inner = true, true, v.inner(i).kind
		return c
	}
	inner := v.inner(i)
	c.inner, c.read, c.reason = inner.kind, inner.read, inner.reason
	c.changes = inner.changes || dataKind(inner.kind)
	c.pins, c.pinReason = inner.pins, inner.pinReason
	if !c.read && c.reason == "" {
		c.reason = "explains a write"
	}
	return c
}
