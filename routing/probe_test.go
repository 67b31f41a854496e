package routing

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/testenv"
	"github.com/grantsql/grant/registry"
	"github.com/grantsql/grant/routing/routecfg"
)

// live is a real primary and replica behind a registry and a Router.
type live struct {
	t       *testing.T
	d       dialect.Dialect
	reg     *registry.Registry
	r       *Router
	primary *registry.Node
	replica *registry.Node
}

func openLive(t *testing.T, d dialect.Dialect, primary, replica string, cfg Config) *live {
	t.Helper()
	c, err := (&config.Cluster{
		Dialect:   d,
		Databases: map[string]*config.Database{"main": {Primary: primary, Replicas: []string{replica}}},
		Health:    config.Health{Disabled: true},
	}).Validate()
	require.NoError(t, err)
	reg, err := registry.Open(c, registry.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { reg.Close() })
	r, err := FromRegistry(cfg, reg, Options{})
	require.NoError(t, err)
	t.Cleanup(r.Close)
	db := reg.Default()
	return &live{t: t, d: d, reg: reg, r: r, primary: db.Primary, replica: db.Replicas[0]}
}

// measure measures the replica once and records it in the router's state.
func (l *live) measure() (Measurement, ReplicaInfo) {
	l.t.Helper()
	m, err := Measure(context.Background(), l.d, l.replica)
	require.NoError(l.t, err)
	l.r.State().Record(l.replica, m)
	return m, l.r.State().Info(l.replica)
}

// write runs stmts on one primary connection and returns the primary's
// position read on that connection afterwards, as the virtual connection
// does after a write.
func (l *live) write(stmts ...string) Position {
	l.t.Helper()
	ctx := context.Background()
	conn, err := l.primary.DB.Conn(ctx)
	require.NoError(l.t, err)
	defer conn.Close()
	for _, s := range stmts {
		_, err := conn.ExecContext(ctx, s)
		require.NoError(l.t, err, s)
	}
	var pos Position
	require.NoError(l.t, conn.Raw(func(dc any) error {
		var err error
		pos, err = l.r.CurrentPosition(ctx, dc.(driver.Conn))
		return err
	}))
	require.False(l.t, pos.IsZero())
	return pos
}

// waitCaughtUp measures until the replica has replayed pos.
func (l *live) waitCaughtUp(pos Position) ReplicaInfo {
	l.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		_, info := l.measure()
		if info.Position.Covers(&pos) {
			return info
		}
		if time.Now().After(deadline) {
			l.t.Fatalf("replica at %s has not replayed %s after 15s", info.Position, pos)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (l *live) route(in Input) Route {
	l.t.Helper()
	in.DB = l.reg.Default()
	rt, err := l.r.Decide(st("SELECT 1"), in)
	require.NoError(l.t, err)
	return rt
}

func TestPostgresProbe(t *testing.T) {
	testenv.Exclusive(t, "pg-replica") // it pauses replay
	causal := Config{ReadYourWrites: routecfg.ReadYourWrites{Mode: routecfg.RYWCausal}}
	l := openLive(t, dialect.Postgres, testenv.PostgresDSN(t), testenv.PostgresReplicaDSN(t), causal)
	tbl := fmt.Sprintf("grant_routing_probe_%d", time.Now().UnixNano())
	t.Cleanup(func() { l.primary.DB.Exec("DROP TABLE IF EXISTS " + tbl) })

	// A caught-up replica: lag 0, position at the primary's after a write.
	pos := l.write("CREATE TABLE "+tbl+" (id int)", "INSERT INTO "+tbl+" VALUES (1)")
	info := l.waitCaughtUp(pos)
	assert.Equal(t, StatusReplicating, info.Status)
	// Other tests write to the same primary concurrently, so the replica is
	// caught up only between their writes: wait for such a moment.
	var m Measurement
	require.Eventually(t, func() bool {
		m, info = l.measure()
		return m.CaughtUp && info.LagKnown && info.Lag == 0
	}, 10*time.Second, 20*time.Millisecond, "a caught-up replica reports lag 0: last %+v %+v", m, info)

	// The primary is no replica.
	pm, err := Measure(context.Background(), l.d, l.primary)
	require.NoError(t, err)
	assert.Equal(t, StatusNotReplica, pm.Status)

	// A session that wrote at pos reads from the replica that replayed it.
	sess := NewSession()
	in := Input{Overrides: FromContext(WithSession(context.Background(), sess))}
	l.r.Wrote(Input{DB: l.reg.Default(), Overrides: in.Overrides}, pos)
	assert.Same(t, l.replica, l.route(in).Node)

	// Replay paused, the primary writes: the replica falls behind the
	// session's position, and its lag grows.
	_, err = l.replica.DB.Exec("SELECT pg_wal_replay_pause()")
	require.NoError(t, err)
	t.Cleanup(func() {
		_, err := l.replica.DB.Exec("SELECT pg_wal_replay_resume()")
		assert.NoError(t, err, "resuming WAL replay")
	})
	waitPaused(t, l.replica.DB)
	pos2 := l.write("INSERT INTO " + tbl + " VALUES (2)")
	l.r.Wrote(Input{DB: l.reg.Default(), Overrides: in.Overrides}, pos2)
	waitReceived(t, l.replica.DB, pos2)
	time.Sleep(300 * time.Millisecond)
	m1, info1 := l.measure()
	assert.False(t, m1.CaughtUp)
	assert.False(t, info1.Position.Covers(&pos2), "replica at %s, primary at %s", info1.Position, pos2)
	assert.True(t, info1.LagKnown)
	assert.GreaterOrEqual(t, info1.Lag, 300*time.Millisecond)
	time.Sleep(400 * time.Millisecond)
	_, info2 := l.measure()
	assert.Greater(t, info2.Lag, info1.Lag, "the lag grows while replay is paused")
	t.Logf("replay paused: lag %s, then %s; replica at %s, the session needs %s", info1.Lag, info2.Lag, info2.Position, pos2)
	rt := l.route(in)
	assert.Same(t, l.primary, rt.Node)
	assert.Equal(t, ReasonBehind, rt.Reason)
	other := Input{Overrides: FromContext(WithSession(context.Background(), NewSession()))}
	assert.Same(t, l.replica, l.route(other).Node, "a session that did not write still reads the replica")
	assert.Same(t, l.primary, l.route(Input{}).Node, "without a session, every write of the database counts")

	// A lag limit takes the paused replica out of rotation for everyone.
	lim := openLive(t, dialect.Postgres, testenv.PostgresDSN(t), testenv.PostgresReplicaDSN(t),
		Config{MaxReplicaLag: routecfg.Duration(200 * time.Millisecond)})
	lim.r.State().Record(lim.replica, Measurement{Status: StatusReplicating, CaughtUp: true, LagKnown: true})
	time.Sleep(250 * time.Millisecond)
	lim.measure()
	rt = lim.route(Input{})
	assert.Same(t, lim.primary, rt.Node)
	assert.True(t, rt.Fallback)

	// Resumed, the replica catches up and serves the session again.
	_, err = l.replica.DB.Exec("SELECT pg_wal_replay_resume()")
	require.NoError(t, err)
	l.waitCaughtUp(pos2)
	assert.Same(t, l.replica, l.route(in).Node)
	require.Eventually(t, func() bool {
		_, info = l.measure()
		return info.Lag == 0
	}, 10*time.Second, 20*time.Millisecond, "lag returns to 0 once replay resumes")

	// Under synchronous_commit off the position is the insert LSN, which the
	// replica reaches once the WAL writer has flushed the commit.
	pos3 := l.write("SET synchronous_commit = off", "INSERT INTO "+tbl+" VALUES (3)")
	assert.True(t, pos3.Covers(&pos2))
	l.waitCaughtUp(pos3)
}

// waitPaused waits until replay is paused (PostgreSQL 14+ confirms a pause
// even when no WAL arrives).
func waitPaused(t *testing.T, db *sql.DB) {
	t.Helper()
	for range 500 {
		var paused bool
		require.NoError(t, db.QueryRow("SELECT pg_is_wal_replay_paused()").Scan(&paused))
		if paused {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("replay did not pause")
}

// waitReceived waits until the replica has received WAL up to pos.
func waitReceived(t *testing.T, db *sql.DB, pos Position) {
	t.Helper()
	want, _ := pos.LSN()
	for range 500 {
		var got string
		require.NoError(t, db.QueryRow("SELECT COALESCE(pg_last_wal_receive_lsn()::text, '0/0')").Scan(&got))
		if l, err := ParseLSN(got); err == nil && l >= want {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("the replica did not receive %s", pos)
}

func TestMariaDBProbe(t *testing.T) {
	causal := Config{ReadYourWrites: routecfg.ReadYourWrites{Mode: routecfg.RYWCausal}}
	testenv.Exclusive(t, "mysql-replica")
	l := openLive(t, dialect.MySQL, testenv.MySQLDSN(t), testenv.MySQLReplicaDSN(t), causal)
	tbl := fmt.Sprintf("grant_routing_probe_%d", time.Now().UnixNano())
	t.Cleanup(func() { l.primary.DB.Exec("DROP TABLE IF EXISTS " + tbl) })

	pos := l.write("CREATE TABLE "+tbl+" (id int PRIMARY KEY)", "INSERT INTO "+tbl+" VALUES (1)")
	set, ok := pos.GTIDs()
	require.True(t, ok, "a GTID position: %s", pos)
	require.Len(t, set, 1, "@@last_gtid is one GTID")

	info := l.waitCaughtUp(pos)
	assert.Equal(t, StatusReplicating, info.Status)
	m, info := l.measure()
	assert.True(t, info.LagKnown)
	assert.Zero(t, info.Lag, "%+v", m)

	// The primary is no replica.
	pm, err := Measure(context.Background(), l.d, l.primary)
	require.NoError(t, err)
	assert.Equal(t, StatusNotReplica, pm.Status)

	// The replica's position compares with the primary's: a later write is
	// not covered until the replica has applied it.
	sess := NewSession()
	in := Input{Overrides: FromContext(WithSession(context.Background(), sess))}
	l.r.Wrote(Input{DB: l.reg.Default(), Overrides: in.Overrides}, pos)
	assert.Same(t, l.replica, l.route(in).Node)
	next := GTIDPosition(GTIDSet{{Domain: set[0].Domain, Server: set[0].Server, Seq: set[0].Seq + 1_000_000}})
	l.r.Wrote(Input{DB: l.reg.Default(), Overrides: in.Overrides}, next)
	rt := l.route(in)
	assert.Same(t, l.primary, rt.Node)
	assert.Equal(t, ReasonBehind, rt.Reason)

	pos2 := l.write("INSERT INTO " + tbl + " VALUES (2)")
	assert.False(t, pos.Covers(&pos2), "%s then %s", pos, pos2)
	l.waitCaughtUp(pos2)

	// A connection that has logged nothing has no position to wait for.
	conn, err := l.primary.DB.Conn(context.Background())
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.Raw(func(dc any) error {
		p, err := l.r.CurrentPosition(context.Background(), dc.(driver.Conn))
		_ = p // pooled: may hold an earlier GTID of this connection
		return err
	}))
}

func TestMonitorRecordsReplicas(t *testing.T) {
	l := openLive(t, dialect.Postgres, testenv.PostgresDSN(t), testenv.PostgresReplicaDSN(t),
		Config{LagCheckInterval: routecfg.Duration(20 * time.Millisecond)})
	l.r.Start()
	l.r.Start() // idempotent
	deadline := time.Now().Add(10 * time.Second)
	for l.r.State().Info(l.replica).Status != StatusReplicating {
		require.True(t, time.Now().Before(deadline), "the monitor never measured the replica")
		time.Sleep(10 * time.Millisecond)
	}
	l.r.Close()
	l.r.MeasureNow(context.Background())
	assert.Equal(t, StatusReplicating, l.r.State().Info(l.replica).Status)
}
