package grant_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/routing"
)

// sharedOpen opens the cluster of rc once more, the way an application that
// calls sql.Open twice does (GORM's own test suite, a second library in the
// process): through a registered name, or a config file, with the primary
// DSN spelled with an extra parameter. Every handle is closed when the test
// ends.
func sharedOpen(t *testing.T, rc *rtCluster, settings, how string) *sql.DB {
	t.Helper()
	primary, replica := rtDSNs(t, rc.d)
	switch rc.d {
	case dialect.Postgres: // another spelling of the same server and database
		primary += "&application_name=grant_shared"
	case dialect.MySQL:
		primary += "?timeout=5s"
	}
	cfg, err := config.Parse([]byte(settings), "yaml")
	require.NoError(t, err)
	cfg.Dialect = rc.d
	cfg.Databases = map[string]*config.Database{"main": {Primary: primary, Replicas: []string{replica}}}
	var name string
	switch how {
	case "register":
		name = "grant-rt-shared-" + rtNonce
		require.NoError(t, grant.Register(name, cfg))
		t.Cleanup(func() { grant.Unregister(name) })
	case "file":
		doc, err := json.Marshal(cfg)
		require.NoError(t, err)
		name = filepath.Join(t.TempDir(), "cluster.json")
		require.NoError(t, os.WriteFile(name, doc, 0o600))
	default:
		t.Fatalf("unknown way to open: %s", how)
	}
	db, err := sql.Open("grant", name)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

// TestRoutingSharedReadYourWritesPostgres: a write through one sql.Open of a
// cluster is read back through another sql.Open of the same cluster in the
// process, without a routing.Session in the context (read_your_writes
// scope database), though the replica has not replayed it.
func TestRoutingSharedReadYourWritesPostgres(t *testing.T) {
	ctx := context.Background()
	const settings = "routing: {read_your_writes: {mode: window, window: 30s}}"
	rc := openRT(t, dialect.Postgres, settings)
	tbl := rc.table(t, "pg_shared", "id INT PRIMARY KEY")
	count := "SELECT pg_is_in_recovery(), count(*) FROM " + tbl
	byName := sharedOpen(t, rc, settings, "register")
	byName2 := sharedOpen(t, rc, settings, "register")
	byFile := sharedOpen(t, rc, settings, "file")
	pauseReplay(t, rc.rawReplica)

	_, err := byName.ExecContext(ctx, "INSERT INTO "+tbl+" VALUES (1)")
	require.NoError(t, err)
	for name, db := range map[string]*sql.DB{"second sql.Open of the name": byName2, "config file": byFile, "NewConnector": rc.db} {
		var onReplica bool
		var n int
		require.NoError(t, db.QueryRowContext(ctx, count).Scan(&onReplica, &n), name)
		assert.False(t, onReplica, "%s: the read runs on the primary", name)
		assert.Equal(t, 1, n, "%s: the read sees the write made through another sql.Open", name)
	}
	assertRoute(t, rc, ctx, count, rc.primary, routing.ReasonRecentWrite)
	// A session's own scope is unchanged: another session reads the replica.
	other := routing.WithSession(ctx, routing.NewSession())
	assert.EqualValues(t, 0, scanInt(t, other, byName2, "SELECT count(*) FROM "+tbl), "the paused replica lacks the row")
}

// TestRoutingSharedReadYourWritesMariaDB: the same through MariaDB, where
// the app user cannot pause the replica: the read must run on the primary.
func TestRoutingSharedReadYourWritesMariaDB(t *testing.T) {
	ctx := context.Background()
	const settings = "routing: {read_your_writes: {mode: window, window: 30s}}"
	rc := openRT(t, dialect.MySQL, settings)
	tbl := rc.table(t, "my_shared", "id INT PRIMARY KEY")
	primaryID := scanInt(t, ctx, rc.rawPrimary, "SELECT @@server_id")
	replicaID := scanInt(t, ctx, rc.rawReplica, "SELECT @@server_id")
	require.NotEqual(t, primaryID, replicaID)
	byName := sharedOpen(t, rc, settings, "register")
	byFile := sharedOpen(t, rc, settings, "file")
	require.Equal(t, replicaID, scanInt(t, ctx, byFile, "SELECT @@server_id"), "before any write: the replica")

	_, err := byName.ExecContext(ctx, "INSERT INTO "+tbl+" VALUES (1)")
	require.NoError(t, err)
	for name, db := range map[string]*sql.DB{"config file": byFile, "NewConnector": rc.db} {
		var id, n int64
		require.NoError(t, db.QueryRowContext(ctx, "SELECT @@server_id, count(*) FROM "+tbl).Scan(&id, &n), name)
		assert.Equal(t, primaryID, id, "%s: the read runs on the primary", name)
		assert.EqualValues(t, 1, n, name)
	}
}

// TestRoutingSharedReadYourWritesCausal: in causal mode the shared record
// carries the primary's position: another connector's read waits for a
// replica that has replayed it, else reads the primary; never stale.
func TestRoutingSharedReadYourWritesCausal(t *testing.T) {
	ctx := context.Background()
	const settings = "routing: {read_your_writes: {mode: causal}, lag_check_interval: 1h}"
	rc := openRT(t, dialect.Postgres, settings)
	tbl := rc.table(t, "pg_shared_causal", "id INT PRIMARY KEY")
	other := sharedOpen(t, rc, settings, "register")
	pauseReplay(t, rc.rawReplica)
	_, err := rc.db.ExecContext(ctx, "INSERT INTO "+tbl+" VALUES (1)")
	require.NoError(t, err)
	var onReplica bool
	var n int
	require.NoError(t, other.QueryRowContext(ctx, "SELECT pg_is_in_recovery(), count(*) FROM "+tbl).Scan(&onReplica, &n))
	assert.False(t, onReplica, "the paused replica has not replayed the write")
	assert.Equal(t, 1, n)
}

// TestRoutingSharedReadYourWritesLifetime: the shared record lives while a
// connector of the cluster is open, and goes with the last one; opening and
// closing many leaves nothing behind.
func TestRoutingSharedReadYourWritesLifetime(t *testing.T) {
	ctx := context.Background()
	const settings = "routing: {read_your_writes: {mode: window, window: 1m}}"
	rc := openRT(t, dialect.Postgres, settings)
	tbl := rc.table(t, "pg_shared_life", "id INT PRIMARY KEY")
	const q = "SELECT 1"
	assertRoute(t, rc, ctx, q, rc.replica, routing.ReasonRead)

	a := sharedOpen(t, rc, settings, "register")
	_, err := a.ExecContext(ctx, "INSERT INTO "+tbl+" VALUES (1)")
	require.NoError(t, err)
	assertRoute(t, rc, ctx, q, rc.primary, routing.ReasonRecentWrite)
	require.NoError(t, a.Close())
	assertRoute(t, rc, ctx, q, rc.primary, routing.ReasonRecentWrite) // rc still holds the record
	require.NoError(t, rc.db.Close())

	// Every connector of the cluster closed: a new one starts afresh,
	// though the write is well within its minute.
	fresh := openRT(t, dialect.Postgres, settings)
	assertRoute(t, fresh, ctx, q, fresh.replica, routing.ReasonRead)

	// Many open, write, close cycles beside a connector that stays open:
	// each write counts while it is open, none outlives the last close.
	for i := range 30 {
		c := sharedOpen(t, fresh, settings, "file")
		_, err := c.ExecContext(ctx, "INSERT INTO "+tbl+" VALUES ($1)", i+2)
		require.NoError(t, err)
		require.NoError(t, c.Close())
	}
	assertRoute(t, fresh, ctx, q, fresh.primary, routing.ReasonRecentWrite)
	require.NoError(t, fresh.db.Close())
	again := openRT(t, dialect.Postgres, settings)
	assertRoute(t, again, ctx, q, again.replica, routing.ReasonRead)
	assert.False(t, strings.Contains(again.c.Router().Cluster(), "grant_app"), "the identity shows no DSN")
}
