package routing

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/registry"
	"github.com/grantsql/grant/routing/routecfg"
)

func TestReadsGoToReplicas(t *testing.T) {
	f := newFixture(t, Config{}, 2)
	for _, q := range []string{
		"SELECT * FROM users WHERE id = $1",
		"WITH x AS (SELECT 1) SELECT * FROM x",
		"SHOW search_path",
		"select 1; select 2",
	} {
		rt := f.mustRoute(q, Input{})
		assert.Equal(t, registry.Replica, rt.Role(), q)
		assert.Equal(t, ReasonRead, rt.Reason, q)
		assert.False(t, rt.Pin, q)
	}
}

func TestNonReadsGoToPrimary(t *testing.T) {
	f := newFixture(t, Config{}, 2)
	cases := []struct {
		sql  string
		kind analyze.Kind
		pin  bool
	}{
		{"INSERT INTO t VALUES (1)", analyze.KindInsert, false},
		{"UPDATE t SET a = 1", analyze.KindUpdate, false},
		{"DELETE FROM t", analyze.KindDelete, false},
		{"CREATE TABLE t (id int)", analyze.KindDDL, false},
		{"SELECT * FROM t FOR UPDATE", analyze.KindSelect, false},
		{"SELECT * FROM t FOR SHARE SKIP LOCKED", analyze.KindSelect, false},
		{"SELECT nextval('s')", analyze.KindSelect, false},
		{"WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d", analyze.KindSelect, false},
		{"FROBNICATE the widgets", analyze.KindUnknown, false},
		{"SELECT 'unterminated", analyze.KindSelect, false},
		{"", analyze.KindEmpty, false},
		{"SET search_path = app", analyze.KindSet, true},
		{"CREATE TEMPORARY TABLE tmp (id int)", analyze.KindDDL, true},
		{"SELECT pg_advisory_lock(42)", analyze.KindSelect, true},
		{"PREPARE p AS SELECT 1", analyze.KindPrepare, true},
		{"SELECT 1; INSERT INTO t VALUES (1)", analyze.KindSelect, false},
	}
	for _, c := range cases {
		rt := f.mustRoute(c.sql, Input{})
		assert.Same(t, f.main.Primary, rt.Node, c.sql)
		assert.Equal(t, ReasonWrite, rt.Reason, c.sql)
		assert.NotEmpty(t, rt.Detail, c.sql)
		assert.Equal(t, c.kind.String(), rt.Kind, c.sql)
		assert.Equal(t, c.pin, rt.Pin, c.sql)
	}
	// A missing analysis is an unknown statement.
	rt, err := f.r.Decide(nil, Input{DB: f.main})
	require.NoError(t, err)
	assert.Same(t, f.main.Primary, rt.Node)
	assert.Equal(t, "unknown", rt.Kind)
}

func TestNoReplicasConfigured(t *testing.T) {
	f := newFixture(t, Config{NoReplica: routecfg.NoReplicaFail}, 0)
	rt := f.mustRoute("SELECT 1", Input{})
	assert.Same(t, f.main.Primary, rt.Node)
	assert.Equal(t, ReasonNoReplicas, rt.Reason)
}

func TestTransactions(t *testing.T) {
	f := newFixture(t, Config{}, 2)
	// Inside a transaction everything runs on its node.
	for _, q := range []string{"SELECT 1", "INSERT INTO t VALUES (1)", "COMMIT"} {
		rt := f.mustRoute(q, Input{Tx: f.main.Primary})
		assert.Same(t, f.main.Primary, rt.Node, q)
		assert.Equal(t, ReasonTransaction, rt.Reason, q)
	}
	// By default every transaction begins on the primary, read-only too.
	for _, opts := range []driver.TxOptions{{}, {ReadOnly: true}, {ReadOnly: true, Isolation: driver.IsolationLevel(sql.LevelRepeatableRead)}} {
		rt, err := f.r.DecideBegin(Input{DB: f.main}, opts)
		require.NoError(t, err)
		assert.Same(t, f.main.Primary, rt.Node)
		assert.Equal(t, "begin", rt.Kind)
	}
	rt := f.mustRoute("BEGIN READ ONLY", Input{})
	assert.Same(t, f.main.Primary, rt.Node)
	assert.Equal(t, ReasonReadOnlyTx, rt.Reason)
	assert.True(t, rt.Pin, "a text BEGIN holds the connection")
}

func TestReadOnlyTransactionsOnReplica(t *testing.T) {
	f := newFixture(t, Config{ReadOnlyTransactions: routecfg.TxOnReplica}, 2)
	rt, err := f.r.DecideBegin(Input{DB: f.main}, driver.TxOptions{ReadOnly: true})
	require.NoError(t, err)
	assert.Equal(t, registry.Replica, rt.Role())
	assert.Equal(t, ReasonReadOnlyTx, rt.Reason)

	rt, err = f.r.DecideBegin(Input{DB: f.main}, driver.TxOptions{})
	require.NoError(t, err)
	assert.Same(t, f.main.Primary, rt.Node, "a read-write transaction stays on the primary")
	assert.Equal(t, ReasonTxPrimary, rt.Reason)

	rt, err = f.r.DecideBegin(Input{DB: f.main}, driver.TxOptions{ReadOnly: true, Isolation: driver.IsolationLevel(sql.LevelSerializable)})
	require.NoError(t, err)
	assert.Same(t, f.main.Primary, rt.Node, "a standby cannot run serializable transactions")
	assert.Equal(t, ReasonSerializableRO, rt.Reason)

	rt = f.mustRoute("START TRANSACTION READ ONLY", Input{})
	assert.Equal(t, registry.Replica, rt.Role())
	assert.True(t, rt.Pin)

	// The transaction then stays on its replica and refuses what needs the primary.
	tx := rt.Node
	for _, q := range []string{"SELECT 1", "SAVEPOINT a", "SET LOCAL statement_timeout = 5", "COMMIT"} {
		assert.Same(t, tx, f.mustRoute(q, Input{Tx: tx}).Node, q)
	}
	for _, q := range []string{"INSERT INTO t VALUES (1)", "SELECT * FROM t FOR UPDATE", "SELECT nextval('s')"} {
		_, err := f.decide(q, Input{Tx: tx})
		require.ErrorIs(t, err, ErrReadOnly, q)
		var ro *ReadOnlyError
		require.ErrorAs(t, err, &ro)
		assert.Equal(t, ByReplicaTx, ro.By)
	}

	// Read-your-writes applies at BEGIN: right after a write, the primary.
	f.r.Wrote(Input{DB: f.main}, Position{})
	rt, err = f.r.DecideBegin(Input{DB: f.main}, driver.TxOptions{ReadOnly: true})
	require.NoError(t, err)
	assert.Same(t, f.main.Primary, rt.Node)
	assert.Equal(t, ReasonRecentWrite, rt.Reason)
}

func TestForcePrimary(t *testing.T) {
	f := newFixture(t, Config{}, 2)
	o := FromContext(ForcePrimary(context.Background()))
	rt := f.mustRoute("SELECT 1", Input{Overrides: o})
	assert.Same(t, f.main.Primary, rt.Node)
	assert.Equal(t, ReasonForcePrimary, rt.Reason)
	rt, err := f.r.DecideBegin(Input{DB: f.main, Overrides: o}, driver.TxOptions{ReadOnly: true})
	require.NoError(t, err)
	assert.Same(t, f.main.Primary, rt.Node)
}

func TestForceReplica(t *testing.T) {
	f := newFixture(t, Config{}, 2)
	ctx := ForceReplica(context.Background())
	o := FromContext(ctx)
	// Reads go to a replica even right after a write.
	f.r.Wrote(Input{DB: f.main}, Position{})
	rt := f.mustRoute("SELECT 1", Input{Overrides: o})
	assert.Equal(t, registry.Replica, rt.Role())
	assert.Equal(t, ReasonForceReplica, rt.Reason)
	// So do transactions.
	rt, err := f.r.DecideBegin(Input{DB: f.main, Overrides: o}, driver.TxOptions{})
	require.NoError(t, err)
	assert.Equal(t, registry.Replica, rt.Role())
	_, err = f.r.DecideBegin(Input{DB: f.main, Overrides: o}, driver.TxOptions{Isolation: driver.IsolationLevel(sql.LevelSerializable)})
	require.ErrorIs(t, err, ErrSerializableOnStandby)
	// A statement that needs the primary is refused, naming its kind.
	_, err = f.decide("UPDATE t SET a = 1", Input{Overrides: o})
	require.ErrorIs(t, err, ErrReadOnly)
	assert.Contains(t, err.Error(), "update statement refused on database main")
	assert.Contains(t, err.Error(), "ForceReplica")
	// ForcePrimary replaces it.
	assert.Same(t, f.main.Primary, f.mustRoute("SELECT 1", Input{Overrides: FromContext(ForcePrimary(ctx))}).Node)
	// With no replica in rotation it fails rather than use the primary.
	setHealthy(f.replica(0), false)
	setHealthy(f.replica(1), false)
	_, err = f.decide("SELECT 1", Input{Overrides: o})
	require.ErrorIs(t, err, ErrNoReplica)
	var nr *NoReplicaError
	require.ErrorAs(t, err, &nr)
	assert.Equal(t, "main", nr.Database)
	assert.Contains(t, err.Error(), "database main")
	// And on a database without replicas.
	f0 := newFixture(t, Config{}, 0)
	_, err = f0.decide("SELECT 1", Input{Overrides: o})
	require.ErrorIs(t, err, ErrNoReplica)
	assert.Contains(t, err.Error(), "it has no replicas")
}

func TestUseDatabase(t *testing.T) {
	f := newFixture(t, Config{}, 2)
	ctx := UseDatabase(context.Background(), "other")
	assert.Equal(t, "other", FromContext(ctx).Database())
	rt, err := f.r.Explain(ctx, "SELECT 1")
	require.NoError(t, err)
	assert.Same(t, f.other.Replicas[0], rt.Node)
	rt, err = f.r.Explain(ctx, "DELETE FROM t")
	require.NoError(t, err)
	assert.Same(t, f.other.Primary, rt.Node)
	assert.Same(t, f.other, f.r.Database("other"))
	assert.Same(t, f.main, f.r.Database(""))

	_, err = f.r.Explain(UseDatabase(ctx, "nope"), "SELECT 1")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"nope"`)
	_, err = f.r.Decide(st("SELECT 1"), Input{DB: fakeDB("stranger", 0)})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "stranger")
}

func TestPreventWrites(t *testing.T) {
	f := newFixture(t, Config{}, 2)
	ctx := PreventWrites(context.Background())
	o := FromContext(ctx)
	refused := map[string]analyze.Kind{
		"INSERT INTO t VALUES (1)": analyze.KindInsert,
		"UPDATE t SET a = 1":       analyze.KindUpdate,
		"DELETE FROM t":            analyze.KindDelete,
		"DROP TABLE t":             analyze.KindDDL,
		"FROBNICATE the widgets":   analyze.KindUnknown,
		"SELECT nextval('s')":      analyze.KindSelect,
		"WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d":            analyze.KindSelect,
		"SELECT 1; DELETE FROM t":                                          analyze.KindSelect,
		"CALL refresh()":                                                   analyze.KindCall,
		"SELECT pg_advisory_lock(1), nextval('s')":                         analyze.KindSelect,
		"SELECT pg_advisory_lock(1)":                                       analyze.KindSelect,
		"SELECT set_config('a.b', 'c', false)":                             analyze.KindSelect,
		"WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d FOR UPDATE": analyze.KindSelect,
	}
	for q, kind := range refused {
		for _, in := range []Input{{Overrides: o}, {Overrides: o, Tx: f.main.Primary}, {Overrides: o, Pinned: f.main.Primary}} {
			_, err := f.decide(q, in)
			require.ErrorIs(t, err, ErrReadOnly, q)
			var ro *ReadOnlyError
			require.ErrorAs(t, err, &ro, q)
			assert.Equal(t, kind.String(), ro.Kind, q)
			assert.Equal(t, ByPreventWrites, ro.By, q)
			assert.Contains(t, err.Error(), kind.String()+" statement refused", q)
		}
	}
	allowed := []string{
		"SELECT 1", "SHOW work_mem", "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT a",
		"SET search_path = app", "SELECT * FROM t FOR UPDATE",
	}
	for _, q := range allowed {
		_, err := f.decide(q, Input{Overrides: o})
		require.NoError(t, err, q)
	}
	_, err := f.r.DecideBegin(Input{DB: f.main, Overrides: o}, driver.TxOptions{})
	require.NoError(t, err, "a transaction may begin; its statements are checked")
	// AllowWrites lifts it.
	_, err = f.decide("INSERT INTO t VALUES (1)", Input{Overrides: FromContext(AllowWrites(ctx))})
	require.NoError(t, err)
}

func TestPinnedSession(t *testing.T) {
	f := newFixture(t, Config{}, 2)
	for _, q := range []string{"SELECT 1", "INSERT INTO t VALUES (1)", "SET work_mem = '64MB'"} {
		rt := f.mustRoute(q, Input{Pinned: f.main.Primary, Overrides: FromContext(ForceReplica(context.Background()))})
		assert.Same(t, f.main.Primary, rt.Node, q)
		assert.Equal(t, ReasonPinned, rt.Reason, q)
	}
	rt, err := f.r.DecideBegin(Input{DB: f.main, Pinned: f.main.Primary}, driver.TxOptions{ReadOnly: true})
	require.NoError(t, err)
	assert.Same(t, f.main.Primary, rt.Node)
	// A session pinned to a replica (a text BEGIN READ ONLY) never writes there.
	_, err = f.decide("INSERT INTO t VALUES (1)", Input{Pinned: f.replica(0)})
	require.ErrorIs(t, err, ErrReadOnly)
	assert.Same(t, f.replica(0), f.mustRoute("SELECT 1", Input{Pinned: f.replica(0)}).Node)
}

func TestErrorsMatchSentinels(t *testing.T) {
	assert.True(t, errors.Is(&ReadOnlyError{}, ErrReadOnly))
	assert.True(t, errors.Is(&NoReplicaError{}, ErrNoReplica))
}
