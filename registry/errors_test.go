package registry_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"testing"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"modernc.org/sqlite"

	"github.com/grantsql/grant/registry"
)

// retryable is an error that says, as pgx's own errors do, whether it
// happened before anything was sent.
type retryable struct{ safe bool }

func (e retryable) Error() string     { return fmt.Sprint("retryable ", e.safe) }
func (e retryable) SafeToRetry() bool { return e.safe }

var (
	pgUnique   = &pgconn.PgError{Code: "23505", Message: "duplicate key value"}
	pgConnLost = &pgconn.PgError{Code: "08006", Severity: "FATAL", SeverityUnlocalized: "FATAL", Message: "connection failure"}
	pgProtocol = &pgconn.PgError{Code: "08P01", Severity: "ERROR", SeverityUnlocalized: "ERROR", Message: "insufficient data left in message"}
	pgShutdown = &pgconn.PgError{Code: "57P01", Message: "terminating connection due to administrator command"}
	pgStarting = &pgconn.PgError{Code: "57P03", Message: "the database system is starting up"}
	myDup      = &mysql.MySQLError{Number: 1062, Message: "Duplicate entry"}
	liteErr    = &sqlite.Error{}
	dialErr    = &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	readErr    = &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}
)

// classification is what the predicates say of one error.
type classification struct{ Conn, Retry, Server bool }

func classify(err error) classification {
	c := classification{Conn: registry.IsConnError(err), Retry: registry.SafeToRetry(err)}
	if err != nil {
		c.Server = registry.IsServerError(err)
	}
	return c
}

func TestErrorClassification(t *testing.T) {
	node := &registry.NodeError{Node: "main.primary", Err: driver.ErrBadConn}
	tests := []struct {
		name string
		err  error
		want classification
	}{
		{"nil", nil, classification{}},
		{"plain error", errors.New("boom"), classification{}},
		{"canceled", context.Canceled, classification{}},
		{"deadline", context.DeadlineExceeded, classification{}},
		{"wrapped deadline", fmt.Errorf("query: %w", context.DeadlineExceeded), classification{}},
		{"deadline inside a net error", &net.OpError{Op: "read", Err: context.DeadlineExceeded}, classification{}},
		{"bad conn", driver.ErrBadConn, classification{Conn: true, Retry: true}},
		{"wrapped bad conn", fmt.Errorf("x: %w", driver.ErrBadConn), classification{Conn: true, Retry: true}},
		{"node error over bad conn", node, classification{Conn: true, Retry: true}},
		{"mysql invalid conn", mysql.ErrInvalidConn, classification{Conn: true}},
		{"unexpected EOF", io.ErrUnexpectedEOF, classification{Conn: true}},
		{"EOF", io.EOF, classification{Conn: true}},
		{"refused", syscall.ECONNREFUSED, classification{Conn: true}},
		{"reset", fmt.Errorf("read: %w", syscall.ECONNRESET), classification{Conn: true}},
		{"broken pipe", syscall.EPIPE, classification{Conn: true}},
		{"net closed", net.ErrClosed, classification{Conn: true}},
		{"dial error", dialErr, classification{Conn: true}},
		{"read timeout", readErr, classification{Conn: true}},
		{"pgx safe to retry", retryable{true}, classification{Conn: true, Retry: true}},
		{"pgx not safe to retry", retryable{false}, classification{}},
		{"pg unique violation", pgUnique, classification{Server: true}},
		{"pg connection failure", pgConnLost, classification{Conn: true, Server: true}},
		{"pg protocol violation, an ERROR", pgProtocol, classification{Server: true}},
		{"pg admin shutdown", pgShutdown, classification{Conn: true, Server: true}},
		{"pg starting up", pgStarting, classification{Conn: true, Server: true}},
		{"wrapped pg error", fmt.Errorf("x: %w", pgUnique), classification{}},
		{"mysql duplicate", myDup, classification{Server: true}},
		{"sqlite error", liteErr, classification{Server: true}},
		{"sql.ErrNoRows", sql.ErrNoRows, classification{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, classify(tt.err))
		})
	}
}

func TestNodeWrap(t *testing.T) {
	reg, _ := openFake(t, nil, registry.Options{})
	n := primary(reg)
	same := []error{nil, driver.ErrSkip, io.EOF, pgUnique, pgConnLost, myDup, liteErr}
	for _, err := range same {
		assert.True(t, n.Wrap(err) == err, "%v is returned as it is", err)
	}

	for _, err := range []error{driver.ErrBadConn, dialErr, errors.New("boom"), fmt.Errorf("x: %w", pgUnique)} {
		got := n.Wrap(err)
		var ne *registry.NodeError
		require.ErrorAs(t, got, &ne, "%v", err)
		assert.Equal(t, "main.primary", ne.Node)
		assert.Same(t, err, ne.Err)
		assert.ErrorIs(t, got, err)
		assert.Equal(t, "grant: node main.primary: "+err.Error(), got.Error())
		assert.True(t, n.Wrap(got) == got, "a node error is not wrapped twice")
	}

	// WrapConn wraps a server's error too: the node is what matters.
	got := n.WrapConn(pgConnLost)
	var pgErr *pgconn.PgError
	require.ErrorAs(t, got, &pgErr)
	assert.Same(t, pgConnLost, pgErr)
	assert.Equal(t, "grant: node main.primary: "+pgConnLost.Error(), got.Error())
	assert.Nil(t, n.WrapConn(nil))

	// The node's password never shows.
	leak := n.Wrap(errors.New("cannot reach " + primaryDSN + " (password " + password + ")"))
	assert.NotContains(t, leak.Error(), password)
	assert.Contains(t, leak.Error(), "postgres://app:xxxxx@main-db/main")
}

func TestArgErrorNamesTheArgument(t *testing.T) {
	reg, fake := openFake(t, nil, registry.Options{})
	c := acquire(t, primary(reg))
	defer c.Release(nil)
	args := []driver.NamedValue{{Ordinal: 1, Value: 1}, {Ordinal: 2, Name: "tags", Value: struct{}{}}}
	_, err := c.Exec(context.Background(), "e", args, true)
	var ae *registry.ArgError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 2, ae.Ordinal)
	assert.Equal(t, "tags", ae.Name)
	assert.Contains(t, err.Error(), "grant: converting argument $2 (tags): ")
	assert.Zero(t, fake.DB(primaryDSN).Count("stmt.exec"), "nothing ran")
}
