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
	"github.com/grantsql/grant/internal/fakedb"
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
		conn     fakedb.ConnCaps
		stmt     fakedb.StmtCaps
		arg      any
		want     any
		wantSkip bool
	}{
		{"stmt checker", fakedb.CapExec | fakedb.CapQuery | fakedb.CapCheck, fakedb.StmtCheck, fakedb.StmtArg("s"), "stmt:s", false},
		{"stmt checker hides conn checker", fakedb.CapExec | fakedb.CapQuery | fakedb.CapCheck, fakedb.StmtCheck, fakedb.ConnArg("c"), nil, true},
		{"conn checker", fakedb.CapExec | fakedb.CapQuery | fakedb.CapCheck, 0, fakedb.ConnArg("c"), "conn:c", false},
		{"conn checker skips", fakedb.CapExec | fakedb.CapQuery | fakedb.CapCheck, 0, 7, nil, true},
		{"column converter", fakedb.CapExec | fakedb.CapQuery, fakedb.StmtConvert, 7, "cc:7", false},
		{"stmt checker before converter", fakedb.CapExec | fakedb.CapQuery, fakedb.StmtCheck | fakedb.StmtConvert, fakedb.StmtArg("s"), "stmt:s", false},
		{"nothing", fakedb.CapExec | fakedb.CapQuery, 0, 7, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := fakedb.New("fake", tt.conn)
			fake.StmtCaps = tt.stmt
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
	args := []any{7, fakedb.StmtArg("s"), fakedb.ConnArg("c"), valuer("v"), []int64{1}, (*ptrValuer)(nil)}
	for _, conn := range []fakedb.ConnCaps{fakedb.CapExec | fakedb.CapQuery | fakedb.CapCheck, fakedb.CapExec | fakedb.CapQuery} {
		for stmt := range fakedb.StmtLegacy {
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
func stmtExecArg(t *testing.T, conn fakedb.ConnCaps, stmt fakedb.StmtCaps, arg any, wrapped bool) (out string) {
	fake := fakedb.New("fake", conn)
	fake.StmtCaps = stmt
	var db *sql.DB
	if wrapped {
		db = sql.OpenDB(interceptors.Wrap(fake.Connector(), interceptors.NewCounters()))
	} else {
		db = sql.OpenDB(fake.Connector())
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
	v := fake.LastArgs()[0].Value
	return fmt.Sprintf("%T %v", v, v)
}

func TestLegacyBaseThroughChain(t *testing.T) {
	ctx := context.Background()
	fake := fakedb.New("fake", fakedb.CapLegacy)
	fake.StmtCaps = fakedb.StmtLegacy
	_, conn := openConn(t, interceptors.Wrap(fake.Connector(), recorder{"a", fake}))
	fake.Take()

	_, err := conn.ExecContext(ctx, "e", 1)
	require.NoError(t, err)
	assert.Equal(t, []string{"a>exec", "conn.exec e", "a<exec"}, fake.Take())
	assert.Equal(t, []driver.NamedValue{{Ordinal: 1, Value: int64(1)}}, fake.LastArgs())

	rows, err := conn.QueryContext(ctx, "q", "x")
	require.NoError(t, err)
	require.NoError(t, rows.Close())
	assert.Equal(t, []string{"a>query", "conn.query q", "a<query", "a>rowsClose", "rows.close", "a<rowsClose"}, fake.Take())

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
	}, fake.Take())

	tx, err := conn.BeginTx(ctx, nil)
	require.NoError(t, err)
	require.NoError(t, tx.Commit())
	assert.Equal(t, []string{"a>begin", "begin", "a<begin", "a>commit", "commit", "a<commit"}, fake.Take())
}

// TestLegacyBaseRefusesWhatDatabaseSQLRefuses: named arguments, isolation
// levels and read-only transactions fail on a legacy base, wrapped or not.
func TestLegacyBaseRefusesWhatDatabaseSQLRefuses(t *testing.T) {
	ctx := context.Background()
	for name, open := range map[string]func(*testing.T, *fakedb.DB) *sql.DB{"raw": openRaw, "wrapped": openWrapped} {
		t.Run(name, func(t *testing.T) {
			fake := fakedb.New("fake", fakedb.CapLegacy)
			fake.StmtCaps = fakedb.StmtLegacy
			db := open(t, fake)
			_, err := db.ExecContext(ctx, "e", sql.Named("x", 1))
			assert.ErrorContains(t, err, "driver does not support the use of Named Parameters")
			_, err = db.QueryContext(ctx, "q", sql.Named("x", 1))
			assert.ErrorContains(t, err, "driver does not support the use of Named Parameters")
			_, err = db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable})
			assert.ErrorContains(t, err, "driver does not support non-default isolation level")
			_, err = db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
			assert.ErrorContains(t, err, "read-only transactions")
			assert.Zero(t, fake.Count("conn.exec")+fake.Count("conn.query")+fake.Count("begin"))
		})
	}
}
