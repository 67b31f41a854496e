package engine

import (
	"context"
	"database/sql/driver"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/planner"
	"github.com/grantsql/grant/sharding"
	"github.com/grantsql/grant/sharding/idgen"
)

func TestIDsResult(t *testing.T) {
	r := &idsResult{Result: driver.RowsAffected(3), ids: []int64{7, 8, 9}}
	id, err := r.LastInsertId()
	require.NoError(t, err)
	assert.Equal(t, int64(7), id, "the first id, as MySQL gives it")
	n, err := r.RowsAffected()
	require.NoError(t, err)
	assert.Equal(t, int64(3), n)

	gap := &idsResult{Result: driver.RowsAffected(2), ids: []int64{7, 7 + idgen.MaxBatch}}
	_, err = gap.LastInsertId()
	assert.ErrorContains(t, err, "not consecutive")

	one := &idsResult{Result: driver.RowsAffected(1), ids: []int64{42}}
	id, err = one.LastInsertId()
	require.NoError(t, err)
	assert.Equal(t, int64(42), id)
}

func TestReadyHint(t *testing.T) {
	seq := idgen.NewSequence("t", 2, 1)
	assert.False(t, ready(seq, 1), "no block yet: I/O")
	g, err := idgen.NewSnowflake(3)
	require.NoError(t, err)
	assert.True(t, ready(g, 5))
	assert.False(t, ready(nil, 1), "no generator")
}

// TestExplainable gives Engine.Plan the statement the engine would plan:
// generated ids in place, and the unique keys read for the conflict check.
func TestExplainable(t *testing.T) {
	dir := t.TempDir()
	dsn := func(n string) string { return "file:" + filepath.Join(dir, n+".db") }
	cfg := &config.Cluster{Dialect: dialect.SQLite, DefaultDatabase: "s0", Health: config.Health{Disabled: true},
		Databases: map[string]*config.Database{"s0": {Primary: dsn("s0")}, "s1": {Primary: dsn("s1")}},
		Sharding: &sharding.Config{
			Resolvers: map[string]sharding.Spec{"m": {Type: "modulo", Databases: []string{"s0", "s1"}}},
			Tables: map[string]sharding.TableConfig{"t": {Key: "id", Resolver: "m",
				ID: &sharding.IDConfig{Column: "id", Generator: sharding.GeneratorSequence, Start: 5}}},
		}}
	e := newTestEngine(t, cfg, nil)
	t.Cleanup(func() { e.reg.Close() })
	ctx := context.Background()
	s := e.NewSession()
	defer s.Close()
	_, err := s.Exec(ctx, "CREATE TABLE t (id BIGINT PRIMARY KEY, v TEXT)", nil, false)
	require.NoError(t, err)

	st, args, err := e.explainable(ctx, e.cache.Analyze(dialect.SQLite, "INSERT INTO t (v) VALUES ('a')"), nil)
	require.NoError(t, err)
	assert.Equal(t, "INSERT INTO t (v, id) VALUES ('a', ?)", st.SQL)
	require.Len(t, args, 1)
	assert.Equal(t, int64(5), args[0].Value)

	st, _, err = e.explainable(ctx, e.cache.Analyze(dialect.SQLite, "INSERT OR IGNORE INTO t (id, v) VALUES (6, 'b')"), nil)
	require.NoError(t, err)
	pl, err := e.planner.Plan(ctx, st, nil, planner.Options{})
	require.NoError(t, err, "the keys were read: the primary key is the shard key")
	assert.Equal(t, "s0", pl.Shards[0].Database)
}
