package routing

import (
	"encoding/json"

	"github.com/grantsql/grant/registry"
)

// Route is where one statement runs and why: data, decided before any I/O.
type Route struct {
	// Node runs the statement.
	Node *registry.Node
	// Kind is the statement's kind: "select", "insert", ...
	Kind string
	// Reason is one of the Reason* constants.
	Reason string
	// Detail refines Reason: the analyzer's reason a statement needs the
	// primary, or what took the replicas out of the choice. It may be "".
	Detail string
	// Fallback is set when a read went to the primary because no replica
	// was in rotation.
	Fallback bool
	// Pin is set when running the statement leaves state on the physical
	// connection (SET, temporary table, advisory lock, ...): the session
	// must keep that connection, and route everything to Node, until it is
	// reset.
	Pin bool
	// CatchUp is set on a read sent to the primary only because no
	// replica in rotation had, at its last measurement, replayed the
	// writes the read must see (ReasonBehind, causal mode, with
	// read_your_writes.max_wait above 0). Router.CatchUp then checks a
	// replica's position now, waiting up to max_wait for it to catch up.
	CatchUp bool
}

// Why a statement runs where it does: the values of Route.Reason.
const (
	ReasonRead        = "read"                   // a read, on a replica in rotation
	ReasonWrite       = "needs primary"          // may write or needs the primary (Detail says why)
	ReasonNoReplicas  = "no replicas"            // the database has no replicas
	ReasonNoReplicaUp = "no replica in rotation" // all unhealthy, lagging or broken (Fallback)
	ReasonRecentWrite = "read your writes: recent write"
	ReasonBehind      = "read your writes: replicas behind the session's writes"
	// ReasonCaughtUp: Router.CatchUp found the replica past the writes.
	ReasonCaughtUp       = "read your writes: replica caught up"
	ReasonTransaction    = "transaction"            // inside an open transaction, on its node
	ReasonPinned         = "pinned session"         // the session keeps a connection of Node
	ReasonSessionResults = "session results"        // reads what the previous statement left, on its connection
	ReasonForcePrimary   = "routing.ForcePrimary"   // forced by the context
	ReasonForceReplica   = "routing.ForceReplica"   // forced by the context
	ReasonTxPrimary      = "read-write transaction" // a transaction that may write begins on the primary
	ReasonReadOnlyTx     = "read-only transaction"
	ReasonSerializableRO = "serializable transaction: a standby cannot run it" // PostgreSQL hot standby
)

// Role returns the role of the route's node.
func (r Route) Role() registry.Role {
	if r.Node == nil {
		return registry.Primary
	}
	return r.Node.Role
}

// routeJSON is the printed form of a Route.
type routeJSON struct {
	Database string `json:"database"`
	Node     string `json:"node"`
	Role     string `json:"role"`
	Kind     string `json:"kind"`
	Reason   string `json:"reason"`
	Detail   string `json:"detail,omitempty"`
	Fallback bool   `json:"fallback,omitempty"`
	Pin      bool   `json:"pin,omitempty"`
	CatchUp  bool   `json:"catch_up,omitempty"`
}

// MarshalJSON prints the route by node name, for grant explain and golden
// tests: {"database":"main","node":"main.replicas[0]","role":"replica",...}.
func (r Route) MarshalJSON() ([]byte, error) {
	j := routeJSON{Kind: r.Kind, Reason: r.Reason, Detail: r.Detail, Fallback: r.Fallback, Pin: r.Pin, CatchUp: r.CatchUp}
	if r.Node != nil {
		j.Database, j.Node, j.Role = r.Node.Database, r.Node.Name, r.Node.Role.String()
	}
	return json.Marshal(j)
}

// String returns "node (reason: detail)".
func (r Route) String() string {
	s := "<none>"
	if r.Node != nil {
		s = r.Node.Name
	}
	s += " (" + r.Reason
	if r.Detail != "" {
		s += ": " + r.Detail
	}
	if r.Fallback {
		s += ", fallback"
	}
	return s + ")"
}
