package sharding

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

func TestConfigValidateNamesKeyPaths(t *testing.T) {
	tests := []struct {
		name   string
		change func(c *Config)
		dbs    []string
		def    string
		want   []string
	}{
		{"valid", func(*Config) {}, testDatabases, "s0", nil},
		{"unknown resolver", func(c *Config) { c.Tables["orders"] = TableConfig{Key: "customer_id", Resolver: "by_custmer"} },
			testDatabases, "s0", []string{
				`sharding.tables.orders.resolver: unknown resolver "by_custmer"`,
				`sharding.bindings[0]: orders and order_items use different resolvers (by_custmer, by_customer)`}},
		{"missing key and resolver", func(c *Config) { c.Tables["payments"] = TableConfig{} },
			testDatabases, "s0", []string{
				`sharding.tables.payments.key: required: the column holding the shard key`,
				`sharding.tables.payments.resolver: required: the name of a resolver of sharding.resolvers`}},
		{"binding of different resolvers", func(c *Config) { c.Bindings = [][]string{{"orders", "events"}} },
			testDatabases, "s0", []string{`sharding.bindings[0]: orders and events use different resolvers (by_customer, by_region)`}},
		{"binding problems", func(c *Config) {
			c.Bindings = [][]string{{"orders", "order_items"}, {"orders", "nope", "payments", "payments"}, {"events"}}
		},
			testDatabases, "s0", []string{
				`sharding.bindings[1][0]: orders is already in sharding.bindings[0]`,
				`sharding.bindings[1][1]: unknown sharded table "nope"`,
				`sharding.bindings[1][3]: payments is listed twice`,
				`sharding.bindings[2]: a binding group lists at least two tables`}},
		{"broadcast problems", func(c *Config) { c.Broadcast = []string{"orders", "countries", "Countries", ""} },
			testDatabases, "s0", []string{
				`sharding.broadcast[0]: orders is also a sharded table`,
				`sharding.broadcast[2]: names the same table as sharding.broadcast[1] (tables are matched by name, ignoring case and schema)`,
				`sharding.broadcast[3]: invalid table name "": want name or schema.name`}},
		{"same table twice", func(c *Config) { c.Tables["app.Orders"] = TableConfig{Key: "id", Resolver: "by_customer"} },
			testDatabases, "s0", []string{`sharding.tables.orders: names the same table as sharding.tables.app.Orders (tables are matched by name, ignoring case and schema)`}},
		{"resolver error", func(c *Config) { c.Resolvers["by_customer"] = Spec{Type: "modulo", Databases: []string{"s0", "s9"}} },
			testDatabases, "s0", []string{`sharding.resolvers.by_customer.databases[1]: unknown database "s9"`}},
		{"no default database", func(*Config) {}, testDatabases, "", []string{
			`default_database: required with sharded or broadcast tables: it holds every other table`}},
		{"unknown default database", func(*Config) {}, testDatabases, "main", []string{`default_database: unknown database "main"`}},
		{"collations", func(c *Config) {
			c.Collation = "latin1_swedish_ci"
			c.Collations = map[string]string{"sku": "binary", "order_items.sku": "BIN"}
		}, testDatabases, "s0", []string{
			`sharding.collation: unknown collation "latin1_swedish_ci": want binary or nocase`,
			`sharding.collations.order_items.sku: unknown collation "BIN": want binary or nocase`,
			`sharding.collations.sku: want a key of the form table.column`}},
		{"negative rows in flight", func(c *Config) { c.ShardRowsInFlight = -1 }, testDatabases, "s0",
			[]string{`sharding.shard_rows_in_flight: must not be negative`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := testConfig()
			tt.change(&c)
			errs := c.Validate("sharding", tt.dbs, tt.def)
			var got []string
			for _, err := range errs {
				assert.ErrorIs(t, err, ErrConfig)
				var ce *ConfigError
				require.ErrorAs(t, err, &ce)
				got = append(got, err.Error())
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestConfigValidateOtherPath(t *testing.T) {
	c := testConfig()
	c.Resolvers["by_customer"] = Spec{Type: "modulo", Databases: []string{"s9"}}
	errs := c.Validate("clusters.app.sharding", testDatabases, "s0")
	require.Len(t, errs, 1)
	assert.EqualError(t, errs[0], `clusters.app.sharding.resolvers.by_customer.databases[0]: unknown database "s9"`)
}

func TestConfigEmptyIsValid(t *testing.T) {
	var nilConfig *Config
	assert.Empty(t, nilConfig.Validate("sharding", nil, ""))
	assert.True(t, nilConfig.Empty())
	assert.Empty(t, (&Config{}).Validate("sharding", testDatabases, ""))
}

func TestConfigClone(t *testing.T) {
	c := testConfig()
	d := c.Clone()
	require.Equal(t, c, *d)
	d.Bindings[0][0] = "x"
	d.Broadcast[0] = "y"
	d.Tables["orders"] = TableConfig{}
	spec := d.Resolvers["by_customer"]
	spec.Databases[0] = "z"
	assert.Equal(t, "orders", c.Bindings[0][0])
	assert.Equal(t, "countries", c.Broadcast[0])
	assert.Equal(t, "customer_id", c.Tables["orders"].Key)
	assert.Equal(t, "s0", c.Resolvers["by_customer"].Databases[0])
	assert.Nil(t, (*Config)(nil).Clone())
}

func TestConfigFromYAML(t *testing.T) {
	const doc = `
default_database: s0
sharding:
  resolvers:
    by_customer: {type: modulo, databases: [s0, s1, s2, s3]}
    by_region:   {type: range, ranges: [{to: 1000, database: s0}, {from: 1000, database: s1}]}
  tables:
    orders:      {key: customer_id, resolver: by_customer}
    order_items: {key: customer_id, resolver: by_customer}
  bindings: [[orders, order_items]]
  broadcast: [countries]
  max_memory_rows: 5000
`
	var cluster struct {
		DefaultDatabase string `yaml:"default_database"`
		Sharding        Config `yaml:"sharding"`
	}
	dec := yaml.NewDecoder(strings.NewReader(doc))
	dec.KnownFields(true)
	require.NoError(t, dec.Decode(&cluster))
	assert.Empty(t, cluster.Sharding.Validate("sharding", testDatabases, cluster.DefaultDatabase))
	assert.Equal(t, TableConfig{Key: "customer_id", Resolver: "by_customer"}, cluster.Sharding.Tables["orders"])
	assert.Equal(t, 5000, cluster.Sharding.MaxMemoryRows)
}

// testConfig is a cluster of testDatabases with sharded tables of both
// kinds of resolver, a binding group and broadcast tables.
func testConfig() Config {
	return Config{
		Resolvers: map[string]Spec{
			"by_customer": {Type: "modulo", Databases: testDatabases},
			"by_region": {Type: "range", Ranges: []RangeSpec{
				{To: 1000, Database: "s0"}, {From: 1000, To: 2000, Database: "s1"}, {From: 2000, Database: "s2"},
			}},
		},
		Tables: map[string]TableConfig{
			"orders":      {Key: "customer_id", Resolver: "by_customer"},
			"order_items": {Key: "customer_id", Resolver: "by_customer"},
			"payments":    {Key: "customer_id", Resolver: "by_customer"},
			"events":      {Key: "region_id", Resolver: "by_region"},
		},
		Bindings:  [][]string{{"orders", "order_items"}},
		Broadcast: []string{"countries", "currencies"},
	}
}
