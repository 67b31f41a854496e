package analyze

import (
	"strings"

	"github.com/grantsql/grant/dialect"
)

// classifyTx classifies transaction control: BEGIN, START TRANSACTION,
// COMMIT, END, ROLLBACK, ABORT, SAVEPOINT, RELEASE, XA.
func classifyTx(v *view, i int) class {
	c := class{reason: "transaction control", tx: &TxInfo{}}
	j := i + 1
	skipWork := func() {
		if k := v.kw(j); k == KwWork || k == KwTransaction {
			j++
		}
	}
	switch v.kw(i) {
	case KwBegin:
		c.kind = KindBegin
		if k := v.kw(j); v.d == dialect.SQLite && (k == KwDeferred || k == KwImmediate || k == KwExclusive) {
			c.tx.Mode = k.String()
			j++
		}
		skipWork()
		j = txModes(v, j, c.tx)
	case KwStart:
		if v.kw(j) != KwTransaction {
			return writing(KindOther, "admin statement")
		}
		c.kind = KindBegin
		j = txModes(v, j+1, c.tx)
	case KwCommit, KwEnd, KwRollback, KwAbort:
		c.kind = KindCommit
		if k := v.kw(i); k == KwRollback || k == KwAbort {
			c.kind = KindRollback
		}
		if k := v.kw(i); v.kw(j) == KwPrepared && (k == KwCommit || k == KwRollback) {
			c.kind = KindCommitPrepared
			if k == KwRollback {
				c.kind = KindRollbackPrepared
			}
			c.tx.Name, j = nameAt(v, j+1)
			break
		}
		skipWork()
		if c.kind == KindRollback && v.kw(j) == KwTo {
			c.kind = KindRollbackTo
			j++
			if v.kw(j) == KwSavepoint {
				j++
			}
			c.tx.Name, j = nameAt(v, j)
		}
		if v.kw(j) == KwAnd {
			j++
			if v.kw(j) == KwNo {
				j++
			} else {
				c.tx.Chain = true
			}
			if v.kw(j) == KwChain {
				j++
			}
		}
		if v.kw(j) == KwNo {
			j++
		}
		if v.kw(j) == KwRelease {
			j++
		}
	case KwSavepoint:
		c.kind = KindSavepoint
		c.tx.Name, j = nameAt(v, j)
	case KwRelease:
		c.kind = KindReleaseSavepoint
		if v.kw(j) == KwSavepoint {
			j++
		}
		c.tx.Name, j = nameAt(v, j)
	case KwXa:
		return classifyXA(v, j, c)
	}
	c.full = j == len(v.t)
	return c
}

// classifyXA reads XA verb xid [modifiers].
func classifyXA(v *view, j int, c class) class {
	c.kind = KindXA
	if v.kind(j) != TokIdent {
		return c
	}
	c.tx.XA = strings.ToLower(v.t[j].Text(v.src))
	if c.tx.XA == "begin" {
		c.tx.XA = "start"
	}
	j++
	first := j
	for j < len(v.t) {
		k := v.kw(j)
		if v.word(j, "join") || v.word(j, "resume") || v.word(j, "suspend") || v.word(j, "convert") || k == KwOne || k == KwFor {
			break
		}
		j++
	}
	if j > first {
		if j == first+1 && v.t[first].Kind == TokString {
			c.tx.Name = v.t[first].StringValue(v.src)
		} else {
			c.tx.Name = v.src[v.t[first].Start:v.t[j-1].End]
		}
	}
	if v.kw(j) == KwOne && v.word(j+1, "phase") {
		c.tx.OnePhase = true
	}
	c.full = c.tx.XA != ""
	return c
}

// nameAt reads a savepoint or transaction name at j: an identifier or a
// string literal. It returns "" and j when there is none.
func nameAt(v *view, j int) (string, int) {
	switch v.kind(j) {
	case TokIdent, TokQuotedIdent:
		return v.t[j].Ident(v.src), j + 1
	case TokString:
		return v.t[j].StringValue(v.src), j + 1
	}
	return "", j
}

// txModes reads transaction modes from j into tx and returns the index after them.
func txModes(v *view, j int, tx *TxInfo) int {
	for j < len(v.t) {
		switch v.kw(j) {
		case KwIsolation:
			if v.kw(j+1) != KwLevel {
				return j
			}
			j += 2
			switch {
			case v.kw(j) == KwSerializable:
				tx.Isolation = "serializable"
				j++
			case v.kw(j) == KwRepeatable && v.kw(j+1) == KwRead:
				tx.Isolation = "repeatable read"
				j += 2
			case v.kw(j) == KwRead && v.kw(j+1) == KwCommitted:
				tx.Isolation = "read committed"
				j += 2
			case v.kw(j) == KwRead && v.kw(j+1) == KwUncommitted:
				tx.Isolation = "read uncommitted"
				j += 2
			default:
				return j
			}
		case KwRead:
			switch v.kw(j + 1) {
			case KwOnly:
				tx.ReadOnly = true
			case KwWrite:
				tx.ReadWrite = true
			default:
				return j
			}
			j += 2
		case KwNot:
			if v.kw(j+1) != KwDeferrable {
				return j
			}
			j += 2
		case KwDeferrable:
			tx.Deferrable = true
			j++
		case KwWith:
			if v.kw(j+1) != KwConsistent || v.kw(j+2) != KwSnapshot {
				return j
			}
			tx.Mode = "with consistent snapshot"
			j += 3
		default:
			if !v.punct(j, ',') {
				return j
			}
			j++
		}
	}
	return j
}
