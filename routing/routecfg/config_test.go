package routecfg

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

func errs(ps []*Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Error())
	}
	return out
}

func TestDefaults(t *testing.T) {
	var c Config
	require.Empty(t, c.Validate("routing", nil))
	assert.Equal(t, Config{
		Policy:               RoundRobin,
		LagCheckInterval:     Duration(500 * time.Millisecond),
		NoReplica:            NoReplicaPrimary,
		ReadOnlyTransactions: TxOnPrimary,
		UnknownFunctions:     FuncsOnReplica,
		ReadYourWrites:       ReadYourWrites{Mode: RYWWindow, Window: Duration(2 * time.Second), Scope: ScopeDatabase},
	}, c)
	assert.Equal(t, 1, c.Weight("anything"))
	assert.Zero(t, c.HedgeAfter)
	assert.Zero(t, c.ReadYourWrites.MaxWait)
}

func TestProblemsNameTheirKeys(t *testing.T) {
	c := Config{
		Policy:               "fastest",
		Weights:              map[string]int{"main.replicas[0]": -1, "main.replicas[7]": 2},
		MaxReplicaLag:        -1,
		LagCheckInterval:     Duration(time.Millisecond),
		NoReplica:            "panic",
		ReadOnlyTransactions: "anywhere",
		PrimaryFunctions:     []string{"nextval", "", "a.b.c", "f(x)", "NextVal"},
		UnknownFunctions:     "sometimes",
		HedgeAfter:           -1,
		ReadYourWrites:       ReadYourWrites{Mode: "eventually", Window: -1, Scope: "planet", MaxWait: NewDuration(-1)},
	}
	got := errs(c.Validate("routing", []string{"main.replicas[0]", "main.replicas[1]"}))
	assert.Equal(t, []string{
		`routing.policy: unknown policy: want round_robin, random, least_in_flight or weighted`,
		`routing.weights."main.replicas[0]": weight -1 must not be negative`,
		`routing.weights."main.replicas[7]": no replica named "main.replicas[7]": replicas are main.replicas[0], main.replicas[1]`,
		`routing.lag_check_interval: 1ms is too short: at least 10ms`,
		`routing.max_replica_lag: must not be negative (0 disables the limit)`,
		`routing.no_replica: unknown setting: want primary or fail`,
		`routing.read_only_transactions: unknown setting: want primary or replica`,
		`routing.primary_functions[1]: want a function name or schema.name (letters, digits, '_', '$')`,
		`routing.primary_functions[2]: want a function name or schema.name (letters, digits, '_', '$')`,
		`routing.primary_functions[3]: want a function name or schema.name (letters, digits, '_', '$')`,
		`routing.primary_functions[4]: listed twice (also primary_functions[0])`,
		`routing.unknown_functions: unknown setting: want replica or primary`,
		`routing.hedge_after: must not be negative (0 disables hedged reads)`,
		`routing.read_your_writes.mode: unknown mode: want window, causal or off`,
		`routing.read_your_writes.window: must not be negative`,
		`routing.read_your_writes.scope: unknown scope: want database or connection`,
		`routing.read_your_writes.max_wait: must not be negative (0 disables the wait)`,
	}, got)
	for _, e := range got {
		for _, v := range []string{"fastest", "panic", "anywhere", "eventually", "planet", "sometimes", "f(x)"} {
			assert.NotContains(t, e, v, "values are never echoed")
		}
	}
	p := c.Validate("routing", nil)[0]
	assert.Equal(t, "routing.policy", p.Path)
	assert.ErrorContains(t, p.Unwrap(), "unknown policy")
}

func TestWeighted(t *testing.T) {
	c := Config{Policy: Weighted, Weights: map[string]int{"main.replicas[0]": 3, "main.replicas[1]": 0}}
	require.Empty(t, c.Validate("routing", []string{"main.replicas[0]", "main.replicas[1]"}))
	assert.Equal(t, 3, c.Weight("main.replicas[0]"))
	assert.Equal(t, 0, c.Weight("main.replicas[1]"))
	d := c.Clone()
	d.Weights["main.replicas[0]"] = 9
	assert.Equal(t, 3, c.Weights["main.replicas[0]"])
}

func TestDuration(t *testing.T) {
	var d Duration
	require.NoError(t, d.UnmarshalText([]byte("1m30s")))
	assert.Equal(t, 90*time.Second, d.D())
	b, err := d.MarshalText()
	require.NoError(t, err)
	assert.Equal(t, "1m30s", string(b))
	assert.EqualError(t, d.UnmarshalText([]byte("hunter2")), `invalid duration: want e.g. "2s" or "150ms"`)
	assert.EqualError(t, d.UnmarshalText([]byte("-1s")), "invalid duration: must not be negative")
}

func TestYAML(t *testing.T) {
	doc := `
policy: weighted
weights: {"main.replicas[0]": 3}
max_replica_lag: 5s
lag_check_interval: 250ms
no_replica: fail
read_only_transactions: replica
primary_functions: [nextval, audit.log_event]
unknown_functions: primary
hedge_after: 50ms
read_your_writes: {mode: causal, window: 1s, scope: connection, max_wait: 100ms}
`
	var c Config
	require.NoError(t, yaml.Unmarshal([]byte(doc), &c))
	require.Empty(t, c.Validate("routing", []string{"main.replicas[0]"}))
	assert.Equal(t, Config{
		Policy:               Weighted,
		Weights:              map[string]int{"main.replicas[0]": 3},
		MaxReplicaLag:        Duration(5 * time.Second),
		LagCheckInterval:     Duration(250 * time.Millisecond),
		NoReplica:            NoReplicaFail,
		ReadOnlyTransactions: TxOnReplica,
		PrimaryFunctions:     []string{"nextval", "audit.log_event"},
		UnknownFunctions:     FuncsOnPrimary,
		HedgeAfter:           Duration(50 * time.Millisecond),
		ReadYourWrites: ReadYourWrites{Mode: RYWCausal, Window: Duration(time.Second), Scope: ScopeConnection,
			MaxWait: NewDuration(100 * time.Millisecond)},
	}, c)
	out, err := yaml.Marshal(c)
	require.NoError(t, err)
	assert.Contains(t, string(out), "max_replica_lag: 5s")
}

func TestWeightsNameExistingReplicas(t *testing.T) {
	c := Config{Policy: Weighted, Weights: map[string]int{"main.replicas[0]": 1, "main.primary": 2, "postgres://u:pw@h/db": 1}}
	got := errs(c.Validate("routing", []string{}))
	assert.Equal(t, []string{
		`routing.weights."main.primary": no replica named "main.primary": replicas are (none)`,
		`routing.weights."main.replicas[0]": no replica named "main.replicas[0]": replicas are (none)`,
		`routing.weights."(a name not shown)": no replica named "(a name not shown)": replicas are (none)`,
	}, got)
}

func TestMaxWaitOnlyInCausalMode(t *testing.T) {
	c := Config{ReadYourWrites: ReadYourWrites{MaxWait: NewDuration(time.Second)}}
	assert.Equal(t, []string{"routing.read_your_writes.max_wait: only used by mode causal (mode is window)"}, errs(c.Validate("routing", nil)))
	c = Config{ReadYourWrites: ReadYourWrites{Mode: RYWCausal, MaxWait: NewDuration(time.Second)}}
	assert.Empty(t, c.Validate("routing", nil))
	// 0 is allowed in every mode: it waits for nothing.
	c = Config{ReadYourWrites: ReadYourWrites{MaxWait: NewDuration(0)}}
	assert.Empty(t, c.Validate("routing", nil))
}

func TestMaxWaitDefaultAndBounds(t *testing.T) {
	c := Config{ReadYourWrites: ReadYourWrites{Mode: RYWCausal}}
	require.Empty(t, c.Validate("routing", nil))
	require.NotNil(t, c.ReadYourWrites.MaxWait, "causal mode fills in the default")
	assert.Equal(t, DefaultMaxWait, c.ReadYourWrites.Wait())
	assert.Equal(t, 20*time.Millisecond, DefaultMaxWait)

	// An explicit 0 stays 0: no waiting.
	var off Config
	require.NoError(t, yaml.Unmarshal([]byte("read_your_writes: {mode: causal, max_wait: 0s}"), &off))
	require.Empty(t, off.Validate("routing", nil))
	require.NotNil(t, off.ReadYourWrites.MaxWait)
	assert.Zero(t, off.ReadYourWrites.Wait())

	long := Config{ReadYourWrites: ReadYourWrites{Mode: RYWCausal, MaxWait: NewDuration(2 * time.Second)}}
	assert.Equal(t, []string{"routing.read_your_writes.max_wait: 2s is too long: at most 1s (the primary answers sooner)"},
		errs(long.Validate("routing", nil)))

	// Outside causal mode nothing is filled in, and Wait reads 0.
	var w Config
	require.Empty(t, w.Validate("routing", nil))
	assert.Nil(t, w.ReadYourWrites.MaxWait)
	assert.Zero(t, w.ReadYourWrites.Wait())

	// Clone does not share the setting.
	d := c.Clone()
	*d.ReadYourWrites.MaxWait = Duration(time.Second)
	assert.Equal(t, DefaultMaxWait, c.ReadYourWrites.Wait())
}

func TestIsPrimaryFunction(t *testing.T) {
	c := Config{PrimaryFunctions: []string{"NextVal", "audit.log_event"}}
	require.Empty(t, c.Validate("routing", nil))
	for fn, want := range map[string]bool{
		"nextval":          true,
		"public.NEXTVAL":   true,
		"log_event":        true,
		"AUDIT.Log_Event":  true,
		"other.log_event":  false,
		"currval":          false,
		"audit.nextval_2":  false,
		"pg_advisory_lock": false,
	} {
		assert.Equal(t, want, c.IsPrimaryFunction(fn), fn)
	}
	d := c.Clone()
	d.PrimaryFunctions[0] = "x"
	assert.Equal(t, "NextVal", c.PrimaryFunctions[0], "Clone copies the list")
}
