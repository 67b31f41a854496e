// Package registry owns the physical side of a Grant cluster: one
// database/sql pool per node (each primary and replica of each database),
// built on the real driver's connector wrapped by the interceptor chain.
//
// It looks nodes up by database and role, keeps per-node statistics
// (database/sql's pool stats plus statements in flight, errors, health,
// statements cut off and hedged reads), runs background health checks that
// take a failing node out of rotation and bring it back when it answers,
// and classifies errors: IsConnError (a connection-level failure, so an
// idempotent read may be retried) and NodeFailure (a failure that says the
// node itself is unreachable or broken, so it counts against its health;
// never the statement's own error, the caller's cancellation or a wait for
// the pool).
//
// Health checks run on a connection of their own per node, outside its
// pool, so that a saturated pool never fails them. When a node leaves
// rotation (failed checks, failures statements report, Registry.MarkDown)
// the network connections of the real PostgreSQL and MySQL drivers to it
// are cut: statements in flight on it end at once with a
// *LeftRotationError instead of waiting for a server that may never
// answer, and new connections to it give up within health.timeout.
//
// A node that is down when the registry opens does not stop the others:
// opening does no I/O, and a statement that needs the node fails with a
// *NodeError naming it (its DSN's password masked).
package registry
