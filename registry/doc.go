// Package registry owns the physical side of a Grant cluster: one
// database/sql pool per node (each primary and replica of each database),
// built on the real driver's connector wrapped by the interceptor chain.
//
// It looks nodes up by database and role, keeps per-node statistics
// (database/sql's pool stats plus statements in flight, errors and health),
// runs background health checks that take a failing node out of rotation
// and bring it back when it answers, and classifies connection-level errors
// so that the statement pipeline can retry idempotent reads.
//
// A node that is down when the registry opens does not stop the others:
// opening does no I/O, and a statement that needs the node fails with a
// *NodeError naming it (its DSN's password masked).
package registry
