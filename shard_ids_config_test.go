package grant_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/sharding"
)

// The id key of a sharded table in a configuration file: decoded, and
// every mistake reported at its key path.
func TestShardIDsConfigFile(t *testing.T) {
	doc := func(id string) []byte {
		return []byte(`
dialect: sqlite
databases: {s0: {primary: "file:s0.db"}, s1: {primary: "file:s1.db"}}
default_database: s0
sharding:
  resolvers: {by_customer: {type: modulo, databases: [s0, s1]}}
  tables:
    orders: {key: customer_id, resolver: by_customer, id: ` + id + `}
`)
	}
	c, err := config.Parse(doc(`{column: id, generator: snowflake, node: 7}`), "yaml")
	require.NoError(t, err)
	v, err := c.Validate()
	require.NoError(t, err)
	id := v.Sharding.Tables["orders"].ID
	require.NotNil(t, id)
	assert.Equal(t, sharding.GeneratorSnowflake, id.Generator)
	assert.Equal(t, 7, *id.Node)

	for _, tc := range []struct{ id, want string }{
		{`{column: id, generator: uuid}`, `sharding.tables.orders.id.generator: unknown generator "uuid": want snowflake or sequence`},
		{`{generator: sequence}`, `sharding.tables.orders.id.column: required`},
		{`{column: id, generator: snowflake, node: 300}`, `sharding.tables.orders.id.node: 300 out of range: want 0..255`},
		{`{column: id, generator: sequence, cache: -5}`, `sharding.tables.orders.id.cache: must be positive`},
		{`{column: id, generator: sequence, nodes: 1}`, `sharding.tables.orders.id.nodes: unknown key`},
		{`{column: id, generator: snowflake, node: "7"}`, `sharding.tables.orders.id.node`},
	} {
		c, err := config.Parse(doc(tc.id), "yaml")
		if err == nil {
			_, err = c.Validate()
		}
		if assert.Error(t, err, tc.id) {
			assert.Contains(t, err.Error(), tc.want, tc.id)
		}
	}
}
