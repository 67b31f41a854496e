package grant_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/testenv"
	"github.com/grantsql/grant/internal/twopc/crashtest"
)

// A branch whose commit COMMIT PREPARED has not finished yet (the
// coordinator's process still runs, or retries later) is too young for the
// background recovery, which must then keep its commit decision too:
// forgetting it would let a later pass find the branch without a decision,
// record an abort and roll back a committed transaction.
func TestBackgroundRecoveryKeepsTheDecisionOfAYoungBranch(t *testing.T) {
	base := testenv.PostgresDSN(t)
	var dsn [2]string
	var raw [2]*sql.DB
	for i := range dsn {
		dsn[i] = testenv.Database(t, dialect.Postgres, base, fmt.Sprintf("grant_test_young_s%d", i))
		db, err := sql.Open("pgx", dsn[i])
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		raw[i] = db
	}
	ctx := context.Background()
	_, err := raw[1].Exec("CREATE TABLE accounts (id BIGINT PRIMARY KEY, balance BIGINT NOT NULL)")
	require.NoError(t, err)
	gid := "grant:s0:" + strings.Repeat("c", 32)
	_, err = raw[0].Exec("CREATE TABLE grant_twophase (gid VARCHAR(200) NOT NULL PRIMARY KEY, state VARCHAR(8) NOT NULL," +
		" participants TEXT NOT NULL, created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)")
	require.NoError(t, err)
	_, err = raw[0].Exec("INSERT INTO grant_twophase (gid, state, participants) VALUES ($1, 'commit', 's0,s1')", gid)
	require.NoError(t, err)
	conn, err := raw[1].Conn(ctx)
	require.NoError(t, err)
	for _, q := range []string{"BEGIN", "INSERT INTO accounts VALUES (1, 100)", "PREPARE TRANSACTION '" + gid + ":s1'"} {
		_, err := conn.ExecContext(ctx, q)
		require.NoError(t, err, q)
	}
	require.NoError(t, conn.Close())
	t.Cleanup(func() { _, _ = raw[1].Exec("ROLLBACK PREPARED '" + gid + ":s1'") })

	// Each background pass may take up to the interval.
	every := config.Duration(200 * time.Millisecond)
	c, err := grant.NewConnector(crashtest.Cluster(dialect.Postgres, dsn[0], dsn[1], &every))
	require.NoError(t, err)
	db := sql.OpenDB(c)
	defer db.Close()
	time.Sleep(8 * time.Duration(every)) // several background passes

	var n int
	require.NoError(t, raw[0].QueryRow("SELECT count(*) FROM grant_twophase WHERE gid = $1", gid).Scan(&n))
	assert.Equal(t, 1, n, "the decision of a branch still being finished is kept")
	require.NoError(t, raw[1].QueryRow("SELECT count(*) FROM pg_prepared_xacts WHERE gid = $1", gid+":s1").Scan(&n))
	assert.Equal(t, 1, n, "the young branch is left to its coordinator")

	r, err := c.Recover(ctx) // any age
	require.NoError(t, err)
	assert.Equal(t, []string{"s1: " + gid}, r.Committed)
	assert.True(t, r.Done(), "%+v", r)
	require.NoError(t, raw[1].QueryRow("SELECT count(*) FROM accounts WHERE id = 1").Scan(&n))
	assert.Equal(t, 1, n, "committed as decided")
	require.NoError(t, raw[0].QueryRow("SELECT count(*) FROM grant_twophase").Scan(&n))
	assert.Zero(t, n, "forgotten once finished")
}
