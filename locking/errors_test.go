package locking

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestErrorMessagesAndMatching(t *testing.T) {
	e := &Error{Statement: "SELECT count(*) FROM t", Reason: "PostgreSQL does not allow FOR UPDATE with aggregate functions", Err: ErrCannotLock}
	require.Equal(t, `locking: cannot lock rows of "SELECT count(*) FROM t": PostgreSQL does not allow FOR UPDATE with aggregate functions`, e.Error())
	require.ErrorIs(t, fmt.Errorf("wrapped: %w", e), ErrCannotLock)
	require.NotErrorIs(t, e, ErrLockOutsideTx)

	e = &Error{Statement: "SELECT 1", Err: ErrLockOutsideTx}
	require.Equal(t, `locking: lock requested outside a transaction for "SELECT 1"`, e.Error())
	require.ErrorIs(t, e, ErrLockOutsideTx)

	e = &Error{Statement: "UPDATE t SET a = 1", Reason: "why", Err: ErrCannotCheckVersion}
	require.Equal(t, `locking: cannot check the version in "UPDATE t SET a = 1": why`, e.Error())

	long := &Error{Statement: strings.Repeat("x", 500), Err: ErrCannotLock}
	require.Less(t, len(long.Error()), 260, "long statements are shortened")
	require.Contains(t, long.Error(), `..."`)
}

func TestStaleObject(t *testing.T) {
	require.NoError(t, CheckAffected(1, "accounts", "version", 3))
	require.NoError(t, CheckAffected(5, "accounts", "version", 3), "several rows changed is not stale")
	err := CheckAffected(0, "accounts", "version", 3)
	require.ErrorIs(t, err, ErrStaleObject)
	var se *StaleObjectError
	require.True(t, errors.As(fmt.Errorf("save: %w", err), &se))
	require.Equal(t, StaleObjectError{Table: "accounts", Version: 3, Column: "version"}, *se)
	require.Equal(t, "locking: stale object: no row of accounts at version 3 (version) was changed: another transaction changed or deleted it", err.Error())
	require.True(t, IsRetryable(err))
	require.True(t, IsRetryable(fmt.Errorf("tx: %w", err)))
	require.Equal(t, "locking: stale object: no row of t at version 0 was changed: another transaction changed or deleted it",
		(&StaleObjectError{Table: "t"}).Error())
}
