package grant_test

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/testenv"
	"github.com/grantsql/grant/registry"
	"github.com/grantsql/grant/routing"
)

// rtCluster is one database with a primary and one replica behind Grant,
// with direct connections (no Grant) to both nodes for checking what the
// servers themselves hold.
type rtCluster struct {
	d                dialect.Dialect
	db               *sql.DB
	c                *grant.Connector
	primary, replica *registry.Node
	rawPrimary       *sql.DB
	rawReplica       *sql.DB
}

// rowQueryer is a *sql.DB, *sql.Conn or *sql.Tx.
type rowQueryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// rtNonce keeps table names of concurrent runs apart.
var rtNonce = fmt.Sprintf("%d", time.Now().UnixNano()%1_000_000)

// rtName returns a table name for this run: grant_rt_<name>_<nonce>.
func rtName(name string) string { return "grant_rt_" + name + "_" + rtNonce }

// rtDSNs returns the primary and replica DSNs of the dialect's test
// servers (skipping without them), or of a SQLite file whose replica is the
// same file opened read-only.
func rtDSNs(t *testing.T, d dialect.Dialect) (primary, replica string) {
	switch d {
	case dialect.Postgres:
		primary, replica = testenv.PostgresDSN(t), testenv.PostgresReplicaDSN(t)
		testenv.Exclusive(t, "pg-replica")
		return primary, replica
	case dialect.MySQL:
		primary, replica = testenv.MySQLDSN(t), testenv.MySQLReplicaDSN(t)
		testenv.Exclusive(t, "mysql-replica")
		return primary, replica
	}
	file := filepath.Join(t.TempDir(), "rt.db")
	return "file:" + file + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)",
		"file:" + file + "?mode=ro&_pragma=busy_timeout(5000)"
}

func rawDriver(d dialect.Dialect) string {
	switch d {
	case dialect.Postgres:
		return "pgx"
	case dialect.MySQL:
		return "mysql"
	}
	return "sqlite"
}

// openRT opens a primary+replica cluster of dialect d behind Grant, with
// counters on every node. settings is YAML for the other top-level keys of
// the configuration (routing, health, retry, pool).
func openRT(t *testing.T, d dialect.Dialect, settings string, opts ...grant.Option) *rtCluster {
	t.Helper()
	primary, replica := rtDSNs(t, d)
	rc := &rtCluster{d: d}
	var err error
	rc.rawPrimary, err = sql.Open(rawDriver(d), primary)
	require.NoError(t, err)
	t.Cleanup(func() { rc.rawPrimary.Close() })
	if d == dialect.SQLite {
		// The read-only replica needs the file to exist.
		_, err = rc.rawPrimary.Exec("CREATE TABLE IF NOT EXISTS grant_rt_init (id INTEGER)")
		require.NoError(t, err)
	}
	rc.rawReplica, err = sql.Open(rawDriver(d), replica)
	require.NoError(t, err)
	t.Cleanup(func() { rc.rawReplica.Close() })

	cfg, err := config.Parse([]byte(settings), "yaml")
	require.NoError(t, err)
	cfg.Dialect = d
	cfg.Databases = map[string]*config.Database{"main": {Primary: primary, Replicas: []string{replica}}}
	logger := slog.New(slog.NewTextHandler(testLog{t}, nil)) // health transitions, in the test's log
	rc.c, err = grant.NewConnector(cfg, append([]grant.Option{grant.WithCounters(), grant.WithLogger(logger)}, opts...)...)
	require.NoError(t, err)
	rc.db = sql.OpenDB(rc.c)
	t.Cleanup(func() { rc.db.Close() })
	main := rc.c.Registry().Default()
	rc.primary, rc.replica = main.Primary, main.Replicas[0]
	return rc
}

// testLog writes to the test's log. The connector's health checks, its
// only writers, stop when the test's cleanup closes the connector.
type testLog struct{ t *testing.T }

func (w testLog) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

// table creates a table on the primary directly (so that creating it does
// not count as a write through Grant), drops it afterwards, and waits until
// the replica has it.
func (rc *rtCluster) table(t *testing.T, name, cols string) string {
	t.Helper()
	tbl := rtName(name)
	_, err := rc.rawPrimary.Exec("DROP TABLE IF EXISTS " + tbl)
	require.NoError(t, err)
	_, err = rc.rawPrimary.Exec("CREATE TABLE " + tbl + " (" + cols + ")")
	require.NoError(t, err)
	t.Cleanup(func() { rc.rawPrimary.Exec("DROP TABLE IF EXISTS " + tbl) })
	require.Eventually(t, func() bool {
		_, err := rc.rawReplica.Exec("SELECT count(*) FROM " + tbl)
		return err == nil
	}, 15*time.Second, 20*time.Millisecond, "the replica never got table %s", tbl)
	return tbl
}

// explain returns the route Grant would take for q under ctx.
func (rc *rtCluster) explain(t *testing.T, ctx context.Context, q string) routing.Route {
	t.Helper()
	rt, err := rc.c.Router().Explain(ctx, q)
	require.NoError(t, err)
	return rt
}

// route is explain for require.Eventually conditions, which must not stop
// the test: an error gives the zero Route.
func (rc *rtCluster) route(ctx context.Context, q string) routing.Route {
	rt, _ := rc.c.Router().Explain(ctx, q)
	return rt
}

// stmts returns how many physical connections Grant has taken from every
// node: a statement that reached no server takes none.
func (rc *rtCluster) stmts() (primary, replica int64) {
	return rc.primary.Stats().Stmts, rc.replica.Stats().Stmts
}

// counts returns a node's counted calls.
func counts(n *registry.Node) (queries, execs int64) {
	s := n.Counters.Snapshot()
	return s.Queries, s.Execs
}

func scanBool(t *testing.T, ctx context.Context, q rowQueryer, query string) bool {
	t.Helper()
	var b bool
	require.NoError(t, q.QueryRowContext(ctx, query).Scan(&b), query)
	return b
}

func scanInt(t *testing.T, ctx context.Context, q rowQueryer, query string, args ...any) int64 {
	t.Helper()
	var n int64
	require.NoError(t, q.QueryRowContext(ctx, query, args...).Scan(&n), query)
	return n
}

const inRecovery = "SELECT pg_is_in_recovery()"

func TestRoutingPostgresPlacement(t *testing.T) {
	ctx := context.Background()
	rc := openRT(t, dialect.Postgres, "routing: {read_your_writes: {mode: off}, read_only_transactions: replica}")
	tbl := rc.table(t, "pg_place", "id INT PRIMARY KEY, v TEXT")
	_, err := rc.rawPrimary.Exec("INSERT INTO " + tbl + " VALUES (1, 'a')")
	require.NoError(t, err)

	require.Same(t, rc.replica, rc.explain(t, ctx, inRecovery).Node)
	assert.True(t, scanBool(t, ctx, rc.db, inRecovery), "a plain read runs on the replica")
	assert.False(t, scanBool(t, ctx, rc.db, "SELECT pg_is_in_recovery() FROM "+tbl+" WHERE id = 1 FOR UPDATE"),
		"a locking read runs on the primary")
	assert.False(t, scanBool(t, ctx, rc.db, "SELECT pg_is_in_recovery() FROM "+tbl+" WHERE id = 1 FOR SHARE"))
	assert.False(t, scanBool(t, routing.ForcePrimary(ctx), rc.db, inRecovery), "routing.ForcePrimary")
	assert.True(t, scanBool(t, routing.ForceReplica(ctx), rc.db, inRecovery), "routing.ForceReplica")

	tx, err := rc.db.BeginTx(ctx, nil)
	require.NoError(t, err)
	assert.False(t, scanBool(t, ctx, tx, inRecovery), "a read-write transaction runs on the primary")
	require.NoError(t, tx.Commit())
	tx, err = rc.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	require.NoError(t, err)
	assert.True(t, scanBool(t, ctx, tx, inRecovery), "read_only_transactions: replica")
	require.NoError(t, tx.Commit())

	// The replica refuses writes, so a write that succeeds ran on the primary.
	_, err = rc.rawReplica.Exec("INSERT INTO " + tbl + " VALUES (9, 'x')")
	require.Error(t, err, "the replica is read-only")
	_, err = rc.db.ExecContext(ctx, "INSERT INTO "+tbl+" VALUES (2, 'b')")
	require.NoError(t, err)
	assert.EqualValues(t, 1, scanInt(t, ctx, rc.rawPrimary, "SELECT count(*) FROM "+tbl+" WHERE id = 2"))

	assertForcedWriteRefused(t, rc, "INSERT INTO "+tbl+" VALUES (3, 'c')")
}

func TestRoutingMariaDBPlacement(t *testing.T) {
	ctx := context.Background()
	rc := openRT(t, dialect.MySQL, "routing: {read_your_writes: {mode: off}, read_only_transactions: replica}")
	tbl := rc.table(t, "my_place", "id INT PRIMARY KEY, v VARCHAR(10)")
	_, err := rc.rawPrimary.Exec("INSERT INTO " + tbl + " VALUES (1, 'a')")
	require.NoError(t, err)

	const serverID = "SELECT @@server_id"
	primaryID := scanInt(t, ctx, rc.rawPrimary, serverID)
	replicaID := scanInt(t, ctx, rc.rawReplica, serverID)
	require.NotEqual(t, primaryID, replicaID, "the test servers need distinct server ids")

	require.Same(t, rc.replica, rc.explain(t, ctx, serverID).Node)
	assert.Equal(t, replicaID, scanInt(t, ctx, rc.db, serverID), "a plain read runs on the replica")
	assert.EqualValues(t, 1, scanInt(t, ctx, rc.db, "SELECT @@read_only"))
	assert.Equal(t, primaryID, scanInt(t, ctx, rc.db, "SELECT @@server_id FROM "+tbl+" WHERE id = 1 FOR UPDATE"),
		"a locking read runs on the primary")
	assert.Equal(t, primaryID, scanInt(t, ctx, rc.db, "SELECT @@server_id FROM "+tbl+" WHERE id = 1 LOCK IN SHARE MODE"))
	assert.Equal(t, primaryID, scanInt(t, routing.ForcePrimary(ctx), rc.db, serverID), "routing.ForcePrimary")
	assert.EqualValues(t, 0, scanInt(t, routing.ForcePrimary(ctx), rc.db, "SELECT @@read_only"))

	tx, err := rc.db.BeginTx(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, primaryID, scanInt(t, ctx, tx, serverID), "a read-write transaction runs on the primary")
	require.NoError(t, tx.Commit())
	tx, err = rc.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	require.NoError(t, err)
	assert.Equal(t, replicaID, scanInt(t, ctx, tx, serverID), "read_only_transactions: replica")
	require.NoError(t, tx.Commit())

	_, err = rc.rawReplica.Exec("INSERT INTO " + tbl + " VALUES (9, 'x')")
	require.Error(t, err, "the replica is read-only to the app user")
	_, err = rc.db.ExecContext(ctx, "INSERT INTO "+tbl+" VALUES (2, 'b')")
	require.NoError(t, err)
	assert.EqualValues(t, 1, scanInt(t, ctx, rc.rawPrimary, "SELECT count(*) FROM "+tbl+" WHERE id = 2"))

	assertForcedWriteRefused(t, rc, "INSERT INTO "+tbl+" VALUES (3, 'c')")
}

func TestRoutingSQLitePlacement(t *testing.T) {
	ctx := context.Background()
	rc := openRT(t, dialect.SQLite, "routing: {read_your_writes: {mode: off}}")
	tbl := rc.table(t, "lite_place", "id INTEGER PRIMARY KEY, v TEXT")
	_, err := rc.rawReplica.Exec("INSERT INTO " + tbl + " (v) VALUES ('x')")
	require.Error(t, err, "the replica DSN opens the file read-only")

	pq, pe := counts(rc.primary)
	rq, _ := counts(rc.replica)
	ps, rs := rc.stmts()
	for range 5 {
		assert.EqualValues(t, 0, scanInt(t, ctx, rc.db, "SELECT count(*) FROM "+tbl))
	}
	q, _ := counts(rc.replica)
	assert.EqualValues(t, 5, q-rq, "five reads counted on the replica")
	_, s := rc.stmts()
	assert.EqualValues(t, 5, s-rs)
	q, _ = counts(rc.primary)
	assert.Equal(t, pq, q, "no read on the primary")

	res, err := rc.db.ExecContext(ctx, "INSERT INTO "+tbl+" (v) VALUES ('a')")
	require.NoError(t, err)
	n, err := res.RowsAffected()
	require.NoError(t, err)
	assert.EqualValues(t, 1, n)
	_, e := counts(rc.primary)
	assert.EqualValues(t, 1, e-pe, "the write counted on the primary")
	s, _ = rc.stmts()
	assert.EqualValues(t, 1, s-ps)
	assert.EqualValues(t, 1, scanInt(t, ctx, rc.db, "SELECT count(*) FROM "+tbl), "the replica reads the same file")

	assertForcedWriteRefused(t, rc, "INSERT INTO "+tbl+" (v) VALUES ('b')")
	st := rc.c.Registry().Stats()
	require.Len(t, st, 2)
	assert.True(t, st[1].Healthy, "%+v", st[1])
	assert.Equal(t, "replica", st[1].Role)
}
