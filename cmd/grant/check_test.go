package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/internal/testenv"
)

// writeConfig writes a configuration for one test and returns its path.
func writeConfig(t *testing.T, yaml string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "cluster.yaml")
	require.NoError(t, os.WriteFile(path, []byte(yaml), 0o600))
	return path
}

// unreachablePG is a PostgreSQL DSN nothing listens at; its password must
// not appear in any output.
const unreachablePG = "postgres://grant_app:s3cret-pw@127.0.0.1:1/grant_test?sslmode=disable&connect_timeout=2"

func TestCheckSQLite(t *testing.T) {
	code, out, errOut := grantCmd(context.Background(), "check", "-config", repoFile("sqlite.yaml"))
	require.Equal(t, 0, code, out+errOut)
	assert.Contains(t, out, "sqlite cluster, 1 database(s), 2 node(s)")
	assert.Regexp(t, `main\.primary\s+primary\s+yes\s+3\.\d+\.\d+\s+no\s+-\s+no \(SQLite has no prepared transactions\)`, out)
	assert.Regexp(t, `main\.replicas\[0\]\s+replica\s+yes\s+3\.\d+\.\d+\s+yes\s+-\s+-`, out, "query_only makes the replica read-only")
	assert.Contains(t, out, "\nok\n")
}

func TestCheckConfigErrors(t *testing.T) {
	path := writeConfig(t, "dialect: sqlite\ndatabases:\n  main: {primary: \"file:x.db\", replica: [\"file:y.db\"]}\n")
	code, _, errOut := grantCmd(context.Background(), "check", "-config", path)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "databases.main.replica: unknown key")

	code, _, errOut = grantCmd(context.Background(), "check")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "grant check: -config FILE is required")

	code, _, errOut = grantCmd(context.Background(), "check", "-nope")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "flag provided but not defined: -nope")
	assert.Contains(t, errOut, "usage: grant check -config FILE")

	code, out, _ := grantCmd(context.Background(), "check", "-h")
	assert.Equal(t, 0, code, "help is not a failure")
	assert.Empty(t, out)
}

func TestCheckPostgres(t *testing.T) {
	testenv.PostgresDSN(t)
	testenv.PostgresReplicaDSN(t)
	testenv.Exclusive(t, "pg-replica") // no fault test pauses the replica meanwhile
	code, out, errOut := grantCmd(context.Background(), "check", "-config", repoFile("postgres.yaml"))
	require.Equal(t, 0, code, out+errOut)
	assert.Regexp(t, `main\.primary\s+primary\s+yes\s+1\d\.\d+\s+no\s+-\s+yes \(max_prepared_transactions \d+\)`, out)
	assert.Regexp(t, `main\.replicas\[0\]\s+replica\s+yes\s+1\d\.\d+\s+yes \(in recovery\)\s+\d[\w.]*s\s+-`, out)
	assert.Contains(t, out, "\nok\n")
}

// TestCheckPostgresWrong swaps the primary and the replica and adds a node
// that is down: each is a line naming the node and what is wrong.
func TestCheckPostgresWrong(t *testing.T) {
	testenv.PostgresDSN(t)
	testenv.PostgresReplicaDSN(t)
	testenv.Exclusive(t, "pg-replica")
	path := writeConfig(t, `dialect: postgres
databases:
  main:
    primary: "${GRANT_PG_REPLICA_DSN}"
    replicas: ["${GRANT_PG_DSN}", "`+unreachablePG+`"]
`)
	code, out, errOut := grantCmd(context.Background(), "check", "-config", path)
	require.Equal(t, 1, code, out+errOut)
	assert.Contains(t, out, "FAIL main.primary: configured as a primary, but the server is a standby in recovery\n")
	assert.Contains(t, out, "FAIL main.replicas[0]: configured as a replica, but the server is not replicating from a primary (promoted?)\n")
	assert.Contains(t, out, "warning: main.replicas[0]: the replica accepts writes (it is not read-only)\n")
	assert.Regexp(t, `FAIL main\.replicas\[1\]: unreachable: .*connection refused`, out)
	assert.Regexp(t, `main\.replicas\[1\]\s+replica\s+no\s+-`, out)
	assert.Contains(t, out, "3 problem(s)\n")
	assert.NotContains(t, out+errOut, "s3cret-pw")
}

func TestCheckMariaDB(t *testing.T) {
	testenv.MySQLDSN(t)
	testenv.MySQLReplicaDSN(t)
	testenv.Exclusive(t, "mysql-replica")
	code, out, errOut := grantCmd(context.Background(), "check", "-config", repoFile("mysql.yaml"))
	require.Equal(t, 0, code, out+errOut)
	assert.Regexp(t, `main\.primary\s+primary\s+yes\s+\d+\.\d+\.\d+-MariaDB\S*\s+no\s+-\s+yes \(XA\)`, out)
	assert.Regexp(t, `main\.replicas\[0\]\s+replica\s+yes\s+\d+\.\d+\.\d+-MariaDB\S*\s+yes\s+\d[\w.]*s\s+-`, out)

	path := writeConfig(t, "dialect: mysql\ndatabases:\n  main:\n    primary: \"${GRANT_MYSQL_REPLICA_DSN}\"\n    replicas: [\"${GRANT_MYSQL_DSN}\"]\n")
	code, out, errOut = grantCmd(context.Background(), "check", "-config", path)
	require.Equal(t, 1, code, out+errOut)
	assert.Contains(t, out, "FAIL main.primary: configured as a primary, but the server is read-only\n")
	assert.Contains(t, out, "FAIL main.replicas[0]: configured as a replica, but the server is not replicating from a primary (promoted?)\n")
}

func TestXADurable(t *testing.T) {
	for v, want := range map[string]bool{
		"10.11.19-MariaDB-0+deb12u1-log": true, "10.5.0-MariaDB": true, "10.4.34-MariaDB": false,
		"8.0.36": true, "5.7.7-log": true, "5.7.6": false, "5.6.51": false,
	} {
		got, note := xaDurable(v)
		assert.Equal(t, want, got, "%s: %s", v, note)
	}
	assert.Equal(t, []int{10, 11, 19}, versionNumbers("10.11.19-MariaDB-log"))
}
