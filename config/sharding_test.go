package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/sharding"
)

const shardedDoc = `
dialect: sqlite
databases:
  s0: {primary: "file:s0.db"}
  s1: {primary: "file:s1.db"}
  s2: {primary: "file:s2.db"}
  s3: {primary: "file:s3.db"}
default_database: s0
sharding:
  resolvers:
    by_customer: {type: modulo, databases: [s0, s1, s2, s3]}
    by_region:   {type: range, ranges: [{to: 1000, database: s0}, {from: 1000, database: s1}]}
  tables:
    orders:      {key: customer_id, resolver: by_customer}
    order_items: {key: customer_id, resolver: by_customer}
    regions:     {key: region_id, resolver: by_region}
  bindings: [[orders, order_items]]
  broadcast: [countries]
`

func TestShardingSection(t *testing.T) {
	c, err := Parse([]byte(shardedDoc), "yaml")
	require.NoError(t, err)
	v, err := c.Validate()
	require.NoError(t, err)
	s := v.Sharding
	require.NotNil(t, s)
	assert.Equal(t, sharding.TableConfig{Key: "customer_id", Resolver: "by_customer"}, s.Tables["orders"])
	assert.Equal(t, []string{"s0", "s1", "s2", "s3"}, s.Resolvers["by_customer"].Databases)
	assert.Equal(t, [][]string{{"orders", "order_items"}}, s.Bindings)
	assert.Equal(t, []string{"countries"}, s.Broadcast)

	// The validated copy does not share the caller's maps.
	v.Sharding.Tables["orders"] = sharding.TableConfig{Key: "x", Resolver: "by_customer"}
	assert.Equal(t, "customer_id", c.Sharding.Tables["orders"].Key)
}

func TestShardingSectionErrorsNameTheirKeys(t *testing.T) {
	for _, tc := range []struct{ name, doc, want string }{
		{"unknown key", `sharding: {tabels: {}}`, "sharding.tabels: unknown key"},
		{"unknown resolver", `sharding: {resolvers: {r: {type: modulo, databases: [s0, s1]}}, tables: {orders: {key: id, resolver: rr}}}`,
			`sharding.tables.orders.resolver: unknown resolver "rr"`},
		{"unknown database", `sharding: {resolvers: {r: {type: modulo, databases: [s0, s9]}}, tables: {orders: {key: id, resolver: r}}}`,
			`s9`},
		{"missing key", `sharding: {resolvers: {r: {type: modulo, databases: [s0, s1]}}, tables: {orders: {resolver: r}}}`,
			"sharding.tables.orders.key: required"},
		{"range gap", `sharding: {resolvers: {r: {type: range, ranges: [{to: 10, database: s0}, {from: 20, database: s1}]}}, tables: {t: {key: id, resolver: r}}}`,
			"sharding.resolvers.r"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := "dialect: sqlite\ndatabases: {s0: {primary: a}, s1: {primary: b}}\ndefault_database: s0\n" + tc.doc
			c, err := Parse([]byte(doc), "yaml")
			if err == nil {
				_, err = c.Validate()
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.ErrorIs(t, err, ErrInvalid)
		})
	}
}

func TestShardingNeedsDefaultDatabaseOnce(t *testing.T) {
	doc := `
dialect: sqlite
databases: {s0: {primary: a}, s1: {primary: b}}
sharding:
  resolvers: {r: {type: modulo, databases: [s0, s1]}}
  tables: {orders: {key: id, resolver: r}}
`
	c, err := Parse([]byte(doc), "yaml")
	require.NoError(t, err)
	_, err = c.Validate()
	var errs Errors
	require.ErrorAs(t, err, &errs)
	n := 0
	for _, e := range errs {
		if e.Path == "default_database" {
			n++
		}
	}
	assert.Equal(t, 1, n, "%v", err)
}
