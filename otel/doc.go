// Package otelgrant reports to OpenTelemetry what Grant does on the nodes
// of a cluster, which a database/sql instrumentation such as
// github.com/XSAM/otelsql cannot see: which node ran each statement (its
// name, role and database, the shard in a sharded cluster), every leg of a
// fan-out read or of a write on several databases as a span of its own, and
// per-node metrics (statements in flight, errors, health, rotation, replica
// lag, pool connections).
//
// It is a module of its own, so that a program that does not use
// OpenTelemetry never links it:
//
//	import otelgrant "github.com/grantsql/grant/otel"
//
//	c, err := grant.NewConnector(cfg, otelgrant.Trace())
//	reg, err := otelgrant.RegisterMetrics(c, nil)    // nil: the global MeterProvider
//	db := otelsql.OpenDB(c)                          // statement spans from otelsql, if wanted
//
// Trace adds an interceptor to every node's chain. Each call on a node
// (connect, query, exec, prepare, begin, commit, rollback) becomes a span
// named grant.query, grant.exec, ... of kind client, a child of the span in
// the statement's context (otelsql's statement span, or the application's):
// the legs of a fan-out run on their nodes with the statement's context, so
// they appear as sibling child spans, one per database. A query's span lasts
// until its rows are closed and counts them (grant.rows). By default a call
// whose context carries no span makes none (WithRootSpans changes that), so
// background work (health checks, lag measurement) stays out of traces.
// The statements Grant runs for its own needs within a statement are named
// by their registry.Purpose: grant.catalog for the first read of a table's
// unique keys or text collations (then cached).
//
// The attributes of a node span are db.system.name (postgresql, mysql or
// sqlite), grant.node ("s1.replicas[0]"), grant.database ("s1": in a sharded
// cluster, the shard), grant.role (primary or replica) and, unless
// WithQueryText(false), db.query.text: the SQL the node ran, which for a leg
// of a fan-out is the rewritten statement.
//
// A commit or rollback span is a child of the span that was current when
// the node's transaction began (database/sql passes no context to Commit):
// Grant begins a database's transaction at the transaction's first
// statement there.
package otelgrant
