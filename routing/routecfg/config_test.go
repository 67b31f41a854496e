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
		ReadYourWrites:       ReadYourWrites{Mode: RYWWindow, Window: Duration(2 * time.Second), Scope: ScopeDatabase},
	}, c)
	assert.Equal(t, 1, c.Weight("anything"))
}

func TestProblemsNameTheirKeys(t *testing.T) {
	c := Config{
		Policy:               "fastest",
		Weights:              map[string]int{"main.replicas[0]": -1, "main.replicas[7]": 2},
		MaxReplicaLag:        -1,
		LagCheckInterval:     Duration(time.Millisecond),
		NoReplica:            "panic",
		ReadOnlyTransactions: "anywhere",
		ReadYourWrites:       ReadYourWrites{Mode: "eventually", Window: -1, Scope: "planet"},
	}
	got := errs(c.Validate("routing", []string{"main.replicas[0]", "main.replicas[1]"}))
	assert.Equal(t, []string{
		`routing.policy: unknown policy "fastest": want round_robin, random, least_in_flight or weighted`,
		`routing.weights: weights are only used by policy weighted (policy is fastest)`,
		`routing.weights."main.replicas[0]": weight -1 must not be negative`,
		`routing.weights."main.replicas[7]": no replica named "main.replicas[7]": replicas are main.replicas[0], main.replicas[1]`,
		`routing.lag_check_interval: 1ms is too short: at least 10ms`,
		`routing.max_replica_lag: must not be negative (0 disables the limit)`,
		`routing.no_replica: unknown setting "panic": want primary or fail`,
		`routing.read_only_transactions: unknown setting "anywhere": want primary or replica`,
		`routing.read_your_writes.mode: unknown mode "eventually": want window, causal or off`,
		`routing.read_your_writes.window: must not be negative`,
		`routing.read_your_writes.scope: unknown scope "planet": want database or connection`,
	}, got)
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
	assert.ErrorContains(t, d.UnmarshalText([]byte("5")), `invalid duration "5"`)
	assert.ErrorContains(t, d.UnmarshalText([]byte("-1s")), "must not be negative")
}

func TestYAML(t *testing.T) {
	doc := `
policy: weighted
weights: {"main.replicas[0]": 3}
max_replica_lag: 5s
lag_check_interval: 250ms
no_replica: fail
read_only_transactions: replica
read_your_writes: {mode: causal, window: 1s, scope: connection}
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
		ReadYourWrites:       ReadYourWrites{Mode: RYWCausal, Window: Duration(time.Second), Scope: ScopeConnection},
	}, c)
	out, err := yaml.Marshal(c)
	require.NoError(t, err)
	assert.Contains(t, string(out), "max_replica_lag: 5s")
}
