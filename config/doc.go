// Package config is the cluster configuration of Grant: which dialect, which
// databases with their primary and replicas, pool, health-check, retry,
// routing and sharding settings. A Cluster is built in Go, loaded from a
// YAML or JSON file with Load, or made from one real driver's DSN with
// FromDSN; Validate reports every problem at once, each naming its key path
// (`databases.main.replicas[1]: ...`).
//
// # Types
//
// Every key has one type and a value of another is an error naming the key
// and the type it wants: `pool.max_open: want an integer, not a float` for
// 1.5, and likewise for "5" (a string), 2.0 (a float), `yes` for a bool or
// 5 for a string. Unknown keys and keys given twice are errors too.
//
// # Secrets
//
// No message prints a DSN or a value that might be one. DSNs are shown with
// every possible password masked (internal/dsn's rules: URL userinfo and
// password query parameters, keyword/value password= with any white space
// or quoting, MySQL user:password@), and values of other keys are never
// quoted, since a secret pasted into the wrong key (`dialect`,
// `pool.max_open`) must not end up in a log. An invalid `${...}` reference
// shows none of its text, as it may be part of a password.
//
// # Names given to sql.Open
//
// Resolve turns a name that is not a registered cluster into a validated
// Cluster, by these rules, in order:
//
//  1. postgres:// or postgresql:// is a PostgreSQL URL. Another scheme is
//     refused: mysql:// is not a go-sql-driver/mysql DSN.
//  2. A name starting "file:" is a config file when it ends .yaml, .yml or
//     .json (any case). It is a SQLite database when it ends .db, .sqlite or
//     .sqlite3, carries a ?query (?mode=memory, ?_pragma=...) or is
//     file::memory:. A config extension with a ?query, or neither an
//     extension nor a query, is ambiguous.
//  3. Any other name is tested against four forms: a MySQL DSN
//     (user:password@tcp(host:port)/db, user@unix(/path)/db, user@/db), a
//     PostgreSQL key=value string (its first key an identifier, some key a
//     libpq keyword: host, dbname, user, ...), a SQLite path ending .db,
//     .sqlite or .sqlite3 (no '=' before any ?query) or :memory:, and a
//     config path ending .yaml, .yml or .json (no '?' or '='). Exactly one
//     match decides; more than one is ambiguous (ErrAmbiguousDSN); none is
//     ErrUnknownDSN.
//
// A DSN becomes a one-node cluster of its dialect (FromDSN): one database
// named DSNDatabase ("main") whose primary is the DSN, taken literally ("$"
// is not an environment reference there), and every other setting at its
// default.
package config
