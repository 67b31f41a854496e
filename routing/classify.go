package routing

import (
	"strings"

	"github.com/grantsql/grant/internal/analyze"
)

// MayWrite reports whether st may change data: what PreventWrites refuses,
// and what counts as a write for read-your-writes (Router.Wrote).
func MayWrite(st *analyze.Statement) bool { return mayWrite(st) }

// mayWrite reports whether st may change data: what PreventWrites refuses.
// Reads, transaction control, session settings, table locks, cursors and
// LISTEN pass; so do locking reads and session-pinning reads (advisory
// locks) that call no data-changing function. Anything not understood is a
// write.
func mayWrite(st *analyze.Statement) bool {
	if st.Read {
		return false
	}
	if st.Multi || dataKind(st.Kind) || dataFunc(st) {
		return true
	}
	switch st.Kind {
	case analyze.KindSelect, analyze.KindShow, analyze.KindExplain, analyze.KindPragma:
		// Not a read: only a locking clause or pinning state is harmless.
		return !(st.Locking != nil || st.Pins) || !lockOrPinReason(st.Reason)
	}
	return false
}

// replicaSafe reports whether st may run in a transaction or session held
// on a replica: a read, transaction control or a session setting.
func replicaSafe(st *analyze.Statement) bool {
	if st.Read {
		return true
	}
	if st.Multi || dataFunc(st) {
		return false
	}
	switch st.Kind {
	case analyze.KindEmpty, analyze.KindBegin, analyze.KindCommit, analyze.KindRollback,
		analyze.KindSavepoint, analyze.KindReleaseSavepoint, analyze.KindRollbackTo,
		analyze.KindSetTransaction, analyze.KindSet:
		return true
	}
	return false
}

// dataKind reports whether statements of kind k change data (or may: an
// unknown statement, EXECUTE of a prepared statement, a procedure call).
func dataKind(k analyze.Kind) bool {
	switch k {
	case analyze.KindUnknown, analyze.KindInsert, analyze.KindUpdate, analyze.KindDelete,
		analyze.KindMerge, analyze.KindDDL, analyze.KindPrepareTransaction,
		analyze.KindCommitPrepared, analyze.KindRollbackPrepared, analyze.KindXA,
		analyze.KindExecute, analyze.KindNotify, analyze.KindCall, analyze.KindOther:
		return true
	}
	return false
}

// dataFunc reports whether st calls a primary-only function that does not
// merely pin the session (nextval, txid_current, lo_create, ...).
func dataFunc(st *analyze.Statement) bool {
	for _, f := range st.Functions {
		if rule := analyze.LookupFunc(st.Dialect, f); rule != nil && !rule.Pins {
			return true
		}
	}
	return false
}

// lockOrPinReason reports whether the analyzer's first reason for the
// primary is a locking clause or session state, not a write it found
// earlier in the text.
func lockOrPinReason(reason string) bool {
	return reason == "locking clause" || strings.HasPrefix(reason, "pins the session") || strings.HasPrefix(reason, "function ")
}
