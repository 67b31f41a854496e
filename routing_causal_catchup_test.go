package grant_test

import (
	"context"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/routing"
)

// causalSettings keeps the lag monitor out of the way (it measures each
// replica once, at open): a replica's position then advances only by the
// on-demand check.
const causalSettings = "routing: {read_your_writes: {mode: causal, max_wait: 200ms}, lag_check_interval: 1h}"

// causalRounds writes a row through the writer with a session, then reads
// the rows through the reader, another connector of the cluster, with the
// session's token, rounds times. whereQ returns, from the reader, whether
// the read ran on the replica and how many rows it saw. It returns how
// many reads ran on the replica; every read must see every row written.
func causalRounds(t *testing.T, ctx context.Context, writer, reader *rtCluster, tbl string, rounds int,
	whereQ func(ctx context.Context) (onReplica bool, rows int64)) int {
	t.Helper()
	onReplica := 0
	for i := range rounds {
		sess := routing.NewSession()
		_, err := writer.db.ExecContext(routing.WithSession(ctx, sess), "INSERT INTO "+tbl+" (id) VALUES ("+strconv.Itoa(i+1)+")")
		require.NoError(t, err)
		require.False(t, sess.Position("main").IsZero(), "causal mode records the write's position")
		tok, err := routing.ParseToken(sess.Token().String())
		require.NoError(t, err)
		replica, rows := whereQ(routing.WithToken(ctx, tok))
		assert.EqualValues(t, i+1, rows, "round %d: the read saw every write (replica %v)", i, replica)
		if replica {
			onReplica++
		}
	}
	return onReplica
}

// TestRoutingCausalCatchUpPostgres: reads through a second connector with a
// session's token, right after its write, run on the replica once it has
// replayed the write, which it checks on demand, instead of on the primary
// until the next lag measurement.
func TestRoutingCausalCatchUpPostgres(t *testing.T) {
	ctx := context.Background()
	writer := openRT(t, dialect.Postgres, causalSettings)
	reader := openRT(t, dialect.Postgres, causalSettings)
	tbl := writer.table(t, "pg_catchup", "id INT PRIMARY KEY")
	q := "SELECT pg_is_in_recovery(), count(*) FROM " + tbl
	read := func(ctx context.Context) (bool, int64) {
		var replica bool
		var n int64
		require.NoError(t, reader.db.QueryRowContext(ctx, q).Scan(&replica, &n))
		return replica, n
	}
	const rounds = 50
	onReplica := causalRounds(t, ctx, writer, reader, tbl, rounds, read)
	st := reader.c.Router().CatchUpStats()
	t.Logf("%d of %d reads on the replica; %+v", onReplica, rounds, st)
	assert.Greater(t, onReplica, rounds/2, "most reads run on the replica")
	assert.EqualValues(t, onReplica, st.CaughtUp, "each read on the replica waited for it")
	assert.LessOrEqual(t, st.Reads, int64(rounds))
	assert.Zero(t, st.Errors)

	// Replay paused: the read waits at most max_wait, then reads the
	// primary, and sees the write.
	pauseReplay(t, writer.rawReplica)
	before := reader.c.Router().CatchUpStats()
	sess := routing.NewSession()
	_, err := writer.db.ExecContext(routing.WithSession(ctx, sess), "INSERT INTO "+tbl+" (id) VALUES (1000)")
	require.NoError(t, err)
	withTok := routing.WithToken(ctx, sess.Token())
	replica, n := read(withTok)
	assert.False(t, replica, "the paused replica never caught up")
	assert.EqualValues(t, rounds+1, n)
	after := reader.c.Router().CatchUpStats()
	assert.Equal(t, before.Reads+1, after.Reads)
	assert.Equal(t, before.CaughtUp, after.CaughtUp)

	// Concurrent reads waiting for the same replica share one check.
	const readers = 16
	before = after
	var wg sync.WaitGroup
	for range readers {
		wg.Go(func() {
			replica, n := read(withTok)
			assert.False(t, replica)
			assert.EqualValues(t, rounds+1, n)
		})
	}
	wg.Wait()
	after = reader.c.Router().CatchUpStats()
	t.Logf("%d concurrent reads: %+v", readers, after)
	assert.Equal(t, before.Reads+readers, after.Reads)
	assert.Less(t, after.Flights-before.Flights, int64(readers/4), "the waiting reads share their checks")

	// Resumed, the replica replays the write and the next read runs there.
	resumeReplay(t, writer.rawReplica)
	replica, n = read(withTok)
	assert.True(t, replica, "the check finds the replica caught up")
	assert.EqualValues(t, rounds+1, n)
}

// TestRoutingCausalCatchUpMariaDB: the same with MariaDB, whose replica is
// checked with MASTER_GTID_WAIT and @@gtid_slave_pos.
func TestRoutingCausalCatchUpMariaDB(t *testing.T) {
	ctx := context.Background()
	writer := openRT(t, dialect.MySQL, causalSettings)
	reader := openRT(t, dialect.MySQL, causalSettings)
	tbl := writer.table(t, "my_catchup", "id INT PRIMARY KEY")
	replicaID := scanInt(t, ctx, writer.rawReplica, "SELECT @@server_id")
	q := "SELECT @@server_id, count(*) FROM " + tbl
	const rounds = 50
	onReplica := causalRounds(t, ctx, writer, reader, tbl, rounds, func(ctx context.Context) (bool, int64) {
		var id, n int64
		require.NoError(t, reader.db.QueryRowContext(ctx, q).Scan(&id, &n))
		return id == replicaID, n
	})
	st := reader.c.Router().CatchUpStats()
	t.Logf("%d of %d reads on the replica; %+v", onReplica, rounds, st)
	assert.Greater(t, onReplica, rounds/2, "most reads run on the replica")
	assert.EqualValues(t, onReplica, st.CaughtUp)
	assert.Zero(t, st.Errors)
}

// TestRoutingCausalWithoutCatchUp: max_wait 0 turns the check off: every
// read with the token runs on the primary until the next lag measurement,
// as before the check existed.
func TestRoutingCausalWithoutCatchUp(t *testing.T) {
	ctx := context.Background()
	const settings = "routing: {read_your_writes: {mode: causal, max_wait: 0s}, lag_check_interval: 1h}"
	writer := openRT(t, dialect.Postgres, settings)
	reader := openRT(t, dialect.Postgres, settings)
	tbl := writer.table(t, "pg_nocatchup", "id INT PRIMARY KEY")
	q := "SELECT pg_is_in_recovery(), count(*) FROM " + tbl
	onReplica := causalRounds(t, ctx, writer, reader, tbl, 10, func(ctx context.Context) (bool, int64) {
		var replica bool
		var n int64
		require.NoError(t, reader.db.QueryRowContext(ctx, q).Scan(&replica, &n))
		return replica, n
	})
	assert.Zero(t, onReplica)
	assert.Zero(t, reader.c.Router().CatchUpStats().Reads)
}
