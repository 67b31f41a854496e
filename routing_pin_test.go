package grant_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/routing"
)

// pinConn returns a sql.Conn of rc, closed when the test ends.
func pinConn(t *testing.T, rc *rtCluster) *sql.Conn {
	t.Helper()
	conn, err := rc.db.Conn(context.Background())
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	return conn
}

func mustExec(t *testing.T, ctx context.Context, conn *sql.Conn, q string, args ...any) {
	t.Helper()
	_, err := conn.ExecContext(ctx, q, args...)
	require.NoError(t, err, q)
}

func TestPinPostgresSessionState(t *testing.T) {
	ctx := context.Background()
	rc := openRT(t, dialect.Postgres, "routing: {read_your_writes: {mode: off}}")
	require.True(t, scanBool(t, ctx, rc.db, inRecovery), "reads normally go to the replica")

	conn := pinConn(t, rc)
	assert.True(t, scanBool(t, ctx, conn, inRecovery), "a sql.Conn is routed per statement until pinned")
	mustExec(t, ctx, conn, "SET search_path TO pg_catalog, public")
	var path string
	require.NoError(t, conn.QueryRowContext(ctx, "SHOW search_path").Scan(&path))
	assert.Equal(t, "pg_catalog, public", path, "the session sees its SET")
	assert.False(t, scanBool(t, ctx, conn, inRecovery), "the pinned session reads on its node, the primary")
	pid := scanInt(t, ctx, conn, "SELECT pg_backend_pid()")
	assert.Equal(t, pid, scanInt(t, ctx, conn, "SELECT pg_backend_pid()"), "one physical connection")

	// A temporary table is visible to the session's later reads.
	tmp := rtName("tmp")
	mustExec(t, ctx, conn, "CREATE TEMP TABLE "+tmp+" (id int)")
	mustExec(t, ctx, conn, "INSERT INTO "+tmp+" VALUES (1), (2)")
	assert.EqualValues(t, 2, scanInt(t, ctx, conn, "SELECT count(*) FROM "+tmp))
	other := pinConn(t, rc)
	_, err := other.ExecContext(routing.ForcePrimary(ctx), "SELECT count(*) FROM "+tmp)
	assert.Error(t, err, "another session does not see the temporary table")
	mustExec(t, ctx, conn, "DROP TABLE "+tmp)

	// An advisory lock is held by the session's backend and released by it.
	const key = 741_852_963
	mustExec(t, ctx, conn, "SELECT pg_advisory_lock($1)", key)
	holders := "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND granted AND pid = $2"
	assert.EqualValues(t, 1, scanInt(t, ctx, rc.rawPrimary, holders, key, pid), "held by the pinned backend")
	var locked bool
	require.NoError(t, other.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", key).Scan(&locked))
	assert.False(t, locked, "another session cannot take it")
	assert.True(t, scanBoolArgs(t, ctx, conn, "SELECT pg_advisory_unlock($1)", key), "the holding session unlocks it")
	assert.EqualValues(t, 0, scanInt(t, ctx, rc.rawPrimary, holders, key, pid))
}

func TestPinMariaDBSessionState(t *testing.T) {
	ctx := context.Background()
	rc := openRT(t, dialect.MySQL, "routing: {read_your_writes: {mode: off}}")
	replicaID := scanInt(t, ctx, rc.rawReplica, "SELECT @@server_id")
	primaryID := scanInt(t, ctx, rc.rawPrimary, "SELECT @@server_id")
	require.Equal(t, replicaID, scanInt(t, ctx, rc.db, "SELECT @@server_id"), "reads normally go to the replica")

	conn := pinConn(t, rc)
	mustExec(t, ctx, conn, "SET @x := 1")
	assert.EqualValues(t, 1, scanInt(t, ctx, conn, "SELECT @x"), "the session sees its user variable")
	assert.Equal(t, primaryID, scanInt(t, ctx, conn, "SELECT @@server_id"), "the pinned session reads on the primary")
	id := scanInt(t, ctx, conn, "SELECT CONNECTION_ID()")

	tmp := rtName("tmp")
	mustExec(t, ctx, conn, "CREATE TEMPORARY TABLE "+tmp+" (id INT)")
	mustExec(t, ctx, conn, "INSERT INTO "+tmp+" VALUES (1), (2)")
	assert.EqualValues(t, 2, scanInt(t, ctx, conn, "SELECT count(*) FROM "+tmp))
	mustExec(t, ctx, conn, "DROP TEMPORARY TABLE "+tmp)

	lock := rtName("lock")
	assert.EqualValues(t, 1, scanInt(t, ctx, conn, "SELECT GET_LOCK(?, 1)", lock))
	assert.Equal(t, id, scanInt(t, ctx, rc.rawPrimary, "SELECT IS_USED_LOCK(?)", lock), "held by the pinned connection")
	assert.EqualValues(t, 1, scanInt(t, ctx, conn, "SELECT RELEASE_LOCK(?)", lock), "the holding session releases it")

	// A session whose first pinning statement is a read that assigns a
	// user variable.
	conn2 := pinConn(t, rc)
	assert.EqualValues(t, 2, scanInt(t, ctx, conn2, "SELECT @y := 2"))
	assert.EqualValues(t, 2, scanInt(t, ctx, conn2, "SELECT @y"))
}

func scanBoolArgs(t *testing.T, ctx context.Context, q rowQueryer, query string, args ...any) bool {
	t.Helper()
	var b bool
	require.NoError(t, q.QueryRowContext(ctx, query, args...).Scan(&b), query)
	return b
}

// TestPinLastInsertIDOnConn: on a sql.Conn, a statement that reads the
// session's last insert id (MariaDB LAST_INSERT_ID(), PostgreSQL lastval())
// must run on the physical connection of the INSERT before it, as it does
// without Grant. Another session's connection, taken from the primary's
// pool just before, is made the one the pool hands out next.
func TestPinLastInsertIDOnConn(t *testing.T) {
	for _, tc := range []struct {
		d             dialect.Dialect
		cols, ins, id string
	}{
		{dialect.Postgres, "id BIGSERIAL PRIMARY KEY, v TEXT", "INSERT INTO %s (v) VALUES ('a')", "SELECT lastval()"},
		{dialect.MySQL, "id BIGINT AUTO_INCREMENT PRIMARY KEY, v TEXT", "INSERT INTO %s (v) VALUES ('a')", "SELECT LAST_INSERT_ID()"},
	} {
		t.Run(tc.d.String(), func(t *testing.T) {
			ctx := context.Background()
			rc := openRT(t, tc.d, "health: {disabled: true}\nrouting: {read_your_writes: {mode: off}}")
			tbl := rc.table(t, "lastid", tc.cols)
			for range 3 { // ids 1..3 exist; this session's insert gets 4
				_, err := rc.rawPrimary.Exec(fmt.Sprintf(tc.ins, tbl))
				require.NoError(t, err)
			}
			conn := pinConn(t, rc)
			other := pinConn(t, rc)
			held, err := other.QueryContext(routing.ForcePrimary(ctx), "SELECT 1")
			require.NoError(t, err)
			mustExec(t, ctx, conn, fmt.Sprintf(tc.ins, tbl))
			require.NoError(t, held.Close())
			var id sql.NullInt64
			err = conn.QueryRowContext(ctx, tc.id).Scan(&id)
			require.NoError(t, err, "the session's last insert id is defined")
			assert.EqualValues(t, 4, id.Int64, "the id of the session's own insert")
		})
	}
}

// TestPinStateEndsWithSession: once a pinned sql.Conn is closed and its
// session reset, its session state must not reach statements of other
// sessions through the physical connection it used.
func TestPinStateEndsWithSession(t *testing.T) {
	ctx := context.Background()
	rc := openRT(t, dialect.Postgres, "pool: {max_open: 1}\nhealth: {disabled: true}\nrouting: {read_your_writes: {mode: off}}")
	conn := pinConn(t, rc)
	mustExec(t, ctx, conn, "SET application_name = 'grant_rt_leak'")
	require.NoError(t, conn.Close())
	var name string
	require.NoError(t, rc.db.QueryRowContext(routing.ForcePrimary(ctx), "SELECT current_setting('application_name')").Scan(&name))
	assert.NotEqual(t, "grant_rt_leak", name, "another session inherited the SET")
}
