package main

import (
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/internal/testenv"
)

func TestHealthSQLite(t *testing.T) {
	code, out, errOut := grantCmd(context.Background(), "health", "-config", repoFile("sqlite-shards.yaml"))
	require.Equal(t, 0, code, out+errOut)
	assert.Contains(t, out, "(round 2)", "health.failures rounds, so that a node that is down shows out of rotation")
	assert.Regexp(t, `node\s+role\s+in rotation\s+health\s+replication\s+lag\s+in flight\s+failed checks\s+last error`, out)
	assert.Regexp(t, `s0\.primary\s+primary\s+yes\s+ok\s+-\s+-\s+-\s+0\s+-`, out)
	assert.Regexp(t, `s1\.primary\s+primary\s+yes\s+ok\s+-\s+-\s+-\s+0\s+-`, out)
}

func TestHealthWatch(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 1200*time.Millisecond)
	defer cancel()
	code, out, errOut := grantCmd(ctx, "health", "-config", repoFile("sqlite.yaml"), "-watch", "300ms")
	require.Equal(t, 0, code, "an interrupted watch ends well: %s", errOut)
	rounds := regexp.MustCompile(`\(round \d+\)`).FindAllString(out, -1)
	assert.GreaterOrEqual(t, len(rounds), 3, out)
	assert.Equal(t, "(round 1)", rounds[0])
	assert.Regexp(t, `main\.replicas\[0\]\s+replica\s+yes\s+ok\s+-\s+-\s+-\s+0\s+-`, out)
}

func TestHealthPostgres(t *testing.T) {
	testenv.PostgresDSN(t)
	testenv.PostgresReplicaDSN(t)
	testenv.Exclusive(t, "pg-replica")
	code, out, errOut := grantCmd(context.Background(), "health", "-config", repoFile("postgres.yaml"))
	require.Equal(t, 0, code, out+errOut)
	assert.Regexp(t, `main\.primary\s+primary\s+yes\s+ok\s+-\s+-\s+\d+\s+0\s+-`, out)
	assert.Regexp(t, `main\.replicas\[0\]\s+replica\s+yes\s+ok\s+replicating\s+\d[\w.]*s\s+\d+\s+0\s+-`, out)
}

func TestHealthMariaDB(t *testing.T) {
	testenv.MySQLDSN(t)
	testenv.MySQLReplicaDSN(t)
	testenv.Exclusive(t, "mysql-replica")
	code, out, errOut := grantCmd(context.Background(), "health", "-config", repoFile("mysql.yaml"))
	require.Equal(t, 0, code, out+errOut)
	assert.Regexp(t, `main\.primary\s+primary\s+yes\s+ok\s+-\s+-\s+\d+\s+0\s+-`, out)
	assert.Regexp(t, `main\.replicas\[0\]\s+replica\s+yes\s+ok\s+replicating\s+\d[\w.]*s\s+\d+\s+0\s+-`, out)
}

// TestHealthNodeDown shows a replica that cannot be reached out of
// rotation, with its error, password masked, and fails.
func TestHealthNodeDown(t *testing.T) {
	testenv.PostgresDSN(t)
	path := writeConfig(t, "dialect: postgres\ndatabases:\n  main:\n    primary: \"${GRANT_PG_DSN}\"\n    replicas: [\""+unreachablePG+"\"]\n")
	code, out, errOut := grantCmd(context.Background(), "health", "-config", path)
	require.Equal(t, 1, code, out+errOut)
	assert.Regexp(t, `main\.primary\s+primary\s+yes\s+ok`, out)
	assert.Regexp(t, `main\.replicas\[0\]\s+replica\s+no\s+down for \d+s\s+unknown\s+-\s+\?\s+2\s+.*connection refused`, out)
	assert.NotContains(t, out+errOut, "s3cret-pw")
}
