package plugins_test

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	_ "github.com/grantsql/grant"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/testenv"
)

// shards are the databases of the test clusters.
var shards = []string{"s0", "s1", "s2"}

// cluster is a sharded test cluster: the DSN of each shard, and how to
// write its configuration file.
type cluster struct {
	d    dialect.Dialect
	dsns map[string]string
}

// sqliteCluster makes a cluster of SQLite files in a new directory.
func sqliteCluster(t *testing.T) *cluster {
	dir := t.TempDir()
	c := &cluster{d: dialect.SQLite, dsns: map[string]string{}}
	for _, s := range shards {
		c.dsns[s] = "file:" + filepath.Join(dir, s+".db") + "?_pragma=busy_timeout(5000)"
	}
	return c
}

// postgresCluster makes a cluster of new databases on the PostgreSQL
// server, dropped when t ends.
func postgresCluster(t *testing.T) *cluster {
	dsn := testenv.PostgresDSN(t)
	c := &cluster{d: dialect.Postgres, dsns: map[string]string{}}
	for _, s := range shards {
		c.dsns[s] = testenv.Database(t, dialect.Postgres, dsn, fmt.Sprintf("grant_plugins_%d_%s", os.Getpid(), s))
	}
	return c
}

// writeConfig writes dir/cluster.yaml with the geo plugin copied to
// dir/bin/geo-resolver (named relative to the file) and returns the
// file's path. extra is added to the resolver's specification.
func (c *cluster) writeConfig(t *testing.T, dir, sha, extra string) string {
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "bin"), 0o755))
	data, err := os.ReadFile(geoBin)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "bin", "geo-resolver"), data, 0o755))
	if sha == "" {
		sha = sum(t, geoBin)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "dialect: %s\ndatabases:\n", c.d)
	for _, s := range shards {
		fmt.Fprintf(&b, "  %s: {primary: %q}\n", s, c.dsns[s])
	}
	fmt.Fprintf(&b, `default_database: s0
sharding:
  resolvers:
    geo:
      type: plugin
      path: ./bin/geo-resolver
      sha256: %s
      args: ["--region", "eu=s0", "--region", "na=s1", "--default", "s2"]
      databases: [s0, s1, s2]
%s  tables:
    customers: {key: country, resolver: geo}
`, sha, extra)
	path := filepath.Join(dir, "cluster.yaml")
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o600))
	return path
}

// shardRows returns the rows of customers on shard s, read directly: id
// -> country.
func (c *cluster) shardRows(t *testing.T, s string) map[int64]string {
	db, err := sql.Open(c.d.DriverName(), c.dsns[s])
	require.NoError(t, err)
	defer db.Close()
	rows, err := db.Query("SELECT id, country FROM customers")
	require.NoError(t, err)
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var country string
		require.NoError(t, rows.Scan(&id, &country))
		out[id] = country
	}
	require.NoError(t, rows.Err())
	return out
}
