package main

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/testenv"
)

// grant recover commits a branch whose coordinator recorded the commit,
// rolls back one whose coordinator recorded nothing, and exits 0 when
// nothing is left in doubt.
func TestRecoverPostgres(t *testing.T) {
	base := testenv.PostgresDSN(t)
	dsn := map[string]string{}
	for _, s := range []string{"s0", "s1"} {
		dsn[s] = testenv.Database(t, dialect.Postgres, base, "grant_test_recover_"+s)
	}
	s0, err := sql.Open("pgx", dsn["s0"])
	require.NoError(t, err)
	defer s0.Close()
	s1, err := sql.Open("pgx", dsn["s1"])
	require.NoError(t, err)
	defer s1.Close()
	ctx := context.Background()
	_, err = s1.Exec("CREATE TABLE t (id INT)")
	require.NoError(t, err)
	commit := "grant:s0:" + strings.Repeat("a", 32)
	abort := "grant:s0:" + strings.Repeat("b", 32)
	_, err = s0.Exec("CREATE TABLE grant_twophase (gid VARCHAR(200) PRIMARY KEY, state VARCHAR(8) NOT NULL, participants TEXT NOT NULL, created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)")
	require.NoError(t, err)
	_, err = s0.Exec("INSERT INTO grant_twophase (gid, state, participants) VALUES ($1, 'commit', 's0,s1')", commit)
	require.NoError(t, err)
	for i, gid := range []string{commit, abort} {
		c, err := s1.Conn(ctx)
		require.NoError(t, err)
		for _, q := range []string{"BEGIN", fmt.Sprintf("INSERT INTO t VALUES (%d)", i+1), "PREPARE TRANSACTION '" + gid + ":s1'"} {
			_, err := c.ExecContext(ctx, q)
			require.NoError(t, err, q)
		}
		c.Close()
	}
	config := writeConfig(t, fmt.Sprintf(`dialect: postgres
databases: {s0: {primary: %q}, s1: {primary: %q}}
default_database: s0
sharding:
  resolvers: {m: {type: modulo, databases: [s0, s1]}}
  tables: {t: {key: id, resolver: m}}
transactions: {recovery_interval: 0s}
`, dsn["s0"], dsn["s1"]))
	code, out, errOut := grantCmd(ctx, "recover", "-config", config)
	require.Equal(t, 0, code, out+errOut)
	assert.Contains(t, out, "committed   s1: "+commit)
	assert.Contains(t, out, "rolled back s1: "+abort)
	assert.Contains(t, out, "1 committed, 1 rolled back, 0 pending")
	var ids []int
	rows, err := s1.Query("SELECT id FROM t")
	require.NoError(t, err)
	for rows.Next() {
		var id int
		require.NoError(t, rows.Scan(&id))
		ids = append(ids, id)
	}
	rows.Close()
	assert.Equal(t, []int{1}, ids, "the committed branch only")
	var n int
	require.NoError(t, s1.QueryRow("SELECT count(*) FROM pg_prepared_xacts WHERE gid LIKE 'grant:s0:%'").Scan(&n))
	assert.Zero(t, n)

	code, out, _ = grantCmd(ctx, "recover", "-config", config)
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "0 committed, 0 rolled back, 0 pending")
}
