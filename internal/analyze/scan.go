package analyze

import (
	"strings"

	"github.com/grantsql/grant/dialect"
)

// WriteKeywords is the safety net: a reading statement (SELECT, SHOW,
// EXPLAIN, PRAGMA) in which one of these words appears as a bare word
// (outside literals, quoted identifiers and comments) is sent to the
// primary. A word right after '.' (a qualified column such as t.update) is
// exempt, and so are REPLACE(, INSERT( and TRUNCATE( (MySQL string and
// number functions). The price is that a column named, say, "load" or
// "call" written bare routes its query to the primary.
var WriteKeywords = []Keyword{
	KwInsert, KwUpdate, KwDelete, KwMerge, KwReplace, KwUpsert, KwCreate, KwAlter, KwDrop,
	KwTruncate, KwGrant, KwRevoke, KwCall, KwDo, KwCopy, KwLoad, KwHandler, KwRename,
	KwCluster, KwVacuum, KwReindex, KwLock, KwUnlock, KwOptimize, KwRepair,
}

var writeNet, funcForm [kwCount]bool

func init() {
	for _, k := range WriteKeywords {
		writeNet[k] = true
	}
	funcForm[KwReplace], funcForm[KwInsert], funcForm[KwTruncate] = true, true, true
}

// isReadingKind reports whether statements of kind k read (before the
// token scans look for reasons they do not).
func isReadingKind(k Kind) bool {
	return k == KindSelect || k == KindShow || k == KindExplain || k == KindPragma
}

// scanPart looks through every token of one statement for what forces the
// primary or pins the session whatever the statement's kind: primary-only
// function calls, NEXT VALUE FOR, locking clauses, SELECT .. INTO, MySQL
// user-variable assignment and @@identity, data-modifying CTEs, and the
// write-keyword safety net.
func scanPart(d dialect.Dialect, src string, toks []Token, c *class, st *Statement, o *Options) {
	if c.planOnly {
		return // nothing runs: no call, lock or write takes effect
	}
	v := &view{d: d, src: src, t: toks}
	reading := isReadingKind(c.kind)
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch t.Kind {
		case TokIdent, TokQuotedIdent:
			if v.punct(i+1, '(') {
				if r := LookupFunc(d, t.Ident(src)); r != nil {
					addFunc(st, r.Name)
					why := "function " + r.Name + " " + r.Why
					switch {
					case r.Effect == FuncPins:
						c.write(why)
						c.pin("function " + r.Name)
						c.sideEffects = true
					case r.Name == "last_insert_id" && !v.punct(i+2, ')'):
						// LAST_INSERT_ID(expr) sets the value the next
						// LAST_INSERT_ID() of the session returns.
						c.write("function last_insert_id sets the session's last insert id")
						c.pin("function last_insert_id(expr)")
					case r.Effect == FuncReads:
						c.write(why)
					case r.Effect == FuncSessionReads:
						c.write(why)
						c.reads = true
					default:
						c.change(why)
						c.results = c.results || r.Effect == FuncResults
					}
				} else if reading && c.kind != KindPragma {
					scanCall(v, i, c, st, o)
				}
			}
			if t.Kind != TokIdent {
				continue
			}
			switch t.Kw {
			case KwNext, KwPrevious:
				if v.kw(i+1) == KwValue && v.kw(i+2) == KwFor {
					c.change("sequence access")
				}
			case KwFor, KwLock:
				if i == c.setFor && i > 0 {
					continue // SET STATEMENT .. FOR UPDATE t: no locking clause
				}
				if lc, j := parseLock(v, i); lc != nil {
					if st.Locking == nil {
						st.Locking = lc
					}
					c.write("locking clause")
					i = j - 1
					continue
				}
			case KwInto:
				if reading {
					scanInto(v, i, c)
				}
			case KwSqlCalcFoundRows:
				c.pin("SQL_CALC_FOUND_ROWS")
			}
			// SHOW names statements (SHOW CREATE TABLE) but runs none.
			if reading && c.kind != KindShow && writeNet[t.Kw] && !v.punct(i-1, '.') && !(funcForm[t.Kw] && v.punct(i+1, '(')) {
				if v.punct(i-1, '(') {
					c.change("data-modifying statement in WITH")
				}
				c.change("write keyword " + strings.ToUpper(t.Kw.String()))
			}
		case TokString:
			if t.Flags&FlagBackslashQuote != 0 && d == dialect.MySQL {
				c.change("a backslash-escaped quote, read otherwise under NO_BACKSLASH_ESCAPES or ANSI_QUOTES")
			}
		case TokVariable:
			if t.Flags&FlagBackslashQuote != 0 {
				c.change("a backslash-escaped quote, read otherwise under NO_BACKSLASH_ESCAPES or ANSI_QUOTES")
			}
			if v.op(i+1, ":=") {
				c.pin("user variable assignment")
			} else if s := t.Text(src); strings.EqualFold(s, "@@identity") || strings.EqualFold(s, "@@last_insert_id") {
				c.write("reads the session's last insert id")
				c.reads = true
			}
		}
	}
}

// addFunc records a primary-only function call once.
func addFunc(st *Statement, name string) {
	for _, f := range st.Functions {
		if f == name {
			return
		}
	}
	st.Functions = append(st.Functions, name)
}

// scanInto classifies SELECT .. INTO: a new table on PostgreSQL (pinning
// when temporary), variables (pinning) or a file on MySQL.
func scanInto(v *view, i int, c *class) {
	j := i + 1
	switch v.d {
	case dialect.Postgres:
		if v.kw(j) == KwLocal || v.kw(j) == KwGlobal {
			j++
		}
		if k := v.kw(j); k == KwTemp || k == KwTemporary {
			c.pin("temporary table")
			return
		}
		c.change("SELECT INTO creates a table")
	case dialect.MySQL:
		if v.kind(j) == TokVariable {
			c.pin("user variable")
			return
		}
		if k := v.kw(j); k == KwOutfile || k == KwDumpfile {
			c.change("SELECT INTO OUTFILE")
			return
		}
		c.change("SELECT INTO")
	default:
		c.change("SELECT INTO")
	}
}

// parseLock reads the locking clauses starting at token i: FOR UPDATE,
// FOR NO KEY UPDATE, FOR SHARE, FOR KEY SHARE (each with OF t, .., NOWAIT,
// SKIP LOCKED or WAIT n) or LOCK IN SHARE MODE. It returns nil and i when
// none starts there, else the clause and the index after it.
func parseLock(v *view, i int) (*LockClause, int) {
	start := i
	var lc *LockClause
	for {
		var s LockStrength
		j := i
		switch {
		case v.kw(j) == KwFor && v.kw(j+1) == KwUpdate:
			s, j = LockUpdate, j+2
		case v.kw(j) == KwFor && v.kw(j+1) == KwNo && v.kw(j+2) == KwKey && v.kw(j+3) == KwUpdate:
			s, j = LockNoKeyUpdate, j+4
		case v.kw(j) == KwFor && v.kw(j+1) == KwShare:
			s, j = LockShare, j+2
		case v.kw(j) == KwFor && v.kw(j+1) == KwKey && v.kw(j+2) == KwShare:
			s, j = LockKeyShare, j+3
		case v.kw(j) == KwLock && v.kw(j+1) == KwIn && v.kw(j+2) == KwShare && v.kw(j+3) == KwMode:
			s, j = LockShareMode, j+4
		}
		if s == 0 {
			break
		}
		if lc == nil {
			lc = &LockClause{Strength: s}
		} else {
			lc.More = true
		}
		if v.kw(j) == KwOf {
			j++
			for k := v.kind(j); k == TokIdent || k == TokQuotedIdent; k = v.kind(j) {
				n := j
				for v.punct(j+1, '.') && (v.kind(j+2) == TokIdent || v.kind(j+2) == TokQuotedIdent) {
					j += 2
				}
				name := v.t[j].Name(v.src, v.d == dialect.Postgres)
				if j > n {
					name = v.src[v.t[n].Start:v.t[j].End]
				}
				lc.Of = append(lc.Of, name)
				j++
				if !v.punct(j, ',') {
					break
				}
				j++
			}
		}
		switch {
		case v.kw(j) == KwNowait:
			lc.NoWait = true
			j++
		case v.kw(j) == KwSkip && v.kw(j+1) == KwLocked:
			lc.SkipLocked = true
			j += 2
		case v.kw(j) == KwWait && v.kind(j+1) == TokNumber:
			lc.Wait = v.t[j+1].Text(v.src)
			j += 2
		}
		i = j
	}
	if lc == nil {
		return nil, start
	}
	lc.Span = Span{int(v.t[start].Start), int(v.t[i-1].End)}
	return lc, i
}

// scanCall looks at a call, in a reading statement, of a function that is
// not in Functions (token i, followed by '('): one the configuration sends
// to the primary counts as a write; one that is not a built-in known to
// change nothing is an unknown call.
func scanCall(v *view, i int, c *class, st *Statement, o *Options) {
	t := v.t[i]
	if t.Kind == TokIdent && t.Kw != KwNone {
		return // syntax: IN (, VALUES (, EXISTS (, ...
	}
	if v.op(i-1, "::") || v.kw(i-1) == KwAs || v.kw(i-1) == KwWith || v.kw(i-1) == KwRecursive {
		return // a type with its modifier, or a CTE's column list
	}
	if end := skipGroup(v, i+1); v.kw(end) == KwAs {
		return // WITH a, b(x, y) AS (...)
	}
	name := strings.ToLower(t.Ident(v.src))
	if v.punct(i-1, '.') && i >= 2 {
		name = strings.ToLower(v.t[i-2].Ident(v.src)) + "." + name
	}
	switch {
	case o.primary(name):
		addFunc(st, name)
		c.change("function " + name + " (routing.primary_functions)")
	case isPure(name):
	default:
		c.unknownCalls = true
		if o != nil && o.UnknownOnPrimary {
			c.write("function " + name + " is not known to be free of side effects (routing.unknown_functions: primary)")
		}
	}
}
