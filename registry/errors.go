package registry

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"

	"github.com/grantsql/grant/internal/dsn"
)

// NodeError is an error from one node. Its message names the node and masks
// the node's password; errors.As and errors.Is see the driver's own error
// (*pgconn.PgError, *mysql.MySQLError, sql.ErrNoRows, ...) through Unwrap.
type NodeError struct {
	Node string
	Err  error
	text string
}

func (e *NodeError) Error() string { return e.text }

// Unwrap returns the driver's error.
func (e *NodeError) Unwrap() error { return e.Err }

// Wrap returns err as a *NodeError of n. Returned as they are: nil,
// driver.ErrSkip and io.EOF (control signals, not failures), and an error the
// server reported about the statement (*pgconn.PgError, *mysql.MySQLError,
// *sqlite.Error): ORMs identify those by type assertion (GORM's
// TranslateError does), and the statement, not the node, is at fault.
func (n *Node) Wrap(err error) error {
	if err == nil || err == driver.ErrSkip || err == io.EOF || IsServerError(err) {
		return err
	}
	return n.WrapConn(err)
}

// WrapConn returns err as a *NodeError of n whatever its type: for failures
// to reach the node, where the node is what the caller needs to know.
func (n *Node) WrapConn(err error) error {
	if err == nil {
		return nil
	}
	var ne *NodeError
	if errors.As(err, &ne) {
		return err
	}
	return &NodeError{Node: n.Name, Err: err, text: "grant: node " + n.Name + ": " + n.scrub(err.Error())}
}

func (n *Node) scrub(s string) string { return dsn.Scrub(n.dialect, n.dsn, s) }

// IsServerError reports whether err is, itself and not wrapped, the real
// driver's report of an error the server found in the statement.
func IsServerError(err error) bool {
	switch err.(type) {
	case *pgconn.PgError, *mysql.MySQLError, *sqlite.Error:
		return true
	}
	return false
}

// IsConnError reports whether err is a failure of the connection rather than
// of the statement: the connection was refused, reset or closed, or the driver
// said it is bad. Such a failure says nothing about the statement itself, so
// an idempotent read may be retried on another connection. Context
// cancellation and deadlines are never connection errors. Whether the
// failure also counts against the node is NodeFailure's question.
func IsConnError(err error) bool {
	if err == nil {
		return false
	}
	// A connection that could not be made, even for want of time within
	// the driver's connect timeout: the caller's own deadline ends any
	// retry anyway.
	var connect *pgconn.ConnectError
	var noAnswer *noAnswerError
	if errors.As(err, &connect) || errors.As(err, &noAnswer) {
		return true
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if errors.Is(err, ErrLeftRotation) || errors.Is(err, driver.ErrBadConn) || errors.Is(err, mysql.ErrInvalidConn) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, net.ErrClosed) {
		return true
	}
	var op *net.OpError
	if errors.As(err, &op) {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// 57P01-57P03 are the server shutting down, crashing or not yet
		// accepting connections; class 08 is a connection exception when
		// the server ends the session with it (FATAL). As an ERROR it is
		// about one message, such as 08P01 for a statement whose text
		// holds a NUL byte, and the connection goes on.
		return pgNodeDown(pgErr)
	}
	return pgconn.SafeToRetry(err)
}

// SafeToRetry reports whether err guarantees the statement never reached the
// server (driver.ErrBadConn, or pgx's own guarantee), so even a write may be
// sent again.
func SafeToRetry(err error) bool {
	return errors.Is(err, driver.ErrBadConn) || pgconn.SafeToRetry(err)
}

// staleStatement reports whether err says that a statement prepared earlier
// on the connection cannot run as prepared, and was not run: the server no
// longer knows it (PostgreSQL 26000 after DISCARD or DEALLOCATE, MySQL
// 1243), or PostgreSQL refuses its cached plan after a change of the
// table's columns. Preparing the statement again is then safe.
func staleStatement(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "26000" || pgErr.Code == "0A000" && strings.Contains(pgErr.Message, "cached plan must not change result type")
	}
	var myErr *mysql.MySQLError
	return errors.As(err, &myErr) && myErr.Number == 1243
}
