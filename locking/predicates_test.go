package locking

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"
	"modernc.org/sqlite"
)

// verdict is what the five predicates say about one error.
type verdict struct{ deadlock, timeout, notAvailable, serialization, retryable bool }

func judge(err error) verdict {
	return verdict{IsDeadlock(err), IsLockTimeout(err), IsLockNotAvailable(err), IsSerializationFailure(err), IsRetryable(err)}
}

func TestPredicatesOnConstructedErrors(t *testing.T) {
	pg := func(code, routine string) error { return &pgconn.PgError{Code: code, Routine: routine, Message: "m"} }
	my := func(n uint16) error { return &mysql.MySQLError{Number: n, Message: "m"} }
	for _, c := range []struct {
		name string
		err  error
		want verdict
	}{
		{"nil", nil, verdict{}},
		{"other error", errors.New("boom"), verdict{}},
		{"sql.ErrNoRows", sql.ErrNoRows, verdict{}},
		{"pg deadlock", pg("40P01", "DeadLockReport"), verdict{deadlock: true, retryable: true}},
		{"pg serialization", pg("40001", "OnConflict_CheckForSerializationFailure"), verdict{serialization: true, retryable: true}},
		{"pg NOWAIT", pg("55P03", "heap_lock_tuple"), verdict{notAvailable: true}},
		{"pg NOWAIT on a table", pg("55P03", "RangeVarGetRelidExtended"), verdict{notAvailable: true}},
		{"pg lock_timeout", pg("55P03", "ProcessInterrupts"), verdict{timeout: true}},
		{"pg 55P03 without routine", pg("55P03", ""), verdict{timeout: true, notAvailable: true}},
		{"pg statement_timeout", pg("57014", "ProcessInterrupts"), verdict{}},
		{"pg unique violation", pg("23505", "_bt_check_unique"), verdict{}},
		{"mysql deadlock", my(1213), verdict{deadlock: true, retryable: true}},
		{"mysql lock wait timeout", my(1205), verdict{timeout: true, notAvailable: true}},
		{"mysql 8 NOWAIT", my(3572), verdict{notAvailable: true}},
		{"mariadb snapshot conflict", my(1020), verdict{serialization: true, retryable: true}},
		{"mysql duplicate key", my(1062), verdict{}},
		{"wrapped pg deadlock", fmt.Errorf("node main.primary: %w", pg("40P01", "")), verdict{deadlock: true, retryable: true}},
		{"joined", errors.Join(errors.New("a"), my(1213)), verdict{deadlock: true, retryable: true}},
		{"stale object", &StaleObjectError{Table: "t"}, verdict{retryable: true}},
		{"refusal", &Error{Err: ErrCannotLock}, verdict{}},
	} {
		require.Equal(t, c.want, judge(c.err), c.name)
	}
}

// realSQLiteBusy returns a real SQLITE_BUSY: a second connection asks for the
// write lock the first one holds, without waiting.
func realSQLiteBusy(t *testing.T) error {
	path := filepath.Join(t.TempDir(), "busy.db")
	ctx := context.Background()
	open := func() *sql.Conn {
		db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(0)&_pragma=journal_mode(wal)")
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		c, err := db.Conn(ctx)
		require.NoError(t, err)
		t.Cleanup(func() { c.Close() })
		return c
	}
	a, b := open(), open()
	_, err := a.ExecContext(ctx, "BEGIN IMMEDIATE")
	require.NoError(t, err)
	defer a.ExecContext(ctx, "ROLLBACK")
	_, err = b.ExecContext(ctx, "BEGIN IMMEDIATE")
	require.Error(t, err)
	return err
}

func TestPredicatesOnSQLiteErrors(t *testing.T) {
	err := realSQLiteBusy(t)
	var se *sqlite.Error
	require.True(t, errors.As(err, &se))
	require.Equal(t, 5, se.Code()&0xff, "SQLITE_BUSY: %v", err)
	require.Equal(t, verdict{timeout: true, notAvailable: true}, judge(err))
	require.Equal(t, verdict{timeout: true, notAvailable: true}, judge(fmt.Errorf("wrapped: %w", err)))
}
