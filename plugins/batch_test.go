package plugins_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/plugins"
	"github.com/grantsql/grant/sharding"
)

// TestConnectorBatches checks through a Connector that the values of an IN
// list reach the plugin in one call, and that the connector's plugin is
// started once and closed with it.
func TestConnectorBatches(t *testing.T) {
	var built sharding.Resolver
	reg := sharding.NewRegistry()
	reg.RegisterType(plugins.TypeName, sharding.Type{New: func(name string, spec sharding.Spec) (sharding.Resolver, error) {
		r, err := sharding.New(name, spec, nil)
		built = r
		return r, err
	}})
	dir := t.TempDir()
	cfg := &grant.Config{Dialect: dialect.SQLite, Databases: map[string]*config.Database{}, DefaultDatabase: "s0",
		Sharding: &sharding.Config{
			Resolvers: map[string]sharding.Spec{"geo": geoSpec(t)},
			Tables:    map[string]sharding.TableConfig{"customers": {Key: "country", Resolver: "geo"}},
		}}
	for _, s := range shards {
		cfg.Databases[s] = &config.Database{Primary: "file:" + filepath.Join(dir, s+".db")}
	}
	c, err := grant.NewConnector(cfg, grant.WithResolvers(reg))
	require.NoError(t, err)
	require.NotNil(t, built)
	ctx := context.Background()

	pl, err := c.Plan(ctx, "SELECT * FROM customers WHERE country IN ('DE', 'US', 'BR', 'FR', 'JP')")
	require.NoError(t, err)
	assert.Equal(t, sharding.RouteMulti, pl.Route)
	s := stats(t, built)
	assert.EqualValues(t, 1, s.Calls, "one call for the IN list")
	assert.EqualValues(t, 5, s.Keys)

	_, err = c.Plan(ctx, "INSERT INTO customers (id, country) VALUES (1, 'SE'), (2, 'MX'), (3, 'IN'), (4, 'NO'), (5, 'CA')")
	require.NoError(t, err)
	s2 := stats(t, built)
	assert.EqualValues(t, 1, s2.Calls-s.Calls, "one call for the INSERT's rows")
	assert.EqualValues(t, 5, s2.Keys-s.Keys)
	assert.EqualValues(t, 1, s2.Starts)

	require.NoError(t, c.Close())
	requireNoChild(t, geoBin)
}
