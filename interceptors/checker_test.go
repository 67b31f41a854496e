package interceptors_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/interceptors"
)

// valuer converts itself to "val:<s>".
type valuer string

func (v valuer) Value() (driver.Value, error) { return "val:" + string(v), nil }

// ptrValuer has a value receiver, so a nil *ptrValuer cannot call Value;
// database/sql converts it to nil.
type ptrValuer struct{}

func (ptrValuer) Value() (driver.Value, error) { return "ptr", nil }

// TestStmtCheckNamedValueChain calls the wrapped statement's checker
// directly: the statement's own checker, else its connection's, else its
// ColumnConverter, else driver.ErrSkip.
func TestStmtCheckNamedValueChain(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name     string
		conn     int
		stmt     int
		arg      any
		want     any
		wantSkip bool
	}{
		{"stmt checker", capExec | capQuery | capCheck, stmtCheck, stmtArg("s"), "stmt:s", false},
		{"stmt checker hides conn checker", capExec | capQuery | capCheck, stmtCheck, connArg("c"), nil, true},
		{"conn checker", capExec | capQuery | capCheck, 0, connArg("c"), "conn:c", false},
		{"conn checker skips", capExec | capQuery | capCheck, 0, 7, nil, true},
		{"column converter", capExec | capQuery, stmtConvert, 7, "cc:7", false},
		{"stmt checker before converter", capExec | capQuery, stmtCheck | stmtConvert, stmtArg("s"), "stmt:s", false},
		{"nothing", capExec | capQuery, 0, 7, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFakeDB(tt.conn)
			fake.stmtCaps = tt.stmt
			withRaw(t, openWrapped(t, fake), func(dc driver.Conn) {
				st, err := dc.(driver.ConnPrepareContext).PrepareContext(ctx, "p")
				require.NoError(t, err)
				defer st.Close()
				nv := driver.NamedValue{Ordinal: 1, Value: tt.arg}
				err = st.(driver.NamedValueChecker).CheckNamedValue(&nv)
				if tt.wantSkip {
					assert.ErrorIs(t, err, driver.ErrSkip)
					assert.Equal(t, tt.arg, nv.Value, "a skipped value is left alone")
					return
				}
				require.NoError(t, err)
				assert.Equal(t, tt.want, nv.Value)
			})
		})
	}
}

// TestStmtArgumentsConvertLikeDatabaseSQL runs the same prepared-statement
// argument through the bare fake and the wrapped fake, for every
// combination of statement checker, connection checker and ColumnConverter,
// and expects the base to receive the same value (or the same error).
func TestStmtArgumentsConvertLikeDatabaseSQL(t *testing.T) {
	args := []any{7, stmtArg("s"), connArg("c"), valuer("v"), []int64{1}, (*ptrValuer)(nil)}
	for _, conn := range []int{capExec | capQuery | capCheck, capExec | capQuery} {
		for stmt := range stmtLegacy {
			for _, arg := range args {
				name := fmt.Sprintf("conn=%b/stmt=%b/%T", conn, stmt, arg)
				t.Run(name, func(t *testing.T) {
					want := stmtExecArg(t, conn, stmt, arg, false)
					got := stmtExecArg(t, conn, stmt, arg, true)
					assert.Equal(t, want, got)
				})
			}
		}
	}
}

// stmtExecArg prepares a statement on a fresh fake and executes it with arg;
// it returns what the base received, or the error, or the panic.
func stmtExecArg(t *testing.T, conn, stmt int, arg any, wrapped bool) (out string) {
	fake := newFakeDB(conn)
	fake.stmtCaps = stmt
	var db *sql.DB
	if wrapped {
		db = sql.OpenDB(interceptors.Wrap(fake.connector(), interceptors.NewCounters()))
	} else {
		db = sql.OpenDB(fake.connector())
	}
	defer db.Close()
	st, err := db.Prepare("p")
	require.NoError(t, err)
	defer st.Close()
	defer func() {
		if r := recover(); r != nil {
			out = fmt.Sprint("panic: ", r)
		}
	}()
	if _, err := st.Exec(arg); err != nil {
		return "error: " + err.Error()
	}
	v := fake.lastArgs()[0].Value
	return fmt.Sprintf("%T %v", v, v)
}

func TestLegacyBaseThroughChain(t *testing.T) {
	ctx := context.Background()
	fake := newFakeDB(capLegacy)
	fake.stmtCaps = stmtLegacy
	_, conn := openConn(t, interceptors.Wrap(fake.connector(), recorder{"a", fake}))
	fake.take()

	_, err := conn.ExecContext(ctx, "e", 1)
	require.NoError(t, err)
	assert.Equal(t, []string{"a>exec", "conn.exec e", "a<exec"}, fake.take())
	assert.Equal(t, []driver.NamedValue{{Ordinal: 1, Value: int64(1)}}, fake.lastArgs())

	rows, err := conn.QueryContext(ctx, "q", "x")
	require.NoError(t, err)
	require.NoError(t, rows.Close())
	assert.Equal(t, []string{"a>query", "conn.query q", "a<query", "a>rowsClose", "rows.close", "a<rowsClose"}, fake.take())

	st, err := conn.PrepareContext(ctx, "p")
	require.NoError(t, err)
	_, err = st.ExecContext(ctx, 2)
	require.NoError(t, err)
	rows, err = st.QueryContext(ctx, 3)
	require.NoError(t, err)
	require.NoError(t, rows.Close())
	require.NoError(t, st.Close())
	assert.Equal(t, []string{
		"a>prepare", "conn.prepare p", "a<prepare", "a>stmtExec", "stmt.exec p", "a<stmtExec",
		"a>stmtQuery", "stmt.query p", "a<stmtQuery", "a>rowsClose", "rows.close", "a<rowsClose",
		"a>stmtClose", "stmt.close p", "a<stmtClose",
	}, fake.take())

	tx, err := conn.BeginTx(ctx, nil)
	require.NoError(t, err)
	require.NoError(t, tx.Commit())
	assert.Equal(t, []string{"a>begin", "begin", "a<begin", "a>commit", "commit", "a<commit"}, fake.take())
}

// TestLegacyBaseRefusesWhatDatabaseSQLRefuses: named arguments, isolation
// levels and read-only transactions fail on a legacy base, wrapped or not.
func TestLegacyBaseRefusesWhatDatabaseSQLRefuses(t *testing.T) {
	ctx := context.Background()
	for name, open := range map[string]func(*testing.T, *fakeDB) *sql.DB{"raw": openRaw, "wrapped": openWrapped} {
		t.Run(name, func(t *testing.T) {
			fake := newFakeDB(capLegacy)
			fake.stmtCaps = stmtLegacy
			db := open(t, fake)
			_, err := db.ExecContext(ctx, "e", sql.Named("x", 1))
			assert.ErrorContains(t, err, "driver does not support the use of Named Parameters")
			_, err = db.QueryContext(ctx, "q", sql.Named("x", 1))
			assert.ErrorContains(t, err, "driver does not support the use of Named Parameters")
			_, err = db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable})
			assert.ErrorContains(t, err, "driver does not support non-default isolation level")
			_, err = db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
			assert.ErrorContains(t, err, "read-only transactions")
			assert.Zero(t, fake.count("conn.exec")+fake.count("conn.query")+fake.count("begin"))
		})
	}
}
