package routing

import (
	"database/sql"
	"database/sql/driver"
	"errors"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/registry"
	"github.com/grantsql/grant/routing/routecfg"
)

// Input is what a routing decision knows besides the statement.
type Input struct {
	// DB is the target database (the default, or the one UseDatabase names).
	DB *registry.Database
	// Overrides are the context's controls: FromContext(ctx), or nil.
	Overrides *Overrides
	// Tx is the node of the session's open transaction, or nil.
	Tx *registry.Node
	// Pinned is the node the session is pinned to in DB, or nil.
	Pinned *registry.Node
	// Last is the node of DB whose connection the session's previous
	// statement ran on and still holds, or nil. A statement that reads
	// what that statement left (LAST_INSERT_ID(), FOUND_ROWS()) runs
	// there.
	Last *registry.Node
	// Session is the virtual connection's own read-your-writes session, or
	// nil. It counts when the context carries no Session and
	// read_your_writes.scope is connection.
	Session *Session
}

// Statement is what routing needs to know of a statement, as Grant's
// analyzer decides it once per statement text. Router.Explain analyzes SQL
// text itself; the driver passes its cached analysis.
type Statement interface {
	// KindName names what the statement does: "select", "insert", ...
	KindName() string
	// IsRead reports whether it may run on a replica.
	IsRead() bool
	// MayWrite reports whether it may change data or schema.
	MayWrite() bool
	// ChangesState reports whether it may change data or schema, or
	// server or session state through a function (an advisory lock,
	// GET_LOCK, set_config): what PreventWrites refuses.
	ChangesState() bool
	// PinsSession reports whether running it leaves state on the
	// connection, so the session must keep that connection.
	PinsSession() bool
	// ReplicaSafe reports whether it may run in a transaction or session
	// held on a replica: a read, transaction control, a session setting.
	ReplicaSafe() bool
	// PrimaryReason says why it must run on the primary; "" for a read.
	PrimaryReason() string
	// SessionReason says what pins the session; "" when nothing does.
	SessionReason() string
	// ReadsResults reports whether it reads what the session's previous
	// statements left (the last insert id, the row count), so it must run
	// on the connection they ran on.
	ReadsResults() bool
	// BeginsTx reports whether it is one BEGIN, and whether that asks for
	// a read-only or a serializable transaction.
	BeginsTx() (begin, readOnly, serializable bool)
}

// unknownStatement stands for a missing analysis: a write, on the primary.
var unknownStatement Statement = unknown{}

type unknown struct{}

func (unknown) KindName() string             { return "unknown" }
func (unknown) IsRead() bool                 { return false }
func (unknown) MayWrite() bool               { return true }
func (unknown) ChangesState() bool           { return true }
func (unknown) PinsSession() bool            { return false }
func (unknown) ReplicaSafe() bool            { return false }
func (unknown) PrimaryReason() string        { return "no statement analysis" }
func (unknown) SessionReason() string        { return "" }
func (unknown) ReadsResults() bool           { return false }
func (unknown) BeginsTx() (bool, bool, bool) { return false, false, false }

// ErrSerializableOnStandby is a serializable transaction that could only
// run on a PostgreSQL standby (under ForceReplica), which refuses them.
var ErrSerializableOnStandby = errors.New("grant: a serializable transaction cannot run on a PostgreSQL standby (routing.ForceReplica): use repeatable read, or the primary")

// Decide returns where statement st runs. It does no I/O, takes no lock
// and, when it routes, allocates nothing. st is what the analyzer decided
// of the statement; nil is routed like an unknown statement: to the
// primary.
//
// The rules, in order:
//  1. Under PreventWrites a statement that may change data, or calls a
//     function that changes server or session state, fails with a
//     *ReadOnlyError naming its kind.
//  2. Inside a transaction every statement runs on the transaction's node
//     (one on a replica refuses statements that need the primary).
//  3. A pinned session runs everything on the node it is pinned to; a
//     statement that reads the session's last results (LAST_INSERT_ID(),
//     FOUND_ROWS()) runs where the previous statement ran (Input.Last).
//  4. A BEGIN statement is routed as DecideBegin routes a transaction.
//  5. ForcePrimary sends everything to the primary; ForceReplica sends
//     reads to a replica, ignoring read-your-writes, and refuses the rest.
//  6. A statement that is not a read (writes, DDL, locking reads,
//     primary-only functions, session state, unknown or unparsable text)
//     runs on the primary.
//  7. A read runs on a replica in rotation (healthy, within
//     max_replica_lag, replicating) chosen by the policy, unless
//     read-your-writes needs the primary; with no replica in rotation it
//     runs on the primary, or fails when no_replica is fail. In causal
//     mode a read that goes to the primary only because no replica in
//     rotation was known, at its last measurement, to have replayed the
//     writes the read must see has Route.CatchUp set: the caller may then
//     run CatchUp, which checks a replica now.
func (r *Router) Decide(st Statement, in Input) (Route, error) {
	if st == nil {
		st = unknownStatement
	}
	kind := st.KindName()
	d := r.routeOf(in.DB)
	if d == nil {
		return Route{}, unknownDB(in.DB)
	}
	o := in.Overrides
	if o.WritesPrevented() && st.ChangesState() {
		return Route{}, readOnly(st, d, ByPreventWrites)
	}
	if in.Tx != nil {
		if in.Tx.Role == registry.Replica && !st.ReplicaSafe() {
			return Route{}, readOnly(st, d, ByReplicaTx)
		}
		return Route{Node: in.Tx, Kind: kind, Reason: ReasonTransaction, Pin: st.PinsSession()}, nil
	}
	if in.Pinned != nil {
		if in.Pinned.Role == registry.Replica && !st.ReplicaSafe() {
			return Route{}, readOnly(st, d, ByPinnedToReplica)
		}
		return Route{Node: in.Pinned, Kind: kind, Reason: ReasonPinned, Detail: st.SessionReason(), Pin: st.PinsSession()}, nil
	}
	if in.Last != nil && st.ReadsResults() {
		return Route{Node: in.Last, Kind: kind, Reason: ReasonSessionResults, Detail: st.PrimaryReason()}, nil
	}
	if begin, ro, serializable := st.BeginsTx(); begin {
		rt, err := r.begin(d, in, ro, serializable)
		rt.Kind, rt.Pin = kind, true // the transaction holds the connection
		return rt, err
	}
	if o != nil {
		switch o.force {
		case forcePrimary:
			return Route{Node: d.db.Primary, Kind: kind, Reason: ReasonForcePrimary, Detail: st.PrimaryReason(), Pin: st.PinsSession()}, nil
		case forceReplica:
			if !st.IsRead() {
				return Route{}, readOnly(st, d, ByForceReplica)
			}
			return r.forcedReplica(d, kind)
		}
	}
	if !st.IsRead() {
		return Route{Node: d.db.Primary, Kind: kind, Reason: ReasonWrite, Detail: st.PrimaryReason(), Pin: st.PinsSession()}, nil
	}
	return r.read(d, kind, in)
}

// DecideBegin returns where a transaction begun with opts (database/sql's
// BeginTx) runs. A read-write transaction runs on the primary. A READ ONLY
// one runs on the primary too unless read_only_transactions is replica: it
// is then routed as a read (read-your-writes included) and stays on that
// replica for its whole life. ForcePrimary, ForceReplica and a pinned
// session apply as they do to statements.
func (r *Router) DecideBegin(in Input, opts driver.TxOptions) (Route, error) {
	d := r.routeOf(in.DB)
	if d == nil {
		return Route{}, unknownDB(in.DB)
	}
	rt, err := r.begin(d, in, opts.ReadOnly, opts.Isolation == driver.IsolationLevel(sql.LevelSerializable))
	rt.Kind = "begin"
	return rt, err
}

func (r *Router) begin(d *dbRoute, in Input, ro, serializable bool) (Route, error) {
	if in.Pinned != nil {
		return Route{Node: in.Pinned, Reason: ReasonPinned}, nil
	}
	pgSerializable := serializable && r.dialect == dialect.Postgres
	if o := in.Overrides; o != nil {
		switch o.force {
		case forcePrimary:
			return Route{Node: d.db.Primary, Reason: ReasonForcePrimary}, nil
		case forceReplica:
			if pgSerializable {
				return Route{}, ErrSerializableOnStandby
			}
			return r.forcedReplica(d, "begin")
		}
	}
	switch {
	case !ro:
		return Route{Node: d.db.Primary, Reason: ReasonTxPrimary}, nil
	case r.cfg.ReadOnlyTransactions != routecfg.TxOnReplica:
		return Route{Node: d.db.Primary, Reason: ReasonReadOnlyTx, Detail: "read_only_transactions: primary"}, nil
	case pgSerializable:
		return Route{Node: d.db.Primary, Reason: ReasonSerializableRO}, nil
	}
	rt, err := r.read(d, "begin", in)
	if err == nil && rt.Reason == ReasonRead {
		rt.Reason = ReasonReadOnlyTx
	}
	return rt, err
}

// forcedReplica picks a replica in rotation, without read-your-writes.
func (r *Router) forcedReplica(d *dbRoute, k string) (Route, error) {
	if n, _ := r.pick(d, nil, nil); n != nil {
		return Route{Node: n, Kind: k, Reason: ReasonForceReplica}, nil
	}
	return Route{}, &NoReplicaError{Database: d.db.Name, Replicas: len(d.replicas), Why: "routing.ForceReplica"}
}

// read routes a read: a replica in rotation that honours read-your-writes.
func (r *Router) read(d *dbRoute, k string, in Input) (Route, error) {
	primary := d.db.Primary
	if len(d.replicas) == 0 {
		return Route{Node: primary, Kind: k, Reason: ReasonNoReplicas}, nil
	}
	detail, req1, req2 := r.needs(d, in)
	if detail != "" {
		return Route{Node: primary, Kind: k, Reason: ReasonRecentWrite, Detail: detail}, nil
	}
	n, inRotation := r.pick(d, req1, req2)
	switch {
	case n != nil:
		return Route{Node: n, Kind: k, Reason: ReasonRead}, nil
	case inRotation > 0:
		// Only positions (causal mode) can leave every replica in
		// rotation out: one may have caught up since it was measured.
		return Route{Node: primary, Kind: k, Reason: ReasonBehind, CatchUp: r.catchUp.wait > 0}, nil
	case r.cfg.NoReplica == routecfg.NoReplicaFail:
		return Route{}, &NoReplicaError{Database: d.db.Name, Replicas: len(d.replicas), Why: "no_replica: fail"}
	}
	return Route{Node: primary, Kind: k, Reason: ReasonNoReplicaUp, Fallback: true}, nil
}

func readOnly(st Statement, d *dbRoute, by string) error {
	return &ReadOnlyError{Kind: st.KindName(), Reason: st.PrimaryReason(), Database: d.db.Name, By: by}
}

func unknownDB(db *registry.Database) error {
	if db == nil {
		return errors.New("grant: routing: no target database")
	}
	return errors.New("grant: routing: database " + db.Name + " is not known to the router")
}
