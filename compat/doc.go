// Package compat checks that the database libraries Go programs use most run
// unchanged on top of Grant, on all three dialects (SQLite, PostgreSQL and
// MySQL/MariaDB):
//
//   - database/sql itself: CRUD, QueryRow, prepared statements, transactions,
//     NULLs, time values and []byte;
//   - sqlx: Get/Select into structs, NamedExec, In expansion, transactions;
//   - GORM with the gorm.io/driver/* dialectors given an existing *sql.DB:
//     AutoMigrate, associations, soft delete, transactions and savepoints;
//   - ent through entsql.OpenDB: schema migration, edges and transactions,
//     with the client generated under ./ent from ./ent/schema;
//   - goose and golang-migrate: migrations over a sharded cluster, the
//     sharded and broadcast tables on every shard, the version tables in the
//     default database (goose_test.go, golang_migrate_test.go).
//
// It is a module of its own so that these libraries never enter the import
// graph of github.com/grantsql/grant; it replaces that module with ../.
//
// SQLite tests always run, on files in a temporary directory. PostgreSQL and
// MariaDB tests run when GRANT_PG_DSN and GRANT_MYSQL_DSN name the servers
// (`.ci/run` starts them and sets both); they are skipped otherwise, except
// under CI=true, where a missing server fails the test. Every test creates
// its own tables (named compat_*) or its own database (grant_test_compat_*)
// and drops them when it ends, since other packages' tests share the servers.
//
// sqlx chooses its placeholder style from the driver name, and "grant" is not
// one it knows. Either wrap the *sql.DB under the real driver's name,
//
//	sqlx.NewDb(db, "pgx") // PostgreSQL: $1; "mysql" or "sqlite3": ?
//
// or tell sqlx once which style the name "grant" uses in this program:
//
//	sqlx.BindDriver("grant", sqlx.DOLLAR)
//	dbx := sqlx.NewDb(db, "grant")
package compat
