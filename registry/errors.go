package registry

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"syscall"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"

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

// Wrap returns err as a *NodeError of n; nil, driver.ErrSkip and io.EOF,
// which are control signals rather than failures, are returned as they are.
func (n *Node) Wrap(err error) error {
	if err == nil || err == driver.ErrSkip || err == io.EOF {
		return err
	}
	var ne *NodeError
	if errors.As(err, &ne) {
		return err
	}
	return &NodeError{Node: n.Name, Err: err, text: "grant: node " + n.Name + ": " + n.scrub(err.Error())}
}

func (n *Node) scrub(s string) string { return dsn.Scrub(n.dialect, n.dsn, s) }

// IsConnError reports whether err is a failure of the connection rather than
// of the statement: the connection was refused, reset or closed, or the driver
// said it is bad. Such a failure says nothing about the statement itself, so
// an idempotent read may be retried on another connection. Context
// cancellation and deadlines are never connection errors.
func IsConnError(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, mysql.ErrInvalidConn) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, net.ErrClosed) {
		return true
	}
	var op *net.OpError
	if errors.As(err, &op) {
		return true
	}
	var connect *pgconn.ConnectError
	if errors.As(err, &connect) {
		return true
	}
	return pgconn.SafeToRetry(err)
}

// SafeToRetry reports whether err guarantees the statement never reached the
// server (driver.ErrBadConn, or pgx's own guarantee), so even a write may be
// sent again.
func SafeToRetry(err error) bool {
	return errors.Is(err, driver.ErrBadConn) || pgconn.SafeToRetry(err)
}
