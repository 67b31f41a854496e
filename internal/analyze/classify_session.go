package analyze

import (
	"strings"

	"github.com/grantsql/grant/dialect"
)

// classifySet classifies SET. PostgreSQL SET LOCAL, SET CONSTRAINTS and
// SET TRANSACTION last for the current transaction only and do not pin;
// MySQL SET TRANSACTION shapes the next transaction only. MySQL SET GLOBAL /
// PERSIST change the server, not the session. Every other SET pins (MySQL's
// SET LOCAL is SET SESSION).
func classifySet(v *view, i int) class {
	j := i + 1
	switch v.d {
	case dialect.Postgres:
		switch {
		case v.kw(j) == KwLocal:
			return writing(KindSet, "SET LOCAL (transaction scope)")
		case v.kw(j) == KwConstraints:
			return writing(KindSet, "SET CONSTRAINTS (transaction scope)")
		case v.kw(j) == KwTransaction:
			return setTransaction(v, j+1)
		}
		return pinning(KindSet, "session setting")
	case dialect.MySQL:
		t := ""
		if v.kind(j) == TokVariable {
			t = strings.ToLower(v.t[j].Text(v.src))
		}
		switch {
		case v.word(j, "statement"):
			return setStatement(v, j+1)
		case v.kw(j) == KwTransaction:
			return setTransaction(v, j+1)
		case v.kw(j) == KwGlobal || v.kw(j) == KwPersist || v.kw(j) == KwPersistOnly ||
			strings.HasPrefix(t, "@@global.") || strings.HasPrefix(t, "@@persist"):
			return writing(KindSet, "global setting")
		case v.word(j, "password") || (v.kw(j) == KwDefault && v.word(j+1, "role")):
			return writing(KindSet, "account change")
		case t != "" && !strings.HasPrefix(t, "@@"):
			return pinning(KindSet, "user variable")
		}
		return pinning(KindSet, "session setting")
	}
	return writing(KindUnknown, "unknown statement")
}

// setStatement classifies MariaDB's SET STATEMENT var = value, ... FOR
// statement: the settings last for that one statement, so it is classified
// as the statement after FOR and pins nothing of its own.
func setStatement(v *view, j int) class {
	depth := 0
	for ; j < len(v.t); j++ {
		switch {
		case v.punct(j, '('):
			depth++
		case v.punct(j, ')'):
			depth--
		case depth == 0 && v.kw(j) == KwFor:
			c := v.inner(j + 1)
			c.full = false // the structural parse starts at SET
			c.setFor = j
			return c
		}
	}
	return writing(KindSet, "SET STATEMENT without FOR")
}

func setTransaction(v *view, j int) class {
	c := writing(KindSetTransaction, "transaction control")
	c.tx = &TxInfo{}
	c.full = txModes(v, j, c.tx) == len(v.t)
	return c
}

// classifySession classifies the remaining leading keywords: session state,
// locks, prepared statements, notifications, cursors and maintenance.
func classifySession(v *view, i int, k Keyword) class {
	d := v.d
	switch k {
	case KwReset, KwDiscard:
		if d == dialect.Postgres {
			return pinning(KindReset, "session reset")
		}
		if k == KwReset {
			return writing(KindOther, "admin statement")
		}
	case KwUse:
		if d == dialect.MySQL {
			return pinning(KindUse, "default database")
		}
	case KwLock:
		if d == dialect.MySQL {
			return pinning(KindLock, "LOCK TABLES")
		}
		return writing(KindLock, "table lock")
	case KwUnlock:
		return pinning(KindUnlock, "UNLOCK TABLES")
	case KwPrepare:
		if v.kw(i+1) == KwTransaction {
			c := writing(KindPrepareTransaction, "transaction control")
			c.tx = &TxInfo{}
			var j int
			c.tx.Name, j = nameAt(v, i+2)
			c.full = j == len(v.t) && c.tx.Name != ""
			return c
		}
		return pinning(KindPrepare, "prepared statement")
	case KwExecute:
		return pinning(KindExecute, "prepared statement")
	case KwDeallocate:
		return pinning(KindDeallocate, "prepared statement")
	case KwListen:
		return pinning(KindListen, "LISTEN")
	case KwUnlisten:
		return pinning(KindUnlisten, "UNLISTEN")
	case KwNotify:
		return writing(KindNotify, "NOTIFY")
	case KwDeclare:
		for j := i + 1; j < len(v.t); j++ {
			if v.kw(j) == KwCursor {
				return pinning(KindCursor, "cursor")
			}
		}
	case KwFetch, KwMove, KwClose:
		return pinning(KindCursor, "cursor")
	case KwCall, KwDo:
		return writing(KindCall, "procedure call")
	case KwHandler:
		return pinning(KindOther, "HANDLER")
	case KwAttach, KwDetach:
		if d == dialect.SQLite {
			return pinning(KindOther, "attached database")
		}
	case KwVacuum, KwAnalyze, KwAnalyse, KwReindex, KwCluster, KwCheckpoint, KwCopy, KwLoad,
		KwOptimize, KwRepair, KwFlush, KwKill, KwRefresh, KwPurge, KwInstall, KwCheck:
		return writing(KindOther, "maintenance statement")
	}
	return writing(KindUnknown, "unknown statement")
}

// pragmasReadWithArg are SQLite pragmas that take an argument in
// parentheses and only report.
var pragmasReadWithArg = []string{
	"table_info", "table_xinfo", "table_list", "index_info", "index_xinfo", "index_list",
	"foreign_key_list", "foreign_key_check", "integrity_check", "quick_check", "function_list",
	"pragma_list", "module_list", "collation_list", "database_list",
}

// pragmasWithEffect are SQLite pragmas that change something even when
// written without an argument.
var pragmasWithEffect = []string{"optimize", "wal_checkpoint", "incremental_vacuum", "shrink_memory"}

// classifyPragma classifies SQLite PRAGMA: a setting (= value, or an
// argument to a pragma that is not a report) pins; a bare report reads.
func classifyPragma(v *view, i int) class {
	j := i + 1
	if v.punct(j+1, '.') {
		j += 2
	}
	if v.kind(j) != TokIdent && v.kind(j) != TokQuotedIdent {
		return writing(KindPragma, "unknown pragma")
	}
	name := strings.ToLower(v.t[j].Ident(v.src))
	j++
	switch {
	case j == len(v.t):
		if inList(pragmasWithEffect, name) {
			return writing(KindPragma, "pragma with an effect")
		}
		return reading(KindPragma)
	case v.op(j, "=") || v.op(j, "=="):
		return pinning(KindPragma, "pragma setting")
	case v.punct(j, '('):
		if inList(pragmasReadWithArg, name) {
			return reading(KindPragma)
		}
		return pinning(KindPragma, "pragma setting")
	}
	return writing(KindPragma, "unknown pragma")
}

func inList(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
