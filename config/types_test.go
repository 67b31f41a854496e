package config

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/routing/routecfg"
)

const base = "dialect: sqlite\ndatabases: {main: {primary: \"file:a.db\", replicas: [\"file:b.db\"]}}\n"

// TestWrongTypesAreErrors is the regression test of finding 8: a value of
// the wrong type was truncated (1.5 -> 1) or converted ("5" -> 5) instead
// of refused. Each error names the key and the type it wants, and never
// quotes the value.
func TestWrongTypesAreErrors(t *testing.T) {
	for _, tc := range []struct{ doc, want, value string }{
		{"pool: {max_open: 1.5}", "pool.max_open: want an integer, not a float", "1.5"},
		{"retry: {attempts: 2.9}", "retry.attempts: want an integer, not a float", "2.9"},
		{"pool: {max_idle: 2.0}", "pool.max_idle: want an integer, not a float", "2.0"},
		{"pool: {max_open: \"5\"}", "pool.max_open: want an integer, not a string", "\"5\""},
		{"pool: {statement_cache: 6.4e1}", "pool.statement_cache: want an integer, not a float", "6.4e1"},
		{"pool: {max_open: 99999999999999999999}", "pool.max_open: want an integer, not a float", "9999"},
		{"health: {failures: true}", "health.failures: want an integer, not a bool", "true"},
		{"health: {disabled: yes}", "health.disabled: want true or false, not a string", "yes"},
		{"health: {disabled: 1}", "health.disabled: want true or false, not an integer", ": 1"},
		{"health: {interval: 5}", `health.interval: invalid duration: want e.g. "2s" or "150ms"`, ": 5"},
		{"health: {interval: [1s]}", "health.interval: want a single value, not a list", "1s"},
		{"default_database: 7", "default_database: want a string, not an integer", "7"},
		{"pool: [1]", "pool: want a mapping, not a list", "[1]"},
		{"routing: {weights: {\"main.replicas[0]\": 1.5}}", `routing.weights.main.replicas[0]: want an integer, not a float`, "1.5"},
		{"routing: {hedge_after: 10}", "routing.hedge_after: invalid duration", "10"},
		{"routing: {primary_functions: nextval}", "routing.primary_functions: want a list, not a string", "nextval"},
		{"routing: {primary_functions: [1]}", "routing.primary_functions[0]: want a string, not an integer", "[1]"},
		{"routing: {unknown_functions: 0}", "routing.unknown_functions: want a string, not an integer", ": 0"},
		{"routing: {read_your_writes: {max_wait: 1.5}}", "routing.read_your_writes.max_wait: invalid duration", "1.5"},
		{"databases: {main: {primary: 5}}", "databases.main.primary: want a string, not an integer", ": 5"},
		{"databases: {main: {primary: x, pool: {statement_cache: x}}}", "databases.main.pool.statement_cache: want an integer, not a string", ": x}"},
	} {
		t.Run(tc.doc, func(t *testing.T) {
			doc := "dialect: sqlite\n" + tc.doc
			if tc.doc[:9] != "databases" {
				doc = base + tc.doc
			}
			_, err := Parse([]byte(doc), "yaml")
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrInvalid)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), tc.value)
		})
	}
	// The same from JSON.
	_, err := Parse([]byte(`{"dialect": "sqlite", "pool": {"max_open": 1.5}, "retry": {"attempts": "2"}}`), "json")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "pool.max_open: want an integer, not a float")
	assert.Contains(t, err.Error(), "retry.attempts: want an integer, not a string")
}

func TestRightTypesStillDecode(t *testing.T) {
	doc := base + `pool: {max_open: 0x10, max_idle: 1_0, statement_cache: -1}
health: {disabled: false, failures: 3}
routing: {policy: weighted, weights: {"main.replicas[0]": 2}}
default_database: main
`
	c, err := Parse([]byte(doc), "yaml")
	require.NoError(t, err)
	assert.Equal(t, 16, c.Pool.MaxOpen)
	assert.Equal(t, 10, c.Pool.MaxIdle)
	assert.Equal(t, -1, c.Pool.StatementCache)
	assert.Equal(t, 2, c.Routing.Weights["main.replicas[0]"])
}

func TestStatementCache(t *testing.T) {
	doc := `
dialect: postgres
databases:
  main: {primary: "postgres://a@h1/d", pool: {statement_cache: 128}}
  logs: {primary: "postgres://a@h2/d", pool: {statement_cache: -1}}
  other: {primary: "postgres://a@h3/d"}
default_database: main
`
	c, err := Parse([]byte(doc), "yaml")
	require.NoError(t, err)
	v, err := c.Validate()
	require.NoError(t, err)
	assert.Equal(t, DefaultStatementCache, v.Pool.StatementCache, "0 means the default")
	assert.Equal(t, 128, v.PoolFor("main").StatementCacheSize())
	assert.Equal(t, 0, v.PoolFor("logs").StatementCacheSize(), "negative disables")
	assert.Equal(t, 64, v.PoolFor("other").StatementCacheSize())
	assert.Equal(t, 64, Pool{}.StatementCacheSize())
}

func TestNewRoutingKeys(t *testing.T) {
	doc := base + `routing:
  primary_functions: [nextval, audit.log_event]
  unknown_functions: primary
  hedge_after: 30ms
  read_your_writes: {mode: causal, max_wait: 250ms}
`
	c, err := Parse([]byte(doc), "yaml")
	require.NoError(t, err)
	v, err := c.Validate()
	require.NoError(t, err)
	r := v.Routing
	assert.Equal(t, []string{"nextval", "audit.log_event"}, r.PrimaryFunctions)
	assert.Equal(t, routecfg.FuncsOnPrimary, r.UnknownFunctions)
	assert.Equal(t, 30*time.Millisecond, r.HedgeAfter.D())
	assert.Equal(t, 250*time.Millisecond, r.ReadYourWrites.MaxWait.D())
	assert.True(t, r.IsPrimaryFunction("AUDIT.LOG_EVENT"))

	v.Routing.PrimaryFunctions[0] = "changed"
	assert.Equal(t, "nextval", c.Routing.PrimaryFunctions[0], "Validate works on a copy")

	c, err = Parse([]byte(base), "yaml")
	require.NoError(t, err)
	v, err = c.Validate()
	require.NoError(t, err)
	assert.Equal(t, routecfg.FuncsOnReplica, v.Routing.UnknownFunctions, "default")
	assert.Zero(t, v.Routing.HedgeAfter)

	c, err = Parse([]byte(base+"routing: {primary_functions: [\"f(x)\"], unknown_functions: sometimes, read_your_writes: {max_wait: 1s}}"), "yaml")
	require.NoError(t, err)
	_, err = c.Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "routing.primary_functions[0]: want a function name or schema.name")
	assert.Contains(t, err.Error(), "routing.unknown_functions: unknown setting: want replica or primary")
	assert.Contains(t, err.Error(), "routing.read_your_writes.max_wait: only used by mode causal (mode is window)")
	assert.NotContains(t, err.Error(), "sometimes")
}

// TestWeightsNameExistingNodes is the regression test of finding 8's
// second part: weights naming a node that does not exist were accepted
// when the cluster had no replicas at all.
func TestWeightsNameExistingNodes(t *testing.T) {
	for _, doc := range []string{
		"dialect: sqlite\ndatabases: {main: {primary: \"file:a.db\"}}\nrouting: {policy: weighted, weights: {\"main.replicas[0]\": 2}}",
		base + "routing: {policy: weighted, weights: {\"main.replicas[1]\": 2}}",
		base + "routing: {policy: weighted, weights: {\"main.primary\": 2}}",
	} {
		c, err := Parse([]byte(doc), "yaml")
		require.NoError(t, err)
		_, err = c.Validate()
		require.Error(t, err, doc)
		assert.Contains(t, err.Error(), "routing.weights.")
		assert.Contains(t, err.Error(), "no replica named")
	}
}
