package analyze

// Effects is what running a statement does, decided once by the analyzer:
// routing, sharding and the executor read these bits and no second
// predicate of their own.
type Effects uint16

// The effects of a statement.
const (
	// Writes: the statement may change data, schema or server state (a
	// write, DDL, a procedure call, a data-changing function, a
	// data-modifying CTE, SELECT .. INTO, several statements, anything not
	// understood). PreventWrites refuses it, read-your-writes records it,
	// and sharding counts it as a write.
	Writes Effects = 1 << iota
	// NeedsPrimary: the statement must run on the primary (Read is false).
	NeedsPrimary
	// PinsSession: running it leaves state on the connection (Pins).
	PinsSession
	// LeavesResults: it leaves per-session results a later statement may
	// read (the last insert id, the row count, a sequence's current
	// value), so the session keeps the connection while it is held.
	LeavesResults
	// LocksRows: it has a row-locking clause.
	LocksRows
	// ReplicaSafe: it may run in a transaction or a session held on a
	// replica: a read, transaction control or a session setting.
	ReplicaSafe
	// ReadsResults: it reads what the session's previous statements left
	// (LAST_INSERT_ID(), FOUND_ROWS(), ROW_COUNT(), currval, changes()),
	// so it runs on the connection the previous statement ran on.
	ReadsResults
	// SideEffects: it calls a function that changes server or session
	// state without writing data (an advisory lock, GET_LOCK, set_config).
	SideEffects
	// UnknownCalls: it calls a function that is neither in Functions nor a
	// built-in known to change nothing: a user function, which may write.
	UnknownCalls
)

// Has reports whether every effect of e is in s's effects.
func (s *Statement) Has(e Effects) bool { return s.Effects&e == e }

// dataKind reports whether statements of kind k change data (or may: an
// unknown statement, EXECUTE of a prepared statement, a procedure call).
func dataKind(k Kind) bool {
	switch k {
	case KindUnknown, KindInsert, KindUpdate, KindDelete, KindMerge, KindDDL, KindPrepareTransaction,
		KindCommitPrepared, KindRollbackPrepared, KindXA, KindExecute, KindNotify, KindCall, KindOther:
		return true
	}
	return false
}

// effects computes st's effects once its parts are classified; changes
// says whether a part was found to change data whatever its kind, results
// whether one leaves per-session results.
func effects(st *Statement, c *class) Effects {
	changes, results, reads := c.changes, c.results, c.reads
	var e Effects
	if st.Multi || changes || dataKind(st.Kind) {
		e |= Writes
	}
	if !st.Read {
		e |= NeedsPrimary
	}
	if st.Pins {
		e |= PinsSession
	}
	switch st.Kind {
	case KindInsert, KindUpdate, KindDelete, KindMerge:
		results = true
	}
	if results {
		e |= LeavesResults
	}
	if st.Locking != nil {
		e |= LocksRows
	}
	if reads && !st.Multi {
		e |= ReadsResults
	}
	if c.sideEffects {
		e |= SideEffects
	}
	if c.unknownCalls {
		e |= UnknownCalls
	}
	if st.Read || !st.Multi && (reads && e&(Writes|PinsSession) == 0 || len(st.Functions) == 0 && sessionKind(st.Kind)) {
		e |= ReplicaSafe
	}
	return e
}

// sessionKind reports whether statements of kind k control a transaction
// or set the session, which a replica accepts.
func sessionKind(k Kind) bool {
	switch k {
	case KindEmpty, KindBegin, KindCommit, KindRollback, KindSavepoint, KindReleaseSavepoint,
		KindRollbackTo, KindSetTransaction, KindSet:
		return true
	}
	return false
}

// groupHasAnalyze reports whether the parenthesised EXPLAIN options at
// token i turn ANALYZE on (ANALYZE, ANALYZE true/on/1).
func groupHasAnalyze(v *view, i int) bool {
	end := skipGroup(v, i)
	for j := i + 1; j < end; j++ {
		if v.kw(j) == KwAnalyze || v.kw(j) == KwAnalyse {
			off := v.word(j+1, "false") || v.word(j+1, "off") || (v.kind(j+1) == TokNumber && v.t[j+1].Text(v.src) == "0")
			return !off
		}
	}
	return false
}

var effectNames = [...]string{"writes", "needs_primary", "pins_session", "leaves_results", "locks_rows", "replica_safe", "reads_results", "side_effects", "unknown_calls"}

// MarshalJSON writes the effects as a list of names, for golden files and
// grant explain: ["writes","needs_primary"].
func (e Effects) MarshalJSON() ([]byte, error) {
	b := []byte{'['}
	for i, name := range effectNames {
		if e&(1<<i) != 0 {
			if len(b) > 1 {
				b = append(b, ',')
			}
			b = append(b, '"')
			b = append(b, name...)
			b = append(b, '"')
		}
	}
	return append(b, ']'), nil
}
