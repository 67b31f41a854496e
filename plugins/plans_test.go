package plugins_test

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/plugins"
	"github.com/grantsql/grant/plugins/example/geo"
	"github.com/grantsql/grant/sharding"
)

var registerGeoFunc sync.Once

// planCorpus are statements on the table sharded by the geo resolver, with
// their arguments.
var planCorpus = []struct {
	sql  string
	args []any
}{
	{"SELECT * FROM customers WHERE country = 'DE'", nil},
	{"SELECT * FROM customers WHERE country = ?", []any{"us"}},
	{"SELECT * FROM customers WHERE country = ? AND name = ?", []any{[]byte("JP"), "x"}},
	{"SELECT * FROM customers WHERE country IN ('DE', 'US', 'BR')", nil},
	{"SELECT * FROM customers WHERE country IN ('DE', 'FR', 'NL')", nil},
	{"SELECT id FROM customers WHERE country IN (?, ?, ?) ORDER BY id", []any{"se", "MX", "IN"}},
	{"SELECT * FROM customers WHERE country IN ('DE', NULL)", nil},
	{"SELECT count(*) FROM customers", nil},
	{"SELECT country, count(*) FROM customers GROUP BY country ORDER BY 2 DESC LIMIT 3", nil},
	{"SELECT * FROM customers ORDER BY name LIMIT 5 OFFSET 2", nil},
	{"SELECT avg(id) FROM customers WHERE country IN ('CA', 'JP')", nil},
	{"INSERT INTO customers (id, country, name) VALUES (1, 'DE', 'a'), (2, 'US', 'b'), (3, 'JP', 'c'), (4, 'FR', 'd')", nil},
	{"INSERT INTO customers (id, country, name) VALUES (1, 'DE', 'a'), (2, 'FR', 'b')", nil},
	{"INSERT INTO customers (id, country, name) VALUES (?, ?, ?), (?, ?, ?)", []any{1, "CA", "a", 2, "BR", "b"}},
	{"INSERT INTO customers (id, country, name) VALUES (1, NULL, 'a')", nil},
	{"INSERT INTO customers (id, country, name) VALUES (1, 42, 'a')", nil},
	{"UPDATE customers SET name = 'x' WHERE country = 'FR'", nil},
	{"UPDATE customers SET name = 'x' WHERE id = 7", nil},
	{"UPDATE customers SET country = 'US' WHERE country = 'DE'", nil},
	{"DELETE FROM customers WHERE country IN ('JP', 'MX')", nil},
	{"DELETE FROM customers WHERE country = 42", nil},
}

// TestSamePlansAsFunc checks that the geo resolver planned through its
// plugin and run in-process (sharding.RegisterFunc with plugins.Func) gives
// the same plan, or a refusal in both cases, for every statement.
func TestSamePlansAsFunc(t *testing.T) {
	g, err := geo.New(map[string]string{"eu": "s0", "na": "s1"}, "s2")
	require.NoError(t, err)
	registerGeoFunc.Do(func() { sharding.RegisterFunc("geo_example", plugins.Func(g)) })
	dir := t.TempDir()
	open := func(spec sharding.Spec) *grant.Connector {
		cfg := &grant.Config{Dialect: dialect.SQLite, Databases: map[string]*config.Database{}, DefaultDatabase: "s0",
			Sharding: &sharding.Config{
				Resolvers: map[string]sharding.Spec{"geo": spec},
				Tables:    map[string]sharding.TableConfig{"customers": {Key: "country", Resolver: "geo"}},
			}}
		for _, s := range shards {
			cfg.Databases[s] = &config.Database{Primary: "file:" + filepath.Join(dir, spec.Type+"-"+s+".db")}
		}
		c, err := grant.NewConnector(cfg)
		require.NoError(t, err)
		t.Cleanup(func() { c.Close() })
		return c
	}
	viaPlugin := open(geoSpec(t))
	viaFunc := open(sharding.Spec{Type: "func", Func: "geo_example", Databases: shards})
	ctx := context.Background()
	planned := 0
	for _, st := range planCorpus {
		pp, perr := viaPlugin.Plan(ctx, st.sql, st.args...)
		fp, ferr := viaFunc.Plan(ctx, st.sql, st.args...)
		if ferr != nil || perr != nil {
			require.Error(t, perr, "%s: refused in-process (%v) but planned through the plugin", st.sql, ferr)
			require.Error(t, ferr, "%s: refused through the plugin (%v) but planned in-process", st.sql, perr)
			assert.Equal(t, errors.Is(ferr, sharding.ErrRefused), errors.Is(perr, sharding.ErrRefused), st.sql)
			continue
		}
		pj, err := json.Marshal(pp)
		require.NoError(t, err)
		fj, err := json.Marshal(fp)
		require.NoError(t, err)
		assert.JSONEq(t, string(fj), string(pj), st.sql)
		planned++
	}
	assert.Greater(t, planned, 15)
}
