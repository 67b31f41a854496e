// Package locking is Grant's row locking: pessimistic locking reads asked
// for through the context, optimistic version checks, and predicates that
// classify the servers' lock errors. Application code keeps its SQL; the
// context says what to add.
//
// # Pessimistic locking
//
//	ctx := locking.ForUpdate(ctx, locking.NoWait)          // or ForShare, ForNoKeyUpdate, ForKeyShare
//	tx, _ := db.BeginTx(ctx, nil)
//	row := tx.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1", id)
//	// runs: SELECT balance FROM accounts WHERE id = $1 FOR UPDATE NOWAIT
//
// Every SELECT run with the context gets the dialect's locking clause after
// its last clause (after LIMIT / OFFSET, before a trailing ';' or comment);
// other statements run unchanged, so a context can cover a whole
// read-modify-write. The options are NoWait (fail at once when a row is
// locked), SkipLocked (leave locked rows out), Of (lock only some tables;
// name them as the statement does, Grant uses their aliases) and Timeout
// (how long to wait for a lock).
//
//	                  PostgreSQL               MariaDB                 MySQL 8                SQLite
//	ForUpdate         FOR UPDATE               FOR UPDATE              FOR UPDATE             BEGIN IMMEDIATE
//	ForShare          FOR SHARE                LOCK IN SHARE MODE      FOR SHARE              BEGIN IMMEDIATE
//	ForNoKeyUpdate    FOR NO KEY UPDATE        refused                 refused                refused
//	ForKeyShare       FOR KEY SHARE            refused                 refused                refused
//	NoWait            NOWAIT                   NOWAIT                  NOWAIT                 busy_timeout 0
//	SkipLocked        SKIP LOCKED              SKIP LOCKED             SKIP LOCKED            refused
//	Of(t)             OF t                     refused                 OF t                   ignored
//	Timeout(d)        SET LOCAL lock_timeout   WAIT n (seconds)        innodb_lock_wait_      busy_timeout
//	                  around the statement                             timeout, restored      around BEGIN
//
// A locking read is refused before it reaches a server, with a *Error that
// names the statement and matches ErrCannotLock, when it already has a
// locking clause (anywhere, subqueries included), has UNION / INTERSECT /
// EXCEPT, is a VALUES list, SELECT .. INTO, MySQL's TABLE t, holds several
// statements or is not fully understood by Grant's analyzer; on PostgreSQL
// also when the server would refuse the clause: DISTINCT, GROUP BY, HAVING,
// aggregates, window functions or set-returning functions in the select
// list, the nullable side of an outer join (lock the other side with Of),
// a derived table in FROM with any of these, Of naming a WITH query or a
// table function, and SKIP LOCKED with FETCH .. WITH TIES. MariaDB and
// MySQL accept locking clauses on aggregates, GROUP BY, DISTINCT and
// window functions (they lock every row the statement reads), so Grant
// passes those. A locking read outside a transaction is refused with
// ErrLockOutsideTx: its locks would end with the statement.
//
// SQLite has no row locks, so Grant takes its database write lock: a
// transaction begun with a locking context (db.BeginTx(locking.ForUpdate(ctx),
// nil)) begins with BEGIN IMMEDIATE, and its locking SELECTs run
// unchanged. Other writers then wait (busy_timeout) or fail with
// SQLITE_BUSY until it ends; readers in WAL mode go on. A locking SELECT in
// a SQLite transaction that holds no write lock is refused (ErrCannotLock)
// rather than run without the protection it asked for.
//
// Timeouts: MariaDB and MySQL count whole seconds (a timeout is rounded
// up); with NoWait or SkipLocked they wait for no row, so no timeout is set
// there. PostgreSQL's lock_timeout is set with SET LOCAL just before the
// statement and given back its previous value just after.
//
// # Optimistic locking
//
//	locking:
//	  version_column: lock_version          # every table's
//	  version_columns: {accounts: version}  # per table
//
//	ctx := locking.ExpectVersion(ctx, acct.Version)
//	res, err := db.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", b, id)
//	// runs: UPDATE accounts SET balance = $1, version = version + 1 WHERE id = $2 AND version = $3
//	if errors.Is(err, locking.ErrStaleObject) { /* reload and retry */ }
//
// An UPDATE or DELETE run with the context tests the version column in its
// WHERE clause (the version travels as a bind parameter, so the rewrite is
// cached per statement text); an UPDATE also increments it. When no row
// changes the statement fails with a *StaleObjectError (the executor checks
// RowsAffected; CheckAffected is the same check for hand-written code).
// An UPDATE that already assigns the version column keeps its assignment;
// a WHERE that already tests it gets the new test too (both must hold); a
// statement matching several rows checks each row, and is stale only when
// it changes none. A condition with a top-level OR is parenthesised first.
// Other statements run unchanged.
//
// # Errors of the servers
//
// Server errors keep the driver's own type (*pgconn.PgError,
// *mysql.MySQLError, *sqlite.Error), so the lock errors are predicates over
// them, which see through wrapping:
//
//	              PostgreSQL                   MariaDB / MySQL        SQLite
//	IsDeadlock    40P01                        1213                   -
//	IsLockTimeout 55P03 from lock_timeout      1205                   SQLITE_BUSY
//	IsLockNot-    55P03 from NOWAIT            1205 (MariaDB), 3572   SQLITE_BUSY
//	 Available                                 (MySQL 8)
//	IsSerializ-   40001                        1020 (MariaDB          SQLITE_BUSY_SNAPSHOT
//	 ationFailure                              snapshot isolation)
//	IsRetryable   deadlock, serialization failure, or *StaleObjectError
//
// PostgreSQL reports NOWAIT and lock_timeout failures with one code; the
// predicates tell them apart by the server routine that raised the error.
// MariaDB and SQLite use one code for both, which both predicates match.
package locking
