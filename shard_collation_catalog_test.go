package grant_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/sharding"
)

// The column collations are read from each shard's catalog once per table,
// at the first read that needs them, and kept: later reads, also those
// soon after DDL run through Grant, read no catalog. DDL through Grant
// drops them, so the next read orders by the new collation.
func TestShardCollationCatalogReadOnce(t *testing.T) {
	dir := t.TempDir()
	dbs := map[string]*config.Database{}
	for _, s := range []string{"s0", "s1"} {
		dbs[s] = &config.Database{Primary: "file:" + filepath.Join(dir, s+".db") + "?_pragma=busy_timeout(5000)"}
	}
	cfg := &grant.Config{Dialect: dialect.SQLite, Databases: dbs, DefaultDatabase: "s0",
		Health: config.Health{Disabled: true}, Sharding: &sharding.Config{
			Resolvers: map[string]sharding.Spec{"by_k": {Type: "modulo", Databases: []string{"s0", "s1"}}},
			Tables:    map[string]sharding.TableConfig{"names": {Key: "k", Resolver: "by_k"}},
		}}
	c, err := grant.NewConnector(cfg, grant.WithCounters())
	require.NoError(t, err)
	db := sql.OpenDB(c)
	t.Cleanup(func() { db.Close() })
	ctx := context.Background()

	load := func(collation string) {
		for _, q := range []string{"DROP TABLE IF EXISTS names",
			"CREATE TABLE names (id INTEGER PRIMARY KEY, k INTEGER NOT NULL, name TEXT COLLATE " + collation + ")",
			"INSERT INTO names (id, k, name) VALUES (1, 0, 'b'), (2, 1, 'B'), (3, 0, 'a'), (4, 1, 'C'), (5, 0, 'c'), (6, 1, 'A')"} {
			_, err := db.ExecContext(ctx, q)
			require.NoError(t, err, q)
		}
	}
	queries := func() map[string]int64 {
		out := map[string]int64{}
		for _, s := range c.Registry().Stats() {
			out[s.Name] = s.Counters.Queries
		}
		return out
	}
	ids := func() string {
		rows, err := db.QueryContext(ctx, "SELECT id FROM names ORDER BY name, id")
		require.NoError(t, err)
		defer rows.Close()
		var out string
		for rows.Next() {
			var id int
			require.NoError(t, rows.Scan(&id))
			out += fmt.Sprint(id)
		}
		require.NoError(t, rows.Err())
		return out
	}

	load("NOCASE")
	before := queries()
	for range 3 {
		assert.Equal(t, "361245", ids(), "NOCASE: a = A, then by id")
	}
	after := queries()
	for _, s := range []string{"s0.primary", "s1.primary"} {
		assert.Equal(t, int64(3+1), after[s]-before[s], "%s: 3 fan-out reads and one catalog read", s)
	}

	load("BINARY")
	before = queries()
	for range 3 {
		assert.Equal(t, "624315", ids(), "BINARY after DDL through Grant: upper case first")
	}
	after = queries()
	for _, s := range []string{"s0.primary", "s1.primary"} {
		assert.Equal(t, int64(3+1), after[s]-before[s], "%s: the catalog is read once again after DDL", s)
	}
}
