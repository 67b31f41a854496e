package sharding

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

func TestConfigIDValidation(t *testing.T) {
	node := func(n int) *int { return &n }
	for _, tc := range []struct {
		name string
		id   *IDConfig
		key  string
		want []string
	}{
		{"snowflake", &IDConfig{Column: "id", Generator: GeneratorSnowflake, Node: node(7)}, "customer_id", nil},
		{"leased snowflake", &IDConfig{Column: "id", Generator: GeneratorSnowflake}, "customer_id", nil},
		{"sequence", &IDConfig{Column: "id", Generator: GeneratorSequence, Cache: 50, Start: 1000}, "customer_id", nil},
		{"sharded by its id", &IDConfig{Column: "customer_id", Generator: GeneratorSequence}, "customer_id", nil},
		{"unknown generator", &IDConfig{Column: "id", Generator: "uuid"}, "customer_id",
			[]string{`sharding.tables.orders.id.generator: unknown generator "uuid": want snowflake or sequence`}},
		{"missing generator and column", &IDConfig{}, "customer_id", []string{
			`sharding.tables.orders.id.column: required: the column Grant fills in`,
			`sharding.tables.orders.id.generator: required: snowflake or sequence`}},
		{"node out of range", &IDConfig{Column: "id", Generator: GeneratorSnowflake, Node: node(256)}, "customer_id",
			[]string{`sharding.tables.orders.id.node: 256 out of range: want 0..255`}},
		{"negative node", &IDConfig{Column: "id", Generator: GeneratorSnowflake, Node: node(-1)}, "customer_id",
			[]string{`sharding.tables.orders.id.node: -1 out of range: want 0..255`}},
		{"node of a sequence", &IDConfig{Column: "id", Generator: GeneratorSequence, Node: node(1)}, "customer_id",
			[]string{`sharding.tables.orders.id.node: applies to the snowflake generator only`}},
		{"cache of a snowflake", &IDConfig{Column: "id", Generator: GeneratorSnowflake, Cache: 10, Start: 5}, "customer_id", []string{
			`sharding.tables.orders.id.cache: applies to the sequence generator only`,
			`sharding.tables.orders.id.start: applies to the sequence generator only`}},
		{"negative cache", &IDConfig{Column: "id", Generator: GeneratorSequence, Cache: -1}, "customer_id",
			[]string{`sharding.tables.orders.id.cache: must be positive`}},
		{"not a sharded table", &IDConfig{Column: "id", Generator: GeneratorSequence}, "", []string{
			`sharding.tables.orders.key: required: the column holding the shard key`,
			`sharding.tables.orders.id: an id generator needs a sharded table: give its key and resolver`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := testConfig()
			c.Tables["orders"] = TableConfig{Key: tc.key, Resolver: "by_customer", ID: tc.id}
			var got []string
			for _, err := range c.Validate("sharding", testDatabases, "s0") {
				assert.ErrorIs(t, err, ErrConfig)
				got = append(got, err.Error())
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestConfigIDDecodeAndClone(t *testing.T) {
	var c Config
	require.NoError(t, yaml.Unmarshal([]byte(`
tables:
  orders: {key: customer_id, resolver: r, id: {column: id, generator: snowflake, node: 7}}
  users: {key: id, resolver: r, id: {column: id, generator: sequence, cache: 500, start: 10}}
`), &c))
	require.NotNil(t, c.Tables["orders"].ID)
	assert.Equal(t, 7, *c.Tables["orders"].ID.Node)
	assert.Equal(t, IDConfig{Column: "id", Generator: GeneratorSequence, Cache: 500, Start: 10}, *c.Tables["users"].ID)

	d := c.Clone()
	*d.Tables["orders"].ID.Node = 8
	d.Tables["users"].ID.Cache = 1
	assert.Equal(t, 7, *c.Tables["orders"].ID.Node, "the clone shares no id configuration")
	assert.Equal(t, int64(500), c.Tables["users"].ID.Cache)
}
