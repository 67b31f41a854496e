package routing

import "errors"

// ErrReadOnly is matched (errors.Is) by every *ReadOnlyError: a statement
// that may write was refused before it reached any server.
var ErrReadOnly = errors.New("grant: write refused")

// ErrNoReplica is matched (errors.Is) by every *NoReplicaError: a read that
// had to run on a replica found none in rotation.
var ErrNoReplica = errors.New("grant: no replica available")

// The causes of a ReadOnlyError.
const (
	ByPreventWrites   = "routing.PreventWrites is in effect"
	ByForceReplica    = "routing.ForceReplica sends statements to a replica, and this one must run on the primary"
	ByReplicaTx       = "the transaction runs on a replica"
	ByPinnedToReplica = "the session is pinned to a replica"
)

// ReadOnlyError is a statement refused because it may write (or otherwise
// needs the primary) where writes are not allowed. It is returned before
// any I/O.
type ReadOnlyError struct {
	Kind     string // what the statement is: "insert", "select", ...
	Reason   string // why it needs the primary (the analyzer's reason)
	Database string
	By       string // what forbids writes: one of the By* constants
}

// Error names the statement kind, the database and what forbids the write.
func (e *ReadOnlyError) Error() string {
	s := "grant: " + e.Kind + " statement refused on database " + e.Database + ": " + e.By
	if e.Reason != "" {
		s += " (" + e.Reason + ")"
	}
	return s
}

// Is makes every *ReadOnlyError match ErrReadOnly.
func (e *ReadOnlyError) Is(target error) bool { return target == ErrReadOnly }

// NoReplicaError is a read that needed a replica and found none in
// rotation: every replica is unhealthy, too far behind or broken, or the
// database has none.
type NoReplicaError struct {
	Database string
	Replicas int    // replicas configured for the database
	Why      string // "routing.ForceReplica" or "no_replica: fail"
}

// Error names the database and why a replica was required.
func (e *NoReplicaError) Error() string {
	if e.Replicas == 0 {
		return "grant: no replica available for database " + e.Database + ": it has no replicas (" + e.Why + ")"
	}
	return "grant: no replica available for database " + e.Database + ": none of its replicas is healthy, caught up and replicating (" + e.Why + ")"
}

// Is makes every *NoReplicaError match ErrNoReplica.
func (e *NoReplicaError) Is(target error) bool { return target == ErrNoReplica }
