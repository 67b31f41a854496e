package grant_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/registry"
	"github.com/grantsql/grant/routing"
)

// pauseReplay pauses WAL replay on a PostgreSQL replica (as the app user,
// who has EXECUTE on the function) and resumes it when the test ends.
func pauseReplay(t *testing.T, replica *sql.DB) {
	t.Helper()
	_, err := replica.Exec("SELECT pg_wal_replay_pause()")
	require.NoError(t, err)
	t.Cleanup(func() {
		_, err := replica.Exec("SELECT pg_wal_replay_resume()")
		assert.NoError(t, err, "resuming WAL replay")
	})
	require.Eventually(t, func() bool {
		var paused bool
		return replica.QueryRow("SELECT pg_is_wal_replay_paused()").Scan(&paused) == nil && paused
	}, 5*time.Second, 10*time.Millisecond, "replay did not pause")
}

func resumeReplay(t *testing.T, replica *sql.DB) {
	t.Helper()
	_, err := replica.Exec("SELECT pg_wal_replay_resume()")
	require.NoError(t, err)
}

// assertRoute checks where a statement would go, and why.
func assertRoute(t *testing.T, rc *rtCluster, ctx context.Context, q string, node *registry.Node, reason string) {
	t.Helper()
	rt := rc.explain(t, ctx, q)
	assert.Equal(t, node.Name, rt.Node.Name, "route %s", rt)
	assert.Equal(t, reason, rt.Reason, "route %s", rt)
}

func TestRoutingPostgresWindowReadYourWrites(t *testing.T) {
	ctx := context.Background()
	rc := openRT(t, dialect.Postgres, "routing: {read_your_writes: {mode: window, window: 2s}}")
	tbl := rc.table(t, "pg_window", "id INT PRIMARY KEY")
	count := "SELECT count(*) FROM " + tbl
	pauseReplay(t, rc.rawReplica)

	writer := routing.WithSession(ctx, routing.NewSession())
	_, err := rc.db.ExecContext(writer, "INSERT INTO "+tbl+" VALUES (1)")
	require.NoError(t, err)
	assert.EqualValues(t, 1, scanInt(t, writer, rc.db, count), "the writer's session reads its own write")
	assert.False(t, scanBool(t, writer, rc.db, inRecovery))
	assertRoute(t, rc, writer, count, rc.primary, routing.ReasonRecentWrite)

	// A session that wrote nothing still reads the replica, which has not
	// replayed the row.
	other := routing.WithSession(ctx, routing.NewSession())
	assertRoute(t, rc, other, count, rc.replica, routing.ReasonRead)
	assert.EqualValues(t, 0, scanInt(t, other, rc.db, count), "the paused replica lacks the row")
	assert.True(t, scanBool(t, other, rc.db, inRecovery))
	// Without a session in the context every write of the database counts
	// (scope database, the default).
	assertRoute(t, rc, ctx, count, rc.primary, routing.ReasonRecentWrite)

	// scope: connection counts the virtual connection's own writes: one
	// sql.Conn reads its write, another reads the replica.
	rc2 := openRT(t, dialect.Postgres, "routing: {read_your_writes: {mode: window, window: 2s, scope: connection}}")
	a, err := rc2.db.Conn(ctx)
	require.NoError(t, err)
	defer a.Close()
	b, err := rc2.db.Conn(ctx)
	require.NoError(t, err)
	defer b.Close()
	_, err = a.ExecContext(ctx, "INSERT INTO "+tbl+" VALUES (2)")
	require.NoError(t, err)
	assert.EqualValues(t, 2, scanInt(t, ctx, a, count), "the writing connection reads its write")
	assert.EqualValues(t, 0, scanInt(t, ctx, b, count), "another connection reads the paused replica")

	// The window is a time bound: once it has passed, the writer's reads
	// return to the replica, caught up or not.
	require.Eventually(t, func() bool { return rc.route(writer, count).Node == rc.replica },
		5*time.Second, 50*time.Millisecond, "the window never ended")
	assert.EqualValues(t, 0, scanInt(t, writer, rc.db, count))
}

func TestRoutingPostgresCausalReadYourWrites(t *testing.T) {
	ctx := context.Background()
	const settings = "routing: {read_your_writes: {mode: causal}, lag_check_interval: 100ms}"
	rc := openRT(t, dialect.Postgres, settings)
	tbl := rc.table(t, "pg_causal", "id INT PRIMARY KEY")
	count := "SELECT count(*) FROM " + tbl
	pauseReplay(t, rc.rawReplica)

	sess := routing.NewSession()
	writer := routing.WithSession(ctx, sess)
	_, err := rc.db.ExecContext(writer, "INSERT INTO "+tbl+" VALUES (1)")
	require.NoError(t, err)
	pos := sess.Position("main")
	require.False(t, pos.IsZero(), "causal mode records the primary's position after the write")
	assert.EqualValues(t, 1, scanInt(t, writer, rc.db, count), "the writer's session reads its own write")
	assert.False(t, scanBool(t, writer, rc.db, inRecovery))
	assertRoute(t, rc, writer, count, rc.primary, routing.ReasonBehind)
	other := routing.WithSession(ctx, routing.NewSession())
	assertRoute(t, rc, other, count, rc.replica, routing.ReasonRead)
	assert.EqualValues(t, 0, scanInt(t, other, rc.db, count), "the paused replica lacks the row")

	// Another process (a second connector) given the session's token reads
	// the primary while the replica is behind; without it, the replica.
	tok, err := routing.ParseToken(sess.Token().String())
	require.NoError(t, err)
	tp := tok.Position("main")
	assert.True(t, tp.Covers(&pos) && pos.Covers(&tp), "the token carries the position: %s, want %s", tp, pos)
	rc2 := openRT(t, dialect.Postgres, settings)
	withTok := routing.WithToken(ctx, tok)
	assertRoute(t, rc2, withTok, count, rc2.primary, routing.ReasonBehind)
	assert.EqualValues(t, 1, scanInt(t, withTok, rc2.db, count))
	assert.False(t, scanBool(t, withTok, rc2.db, inRecovery))
	// Connectors of one cluster share the record of writes: another
	// session, without the token, reads the replica.
	noTok := routing.WithSession(ctx, routing.NewSession())
	assert.EqualValues(t, 0, scanInt(t, noTok, rc2.db, count), "another session without the token: the replica")

	// Resumed, the replica replays the write, and both read it there.
	resumeReplay(t, rc.rawReplica)
	require.Eventually(t, func() bool {
		return rc.route(writer, count).Node == rc.replica && rc2.route(withTok, count).Node == rc2.replica
	}, 10*time.Second, 20*time.Millisecond, "the session's reads never returned to the replica")
	assert.True(t, scanBool(t, writer, rc.db, inRecovery))
	assert.EqualValues(t, 1, scanInt(t, writer, rc.db, count), "the replica has the row")
	assert.True(t, scanBool(t, withTok, rc2.db, inRecovery))
	assert.EqualValues(t, 1, scanInt(t, withTok, rc2.db, count))
}

func TestRoutingMariaDBCausalReadYourWrites(t *testing.T) {
	ctx := context.Background()
	const settings = "routing: {read_your_writes: {mode: causal}, lag_check_interval: 100ms}"
	rc := openRT(t, dialect.MySQL, settings)
	tbl := rc.table(t, "my_causal", "id INT PRIMARY KEY")
	replicaID := scanInt(t, ctx, rc.rawReplica, "SELECT @@server_id")

	// The replica cannot be paused by the app user: every write is read
	// back at once, wherever routing sends the read.
	sess := routing.NewSession()
	writer := routing.WithSession(ctx, sess)
	const rounds = 20
	for i := range rounds {
		_, err := rc.db.ExecContext(writer, "INSERT INTO "+tbl+" VALUES (?)", i)
		require.NoError(t, err)
		require.EqualValues(t, 1, scanInt(t, writer, rc.db, "SELECT count(*) FROM "+tbl+" WHERE id = ?", i),
			"round %d: the session reads its own write", i)
	}
	pos := sess.Position("main")
	_, isGTID := pos.GTIDs()
	require.True(t, isGTID, "a GTID position: %s", pos)

	tok, err := routing.ParseToken(sess.Token().String())
	require.NoError(t, err)
	rc2 := openRT(t, dialect.MySQL, settings)
	withTok := routing.WithToken(ctx, tok)
	assert.EqualValues(t, rounds, scanInt(t, withTok, rc2.db, "SELECT count(*) FROM "+tbl))

	count := "SELECT count(*) FROM " + tbl
	require.Eventually(t, func() bool {
		return rc.route(writer, count).Node == rc.replica && rc2.route(withTok, count).Node == rc2.replica
	}, 10*time.Second, 20*time.Millisecond, "the session's reads never returned to the replica")
	assert.Equal(t, replicaID, scanInt(t, writer, rc.db, "SELECT @@server_id"))
	assert.EqualValues(t, rounds, scanInt(t, writer, rc.db, count), "the replica has every row")
	assert.EqualValues(t, rounds, scanInt(t, withTok, rc2.db, count))
}

func TestRoutingPostgresLagLeavesRotation(t *testing.T) {
	ctx := context.Background()
	rc := openRT(t, dialect.Postgres, "routing: {max_replica_lag: 1s, lag_check_interval: 200ms}")
	tbl := rc.table(t, "pg_lag", "id INT PRIMARY KEY")
	const q = "SELECT 1"
	require.Eventually(t, func() bool { return rc.route(ctx, q).Node == rc.replica },
		5*time.Second, 20*time.Millisecond, "the replica never entered rotation")

	// Writes on the primary (directly: read-your-writes plays no part)
	// while replay is paused: the lag grows past the limit.
	pauseReplay(t, rc.rawReplica)
	start, id := time.Now(), 0
	require.Eventually(t, func() bool {
		id++
		_, err := rc.rawPrimary.Exec("INSERT INTO "+tbl+" VALUES ($1)", id)
		assert.NoError(t, err)
		rt := rc.route(ctx, q)
		return rt.Node == rc.primary && rt.Reason == routing.ReasonNoReplicaUp && rt.Fallback
	}, 10*time.Second, 100*time.Millisecond, "the lagging replica never left rotation")
	info := rc.c.Router().State().Info(rc.replica)
	t.Logf("out of rotation %s after the first write: %+v", time.Since(start).Round(time.Millisecond), info)
	// The lag is measured from the last time the replica was seen caught
	// up, which may precede the first write by one lag_check_interval.
	assert.GreaterOrEqual(t, time.Since(start), time.Second-200*time.Millisecond, "not before the lag limit")
	assert.True(t, !info.LagKnown || info.Lag > time.Second, "%+v", info)
	assert.True(t, rc.replica.Healthy(), "lagging is not down")
	assert.False(t, scanBool(t, ctx, rc.db, inRecovery), "reads fall back to the primary")

	resumeReplay(t, rc.rawReplica)
	require.Eventually(t, func() bool {
		rt := rc.route(ctx, q)
		return rt.Node == rc.replica && rt.Reason == routing.ReasonRead
	}, 10*time.Second, 20*time.Millisecond, "the replica never came back")
	assert.True(t, scanBool(t, ctx, rc.db, inRecovery), "reads are back on the replica")
	// Back within the lag limit, not necessarily caught up: it soon is.
	assert.Eventually(t, func() bool {
		var n int
		return rc.db.QueryRow("SELECT count(*) FROM "+tbl).Scan(&n) == nil && n == id
	}, 10*time.Second, 20*time.Millisecond, "the replica never replayed the writes")
}
