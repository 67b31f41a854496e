package txn

import (
	"errors"
	"fmt"
	"strconv"
)

// The sentinel errors. An error of this package wraps one of them, so
// callers test with errors.Is; the message adds the detail.
var (
	// ErrNestedOptions: a nested Run asked for an isolation level or a
	// read-only mode that its enclosing transaction does not have. BEGIN
	// fixes both for the whole transaction.
	ErrNestedOptions = errors.New("txn: a nested Run cannot change the isolation level or read-only mode of its transaction")
	// ErrNotInnermost: a nested Run, or the end of one, on a context that
	// is not the innermost open one of its transaction: a context of an
	// enclosing function used inside a nested one, or two goroutines using
	// one transaction at once. A transaction serves one goroutine at a
	// time, and its savepoints end in the reverse order of their start.
	ErrNotInnermost = errors.New("txn: the context is not the innermost open one of its transaction")
	// ErrRollbackOnly: the transaction can no longer commit, because a
	// savepoint could not be rolled back (MySQL rolls back the whole
	// transaction on a deadlock, which removes its savepoints) or because
	// of ErrNotInnermost. The outermost Run rolls back instead of
	// committing and returns this error, which also wraps the cause.
	ErrRollbackOnly = errors.New("txn: the transaction can only roll back")
)

// RetryError is what the outermost Run returns when its last attempt failed
// with a retryable error and it gives up: the retries are used up, or the
// context ended while it waited for the next attempt. It unwraps to the last
// attempt's error (and to the context's error), so errors.Is and errors.As
// see the server's error.
type RetryError struct {
	Attempts int   // transactions run, the first one included
	Err      error // the last attempt's error
	Stopped  error // the context's error when it ended the waiting; nil when the retries were used up
}

// Error reads "txn: giving up after 4 attempts: <last error>" or
// "txn: context canceled after 2 attempts: <last error>".
func (e *RetryError) Error() string {
	n := strconv.Itoa(e.Attempts)
	if e.Stopped != nil {
		return "txn: " + e.Stopped.Error() + " after " + n + " attempts: " + e.Err.Error()
	}
	return "txn: giving up after " + n + " attempts: " + e.Err.Error()
}

// Unwrap returns the last attempt's error and, when the context ended the
// waiting, the context's error.
func (e *RetryError) Unwrap() []error {
	if e.Stopped != nil {
		return []error{e.Err, e.Stopped}
	}
	return []error{e.Err}
}

// CallbackPanic is the value Run panics with when an AfterCommit or
// AfterRollback callback panicked. Every callback ran before that panic; the
// transaction had committed or rolled back already.
type CallbackPanic struct {
	After string // "commit" or "rollback": which callback list it came from
	Value any    // the callback's panic value
	Stack []byte // the callback's stack at the panic
}

// Error reads "txn: AfterCommit callback panicked: <value>" followed by the
// stack, so a recovered CallbackPanic printed as an error says where.
func (p *CallbackPanic) Error() string {
	name := "AfterCommit"
	if p.After == "rollback" {
		name = "AfterRollback"
	}
	return fmt.Sprintf("txn: %s callback panicked: %v\n\n%s", name, p.Value, p.Stack)
}

// Unwrap returns the panic value when it is an error.
func (p *CallbackPanic) Unwrap() error {
	err, _ := p.Value.(error)
	return err
}
