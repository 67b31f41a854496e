package analyze

// The methods below give routing (routing.Statement) what it needs of a
// statement without routing depending on this package's types.

// KindName names what the statement does: "select", "insert", "begin", ...
func (s *Statement) KindName() string { return s.Kind.String() }

// MayWrite reports whether the statement may change data (Writes).
func (s *Statement) MayWrite() bool { return s.Effects&Writes != 0 }

// ChangesState reports whether it may change data, schema, or server or
// session state through a function (Writes or SideEffects).
func (s *Statement) ChangesState() bool { return s.Effects&(Writes|SideEffects) != 0 }

// PinsSession reports whether running it leaves state on the connection.
func (s *Statement) PinsSession() bool { return s.Pins }

// ReplicaSafe reports whether it may run in a transaction or a session
// held on a replica.
func (s *Statement) ReplicaSafe() bool { return s.Effects&ReplicaSafe != 0 }

// ReadsResults reports whether it reads what the session's previous
// statements left, so it must run on the connection they ran on.
func (s *Statement) ReadsResults() bool { return s.Effects&ReadsResults != 0 }

// PrimaryReason says why it must run on the primary; "" for a read.
func (s *Statement) PrimaryReason() string { return s.Reason }

// SessionReason says what pins the session; "" when nothing does.
func (s *Statement) SessionReason() string { return s.PinReason }

// BeginsTx reports whether the statement is one BEGIN (START
// TRANSACTION), and whether it asks for a read-only or a serializable
// transaction.
func (s *Statement) BeginsTx() (begin, readOnly, serializable bool) {
	if s.Kind != KindBegin || s.Multi {
		return false, false, false
	}
	if s.Tx != nil {
		return true, s.Tx.ReadOnly, s.Tx.Isolation == "serializable"
	}
	return true, false, false
}
