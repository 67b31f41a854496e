package registry_test

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"

	"github.com/grantsql/grant/registry"
)

func TestNodeFailureClassification(t *testing.T) {
	pgFatal := func(code string) *pgconn.PgError {
		return &pgconn.PgError{Code: code, Severity: "FATAL", SeverityUnlocalized: "FATAL"}
	}
	left := &registry.NodeError{Node: "main.replicas[0]", Err: &registry.LeftRotationError{Reason: "down", Err: io.ErrUnexpectedEOF}}
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"plain error", errors.New("boom"), false},
		{"canceled", context.Canceled, false},
		{"deadline", fmt.Errorf("wait: %w", context.DeadlineExceeded), false},
		{"bad conn (found closed before use)", driver.ErrBadConn, false},
		{"argument", &registry.ArgError{Ordinal: 1, Err: errors.New("bad")}, false},
		{"left rotation already", left, false},
		{"pg unique violation", pgUnique, false},
		{"pg 08P01 ERROR (NUL in the text)", pgProtocol, false},
		{"pg 08006 FATAL", pgConnLost, true},
		{"pg admin shutdown", pgShutdown, true},
		{"pg crash shutdown", pgFatal("57P02"), true},
		{"pg starting up", pgStarting, true},
		{"pg too many connections", pgFatal("53300"), false},
		{"pg connect refused", &pgconn.ConnectError{}, true},
		{"mysql duplicate", myDup, false},
		{"mysql server shutdown", &mysql.MySQLError{Number: 1053}, true},
		{"mysql server gone", &mysql.MySQLError{Number: 2006}, true},
		{"mysql lost connection", &mysql.MySQLError{Number: 2013}, true},
		{"mysql too many connections", &mysql.MySQLError{Number: 1040}, false},
		{"mysql access denied", &mysql.MySQLError{Number: 1045}, false},
		{"mysql invalid conn", mysql.ErrInvalidConn, true},
		{"unexpected EOF", io.ErrUnexpectedEOF, true},
		{"EOF alone (end of rows)", io.EOF, false},
		{"wrapped EOF", fmt.Errorf("read: %w", io.EOF), true},
		{"refused", dialErr, true},
		{"reset", fmt.Errorf("read: %w", syscall.ECONNRESET), true},
		{"broken pipe", syscall.EPIPE, true},
		{"read timeout", readErr, false},
		{"closed locally", net.ErrClosed, false},
		{"sqlite error", liteErr, false},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, registry.NodeFailure(ctx, tt.err))
		})
	}
	t.Run("anything after the caller's context ended", func(t *testing.T) {
		done, cancel := context.WithCancel(ctx)
		cancel()
		for _, tt := range tests {
			assert.False(t, registry.NodeFailure(done, tt.err), tt.name)
		}
	})
}

func TestLeftRotationError(t *testing.T) {
	cause := io.ErrUnexpectedEOF
	err := error(&registry.NodeError{Node: "main.primary", Err: &registry.LeftRotationError{Reason: "health check: timeout", Err: cause}})
	assert.ErrorIs(t, err, registry.ErrLeftRotation)
	assert.ErrorIs(t, err, cause, "the driver's error stays reachable")
	assert.NotErrorIs(t, err, driver.ErrBadConn, "database/sql must not retry it silently")
	assert.True(t, registry.IsConnError(err), "a connection-level failure: a read may be retried")
	assert.False(t, registry.SafeToRetry(err))
	assert.Contains(t, err.(*registry.NodeError).Err.Error(),
		"left rotation while the statement ran (health check: timeout): the statement was cancelled and may or may not have taken effect")
}
