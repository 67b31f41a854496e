package registry

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
)

// ErrLeftRotation is matched by errors.Is for the error of a statement that
// was cancelled because its node left rotation while it ran.
var ErrLeftRotation = errors.New("grant: node left rotation")

// LeftRotationError is a statement cancelled because its node left rotation
// (its health checks failed, statements found it unreachable, or
// Registry.MarkDown) while the statement ran. It comes inside a *NodeError
// naming the node. A read may be retried elsewhere; a write may or may not
// have taken effect on the server.
type LeftRotationError struct {
	// Reason is why the node left rotation: its last failure, masked.
	Reason string
	// Err is what the driver reported when its connection was cut.
	Err error
}

func (e *LeftRotationError) Error() string {
	return "left rotation while the statement ran (" + e.Reason +
		"): the statement was cancelled and may or may not have taken effect: " + e.Err.Error()
}

// Is reports whether target is ErrLeftRotation.
func (e *LeftRotationError) Is(target error) bool { return target == ErrLeftRotation }

// Unwrap returns the driver's error.
func (e *LeftRotationError) Unwrap() error { return e.Err }

// noAnswerError is a connection to a node out of rotation that did not
// answer within the health check timeout (see physConnector.Connect). It
// does not unwrap to the deadline: the caller's context did not end.
type noAnswerError struct {
	limit time.Duration
	err   error
}

func (e *noAnswerError) Error() string {
	return "out of rotation, no answer within " + e.limit.String() + " (health.timeout): " + e.err.Error()
}

// NodeFailure reports whether err, met by a statement run under ctx, says
// that the node is unreachable or broken, so that it counts against the
// node's health. What it counts: a connection that could not be made
// (refused, unreachable, timed out) unless the server answered it with a
// refusal of its own (authentication, too many connections); a connection
// reset, cut or ended by the server in the middle of a statement;
// PostgreSQL's shutdown answers (57P01 admin_shutdown, 57P02
// crash_shutdown, 57P03 cannot_connect_now) and FATAL connection
// exceptions (class 08); MySQL's 1053 (server shutdown) and the client
// codes 2006 and 2013 (server gone, lost); SQLite's I/O, corruption and
// cannot-open errors.
//
// What it never counts: anything once ctx has ended (the caller's
// cancellation or deadline, and whatever the driver reports after it, such
// as pgx's "bad connection" on a connection a cancel closed); the
// statement's own errors (syntax, constraints, data such as PostgreSQL's
// 08P01 for a NUL byte in the text: the server answered); a wait for a
// pooled connection; driver.ErrBadConn alone (a connection found closed
// before use: retrying on a new one tells whether the node answers); and a
// statement cancelled because the node already left rotation.
func NodeFailure(ctx context.Context, err error) bool {
	if err == nil || (ctx != nil && ctx.Err() != nil) || errors.Is(err, ErrLeftRotation) {
		return false
	}
	var noAnswer *noAnswerError
	if errors.As(err, &noAnswer) {
		return true
	}
	var arg *ArgError
	if errors.As(err, &arg) {
		return false
	}
	var connect *pgconn.ConnectError
	if errors.As(err, &connect) {
		var pgErr *pgconn.PgError
		if errors.As(connect, &pgErr) {
			return pgNodeDown(pgErr)
		}
		return true // refused, unreachable, timed out (connect_timeout), TLS
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgNodeDown(pgErr)
	}
	var myErr *mysql.MySQLError
	if errors.As(err, &myErr) {
		switch myErr.Number {
		case 1053, 2006, 2013: // server shutdown; server gone away; lost connection
			return true
		}
		return false
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		switch liteErr.Code() & 0xff {
		case 10, 11, 14, 26: // SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_CANTOPEN, SQLITE_NOTADB
			return true
		}
		return false
	}
	if errors.Is(err, driver.ErrBadConn) {
		return false
	}
	if errors.Is(err, mysql.ErrInvalidConn) || errors.Is(err, io.ErrUnexpectedEOF) || (err != io.EOF && errors.Is(err, io.EOF)) {
		return true
	}
	for _, errno := range nodeDownErrnos {
		if errors.Is(err, errno) {
			return true
		}
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// nodeDownErrnos are the system errors of a node that cannot be reached or
// dropped the connection.
var nodeDownErrnos = []error{syscall.ECONNREFUSED, syscall.ECONNRESET, syscall.ECONNABORTED, syscall.EPIPE,
	syscall.ETIMEDOUT, syscall.EHOSTUNREACH, syscall.ENETUNREACH, syscall.EHOSTDOWN}

// pgNodeDown reports whether a PostgreSQL error says the server is going
// away or cannot serve: its shutdown and startup answers, or a connection
// exception it ended the session with.
func pgNodeDown(e *pgconn.PgError) bool {
	switch e.Code {
	case "57P01", "57P02", "57P03":
		return true
	}
	return strings.HasPrefix(e.Code, "08") && pgFatal(e)
}

// pgFatal reports whether the server ended the session with e.
func pgFatal(e *pgconn.PgError) bool {
	s := e.SeverityUnlocalized
	if s == "" {
		s = e.Severity
	}
	return s == "FATAL" || s == "PANIC"
}
