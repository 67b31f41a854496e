package locking

import (
	"errors"
	"fmt"
	"strconv"
)

// ErrStaleObject is matched (errors.Is) by every *StaleObjectError.
var ErrStaleObject = errors.New("locking: stale object")

// ErrLockOutsideTx is matched by the *Error of a locking read asked for
// outside a transaction: its locks would end with the statement.
var ErrLockOutsideTx = errors.New("locking: lock requested outside a transaction")

// ErrCannotLock is matched by the *Error of a SELECT that cannot take the
// requested lock: it already has a locking clause, has set operations, has
// a shape the server refuses to lock (see the package documentation), or
// asks for an option the dialect lacks. It is returned before any I/O.
var ErrCannotLock = errors.New("locking: statement cannot take the lock")

// ErrCannotCheckVersion is matched by the *Error of an UPDATE or DELETE
// run with ExpectVersion that Grant cannot rewrite: it is not fully
// understood, or its table has no version column configured.
var ErrCannotCheckVersion = errors.New("locking: statement cannot check the version")

// maxStatementShown bounds the statement text in error messages.
const maxStatementShown = 200

// Error is a refusal of Grant's own, returned before the statement reaches
// any server. It names the statement and why; errors.Is matches its Err
// (ErrCannotLock, ErrLockOutsideTx or ErrCannotCheckVersion).
type Error struct {
	Statement string // the SQL text
	Reason    string // why, in words
	Err       error  // the sentinel
}

// Error formats the refusal as
// `locking: cannot lock rows of "SELECT count(*) FROM t": reason`.
func (e *Error) Error() string {
	s := e.Statement
	if len(s) > maxStatementShown {
		s = s[:maxStatementShown] + "..."
	}
	what := "refused"
	switch e.Err {
	case ErrCannotLock:
		what = "cannot lock rows of"
	case ErrLockOutsideTx:
		what = "lock requested outside a transaction for"
	case ErrCannotCheckVersion:
		what = "cannot check the version in"
	}
	if e.Reason == "" {
		return fmt.Sprintf("locking: %s %q", what, s)
	}
	return fmt.Sprintf("locking: %s %q: %s", what, s, e.Reason)
}

// Unwrap returns the sentinel.
func (e *Error) Unwrap() error { return e.Err }

// StaleObjectError reports that an UPDATE or DELETE run with ExpectVersion
// changed no row: the row is no longer at the expected version (another
// transaction changed or deleted it), or no longer exists. Reload and retry;
// IsRetryable matches it.
type StaleObjectError struct {
	Table   string // the statement's table, as written
	Version int64  // the version the statement expected
	Column  string // the version column
}

// Error names the table and the expected version.
func (e *StaleObjectError) Error() string {
	s := "locking: stale object: no row of " + e.Table + " at version " + strconv.FormatInt(e.Version, 10)
	if e.Column != "" {
		s += " (" + e.Column + ")"
	}
	return s + " was changed: another transaction changed or deleted it"
}

// Is makes every *StaleObjectError match ErrStaleObject.
func (e *StaleObjectError) Is(target error) bool { return target == ErrStaleObject }

// CheckAffected returns a *StaleObjectError when rowsAffected is 0 and nil
// otherwise: the check after an UPDATE or DELETE that carried a version
// condition. table, column and version describe that condition.
func CheckAffected(rowsAffected int64, table, column string, version int64) error {
	if rowsAffected != 0 {
		return nil
	}
	return &StaleObjectError{Table: table, Version: version, Column: column}
}
