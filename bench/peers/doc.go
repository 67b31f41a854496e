// Package peers measures Grant beside the libraries a Go program would
// otherwise use for the same job, on the same workload, machine and
// servers, in the same run:
//
//   - the raw driver (pgx v5 stdlib, go-sql-driver/mysql, modernc.org/sqlite);
//   - ngrok/sqlmw wrapping the raw driver with a null interceptor (the
//     cost of a driver wrapper that does nothing);
//   - XSAM/otelsql with an OpenTelemetry SDK tracer provider that never
//     samples (the cost of instrumentation left on in production);
//   - tsenart/nap, a primary/replica split over database/sql;
//   - gorm.io/plugin/dbresolver, the primary/replica split of GORM;
//   - for sharding, GORM over the raw driver sent straight to the right
//     shard by the application: the physical limit, since go-gorm/sharding
//     (tables in one database only) is not available here.
//
// It is a module of its own so that none of these libraries enters the
// dependency graph of github.com/grantsql/grant; it replaces that module
// with ../.. . Every benchmark names its sides /side=raw, /side=grant,
// /side=sqlmw, ... so that benchstat -col /side compares them; ./run runs
// them all and prints the tables recorded in BENCHMARKS.md.
//
// The benchmarks read the test servers from GRANT_PG_DSN,
// GRANT_PG_REPLICA_DSN, GRANT_MYSQL_DSN and GRANT_MYSQL_REPLICA_DSN and are
// skipped for a server whose variable is unset; SQLite always runs, on files
// in a temporary directory. They create their own tables (peers_bench_*) and,
// for sharding, databases (grant_test_peers_*), and drop them at the end.
package peers
