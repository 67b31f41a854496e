// Package routing decides which node of a database runs each statement:
// reads on a replica in rotation, everything else on the primary, without a
// change to application code, and never a read that silently misses the
// session's own write or a write sent to a replica.
//
// # Decisions
//
// Router.Decide takes what Grant's analyzer decided of a statement (a
// Statement: its kind and effects, computed once per statement text) and
// what the virtual connection knows (Input: target database, context
// overrides, open transaction, pinned node, its own Session) and returns a
// Route: the node, a constant Reason and the analyzer's Detail. It
// does no I/O and allocates nothing. DecideBegin places a transaction begun
// through database/sql. Explain shows the route of a statement text.
//
// Statements that are not reads (writes, DDL, locking reads, primary-only
// functions, session state, unknown or unparsable text) run on the primary.
// Transactions run on the primary; with read_only_transactions: replica a
// READ ONLY transaction runs on one replica for its whole life (the default
// keeps every transaction on the primary, as Rails keeps them on the writer:
// a transaction is where an application least expects a stale snapshot).
// A statement with session effects sets Route.Pin: the session keeps that
// connection and routes everything there until it is reset.
//
// # Context overrides
//
// The Go form of Rails' connected_to: ForcePrimary, ForceReplica,
// UseDatabase, PreventWrites (a statement that may change data fails with a
// *ReadOnlyError naming its kind, before any I/O), WithSession and
// WithToken. They live in one value under one context key.
//
// # Replicas in rotation
//
// A replica serves reads when the registry's health checks find it healthy,
// its replication is not broken (MariaDB Seconds_Behind_Master NULL, a
// PostgreSQL node not in recovery), and its measured lag is within
// max_replica_lag (when set; an unknown lag is then over the limit). The
// Router's lag monitor (Start) measures each replica every
// lag_check_interval, separately from health checks, so that health and lag
// stay separate: a lagging replica is not down. Among the replicas in
// rotation the policy picks one: round_robin, random, least_in_flight or
// weighted. With none in rotation a read goes to the primary (Route.Fallback)
// or fails with a *NoReplicaError when no_replica is fail.
//
// # Read your writes
//
// window mode (the default, Rails' 2 s): for read_your_writes.window after
// a write, reads of that database go to the primary. causal mode: after a
// write the caller reads the primary's position (CurrentPosition:
// PostgreSQL's WAL LSN, MariaDB's @@last_gtid) and records it with
// Router.Wrote; a read then goes to a replica whose measured replayed
// position covers it. A replica's position is known as of its last
// measurement (every lag_check_interval); when every replica in rotation
// was last seen behind, Decide sends the read to the primary with
// Route.CatchUp set, and the caller runs Router.CatchUp: it checks one
// replica now (PostgreSQL pg_last_wal_replay_lsn(), polled; MariaDB
// MASTER_GTID_WAIT and @@gtid_slave_pos), waiting up to
// read_your_writes.max_wait (20ms by default; 0 turns the check off), and
// the read runs there if it caught up, else on the primary. Reads waiting
// for the same replica share one check, whose position is recorded for the
// reads that follow. Decide itself stays free of I/O.
//
// Whose writes count: a Session in the context (WithSession, e.g. one per
// HTTP request or user session) is the precise scope. Without one, every
// write to the database through this process's Routers of the cluster
// counts (scope database): safe, but under a steady write load it sends
// most reads to the primary. Routers of the same cluster (Options.Cluster,
// ClusterID: the same dialect and databases on the same primaries; each
// sql.Open or grant.NewConnector makes one) share that record, so a write
// through one sql.Open is read back through another; the record goes
// with the last of them to close. Scope
// connection counts only the virtual connection's own writes, which misses
// a write made through another pooled connection: database/sql does not
// promise that consecutive statements of a *sql.DB share one. Session.Token
// makes a session's record portable (a cookie) across requests and
// processes.
package routing
