package locking

import (
	"errors"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
)

// Server error codes the predicates read.
const (
	pgSerializationFailure = "40001"
	pgDeadlock             = "40P01"
	pgLockNotAvailable     = "55P03" // NOWAIT and lock_timeout alike
	// pgTimeoutRoutine is the server routine that reports lock_timeout
	// (and statement_timeout, which has another code); a NOWAIT failure is
	// reported by the routine that tried the lock (heap_lock_tuple, ...).
	pgTimeoutRoutine = "ProcessInterrupts"

	myLockWaitTimeout = 1205 // ER_LOCK_WAIT_TIMEOUT; MariaDB's NOWAIT and WAIT n too
	myDeadlock        = 1213 // ER_LOCK_DEADLOCK
	myCheckRead       = 1020 // ER_CHECKREAD: MariaDB snapshot isolation conflict
	myLockNoWait      = 3572 // ER_LOCK_NOWAIT (MySQL 8)

	sqliteBusy         = 5   // SQLITE_BUSY
	sqliteBusySnapshot = 517 // SQLITE_BUSY_SNAPSHOT: a WAL read snapshot is stale
)

// serverError is the code of a server error, as found in err's chain.
type serverError struct {
	pg     *pgconn.PgError
	my     *mysql.MySQLError
	sqlite int // extended result code, 0 when not a SQLite error
}

func classify(err error) serverError {
	var s serverError
	if err == nil {
		return s
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		s.pg = pe
		return s
	}
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		s.my = me
		return s
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		s.sqlite = se.Code()
	}
	return s
}

// IsDeadlock reports whether err is the server's deadlock error: the
// transaction was chosen as a deadlock victim and rolled back (PostgreSQL
// 40P01, MySQL/MariaDB 1213). Retry the whole transaction. SQLite reports
// its lock-upgrade deadlocks as SQLITE_BUSY, which this does not match.
func IsDeadlock(err error) bool {
	s := classify(err)
	switch {
	case s.pg != nil:
		return s.pg.Code == pgDeadlock
	case s.my != nil:
		return s.my.Number == myDeadlock
	}
	return false
}

// IsLockTimeout reports whether err says that a statement waited for a lock
// and gave up: PostgreSQL 55P03 raised by lock_timeout, MySQL/MariaDB 1205
// (innodb_lock_wait_timeout, WAIT n), SQLite SQLITE_BUSY after busy_timeout.
// MariaDB and SQLite report NOWAIT failures with the same codes, so on them
// IsLockNotAvailable matches the same errors. MySQL and MariaDB roll back
// only the statement, not the transaction, unless
// innodb_rollback_on_timeout is on; PostgreSQL aborts the transaction.
func IsLockTimeout(err error) bool {
	s := classify(err)
	switch {
	case s.pg != nil:
		return s.pg.Code == pgLockNotAvailable && (s.pg.Routine == pgTimeoutRoutine || s.pg.Routine == "")
	case s.my != nil:
		return s.my.Number == myLockWaitTimeout
	case s.sqlite != 0:
		return s.sqlite&0xff == sqliteBusy && s.sqlite != sqliteBusySnapshot
	}
	return false
}

// IsLockNotAvailable reports whether err says that a NOWAIT lock found the
// row (or table) locked: PostgreSQL 55P03 not raised by lock_timeout,
// MySQL 8 3572, and — because these servers use one code for both —
// MariaDB 1205 and SQLite SQLITE_BUSY, which IsLockTimeout matches too.
func IsLockNotAvailable(err error) bool {
	s := classify(err)
	switch {
	case s.pg != nil:
		return s.pg.Code == pgLockNotAvailable && s.pg.Routine != pgTimeoutRoutine
	case s.my != nil:
		return s.my.Number == myLockNoWait || s.my.Number == myLockWaitTimeout
	case s.sqlite != 0:
		return s.sqlite&0xff == sqliteBusy && s.sqlite != sqliteBusySnapshot
	}
	return false
}

// IsSerializationFailure reports whether err says the transaction could
// not be serialized with concurrent ones and was rolled back: PostgreSQL
// 40001 (SERIALIZABLE and REPEATABLE READ conflicts), MariaDB 1020 (a row
// changed since the snapshot read it, with innodb_snapshot_isolation),
// SQLite SQLITE_BUSY_SNAPSHOT (a WAL transaction that read an old snapshot
// tried to write). Retry the whole transaction.
func IsSerializationFailure(err error) bool {
	s := classify(err)
	switch {
	case s.pg != nil:
		return s.pg.Code == pgSerializationFailure
	case s.my != nil:
		return s.my.Number == myCheckRead
	case s.sqlite != 0:
		return s.sqlite == sqliteBusySnapshot
	}
	return false
}

// IsRetryable reports whether running the whole transaction again may
// succeed: a deadlock, a serialization failure, or a stale object (reload
// the row first). Lock timeouts are not included: the lock holder may hold
// it for long.
func IsRetryable(err error) bool {
	return errors.Is(err, ErrStaleObject) || IsDeadlock(err) || IsSerializationFailure(err)
}
