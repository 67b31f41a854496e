package plugins_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/plugins/example/geo"
)

// clusters are the kinds of test cluster.
var clusters = []struct {
	name string
	make func(*testing.T) *cluster
}{{"sqlite", sqliteCluster}, {"postgres", postgresCluster}}

// TestWorkload runs a sharded workload through the example plugin, opened
// from a configuration file that names the plugin relative to itself;
// kills the plugin in the middle; checks where every row landed; and
// checks that closing the database leaves no process and no goroutine.
func TestWorkload(t *testing.T) {
	for _, k := range clusters {
		t.Run(k.name, func(t *testing.T) { workload(t, k.make(t)) })
	}
}

func workload(t *testing.T, c *cluster) {
	ignore := goleak.IgnoreCurrent()
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin", "geo-resolver")
	cfg := c.writeConfig(t, dir, "", "      timeout: 500ms\n      cache: {size: 1000, ttl: 5m}\n")
	db, err := sql.Open("grant", "file:"+cfg)
	require.NoError(t, err)
	defer db.Close()
	require.Len(t, running(t, bin), 1, "the plugin starts with the connector")
	ctx := context.Background()
	ph := func(i int) string {
		if c.d == dialect.Postgres {
			return fmt.Sprintf("$%d", i)
		}
		return "?"
	}
	_, err = db.ExecContext(ctx, "CREATE TABLE customers (id BIGINT PRIMARY KEY, country VARCHAR(2) NOT NULL, name VARCHAR(40) NOT NULL)")
	require.NoError(t, err)

	countries := []string{"DE", "US", "BR", "FR", "CA", "JP", "NL", "MX", "IN", "SE"}
	want := map[int64]string{}
	var values []string
	for id := int64(1); id <= 30; id++ {
		want[id] = countries[id%int64(len(countries))]
		values = append(values, fmt.Sprintf("(%d, '%s', 'c%d')", id, want[id], id))
	}
	_, err = db.ExecContext(ctx, "INSERT INTO customers (id, country, name) VALUES "+strings.Join(values, ", "))
	require.NoError(t, err, "a multi-row INSERT split by shard")
	insert := fmt.Sprintf("INSERT INTO customers (id, country, name) VALUES (%s, %s, %s)", ph(1), ph(2), ph(3))
	for id := int64(31); id <= 60; id++ {
		want[id] = countries[(id*7)%int64(len(countries))]
		_, err := db.ExecContext(ctx, insert, id, want[id], fmt.Sprint("c", id))
		require.NoError(t, err)
	}

	// kill -9 of the plugin: new keys (lower case, not cached) reach the
	// restarted plugin within a second.
	pids := running(t, bin)
	require.Len(t, pids, 1)
	kill9(t, pids[0])
	killed := time.Now()
	var recovered time.Duration
	for id := int64(61); id <= 90; id++ {
		want[id] = strings.ToLower(countries[id%int64(len(countries))])
		for {
			_, err := db.ExecContext(ctx, insert, id, want[id], fmt.Sprint("c", id))
			if err == nil {
				break
			}
			require.Less(t, time.Since(killed), time.Second, "statements fail for more than a second after the kill: %v", err)
			time.Sleep(10 * time.Millisecond)
		}
		if recovered == 0 {
			recovered = time.Since(killed)
		}
	}
	t.Logf("first statement after kill -9 succeeded after %v", recovered)
	require.Len(t, running(t, bin), 1, "one plugin process again")

	var n int
	require.NoError(t, db.QueryRowContext(ctx, "SELECT count(*) FROM customers WHERE country IN ('DE', 'us', 'JP', 'xx')").Scan(&n))
	assert.Equal(t, count(want, "DE", "us", "JP", "xx"), n)
	require.NoError(t, db.QueryRowContext(ctx, "SELECT count(*) FROM customers").Scan(&n))
	assert.Equal(t, len(want), n)

	// Every row is on the shard the resolver names, and only there.
	g, err := geo.New(map[string]string{"eu": "s0", "na": "s1"}, "s2")
	require.NoError(t, err)
	got := map[int64]string{}
	for _, s := range shards {
		for id, country := range c.shardRows(t, s) {
			db, err := g.Resolve(ctx, []any{country})
			require.NoError(t, err)
			assert.Equal(t, db, s, "row %d (%s) is on %s", id, country, s)
			assert.NotContains(t, got, id, "row %d on two shards", id)
			got[id] = country
		}
	}
	assert.Equal(t, want, got)

	_, err = db.ExecContext(ctx, "DROP TABLE customers")
	require.NoError(t, err)
	require.NoError(t, db.Close())
	requireNoChild(t, bin)
	goleak.VerifyNone(t, ignore)
}

// count counts the rows whose country is one of countries.
func count(rows map[int64]string, countries ...string) int {
	n := 0
	for _, c := range rows {
		for _, x := range countries {
			if c == x {
				n++
			}
		}
	}
	return n
}

// TestOpenRefused checks the errors of sql.Open for a wrong checksum and a
// missing executable: at connector creation, naming the key, starting
// nothing.
func TestOpenRefused(t *testing.T) {
	c := sqliteCluster(t)
	dir := t.TempDir()
	bad := "3f1c" + strings.Repeat("0", 60)
	cfg := c.writeConfig(t, dir, bad, "")
	_, err := sql.Open("grant", "file:"+cfg)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "sharding.resolvers.geo.sha256: does not match "+filepath.Join(dir, "bin", "geo-resolver"))
	assert.Empty(t, children(t, geoBin))

	require.NoError(t, os.Remove(filepath.Join(dir, "bin", "geo-resolver")))
	cfg = c.writeConfig(t, t.TempDir(), "", "")
	require.NoError(t, os.Rename(cfg, filepath.Join(dir, "cluster.yaml")))
	_, err = sql.Open("grant", "file:"+filepath.Join(dir, "cluster.yaml"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "sharding.resolvers.geo.path: plugin executable "+filepath.Join(dir, "bin", "geo-resolver")+" not found")

	cfg = c.writeConfig(t, dir, "", "      timeout: soon\n")
	_, err = sql.Open("grant", "file:"+cfg)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "sharding.resolvers.geo.timeout")
}
