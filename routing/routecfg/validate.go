package routecfg

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Problem is one invalid routing setting at its key path.
type Problem struct {
	Path string // e.g. "routing.policy"
	Err  error
}

// Error returns "path: problem".
func (p *Problem) Error() string { return p.Path + ": " + p.Err.Error() }

// Unwrap returns the problem without its path.
func (p *Problem) Unwrap() error { return p.Err }

// Validate checks c, whose key path is path (normally "routing"), fills in
// defaults and returns every problem found, each naming its key path.
// replicas lists the replica node names of the cluster ("main.replicas[0]")
// so that weights naming no replica are caught; nil skips that check.
//
// Validate modifies c: call it on a copy (config.Cluster.Validate works on a
// clone; use Clone for the Weights map).
func (c *Config) Validate(path string, replicas []string) []*Problem {
	var ps []*Problem
	add := func(key, format string, args ...any) {
		ps = append(ps, &Problem{Path: path + "." + key, Err: fmt.Errorf(format, args...)})
	}
	switch c.Policy {
	case "":
		c.Policy = DefaultPolicy
	case RoundRobin, Random, LeastInFlight, Weighted:
	default:
		add("policy", "unknown policy %q: want round_robin, random, least_in_flight or weighted", string(c.Policy))
	}
	if len(c.Weights) > 0 && c.Policy != Weighted {
		add("weights", "weights are only used by policy weighted (policy is %s)", c.Policy)
	}
	for _, name := range sortedKeys(c.Weights) {
		key := "weights." + strconv.Quote(name)
		if w := c.Weights[name]; w < 0 {
			add(key, "weight %d must not be negative", w)
		}
		if replicas != nil && !slices.Contains(replicas, name) {
			add(key, "no replica named %q: replicas are %s", name, list(replicas))
		}
	}
	if c.LagCheckInterval == 0 {
		c.LagCheckInterval = Duration(DefaultLagCheckInterval)
	} else if c.LagCheckInterval.D() < MinLagCheckInterval {
		add("lag_check_interval", "%s is too short: at least %s", c.LagCheckInterval, MinLagCheckInterval)
	}
	if c.MaxReplicaLag < 0 {
		add("max_replica_lag", "must not be negative (0 disables the limit)")
	}
	switch c.NoReplica {
	case "":
		c.NoReplica = NoReplicaPrimary
	case NoReplicaPrimary, NoReplicaFail:
	default:
		add("no_replica", "unknown setting %q: want primary or fail", string(c.NoReplica))
	}
	switch c.ReadOnlyTransactions {
	case "":
		c.ReadOnlyTransactions = TxOnPrimary
	case TxOnPrimary, TxOnReplica:
	default:
		add("read_only_transactions", "unknown setting %q: want primary or replica", string(c.ReadOnlyTransactions))
	}
	r := &c.ReadYourWrites
	switch r.Mode {
	case "":
		r.Mode = RYWWindow
	case RYWWindow, RYWCausal, RYWOff:
	default:
		add("read_your_writes.mode", "unknown mode %q: want window, causal or off", string(r.Mode))
	}
	if r.Window < 0 {
		add("read_your_writes.window", "must not be negative")
	} else if r.Window == 0 {
		r.Window = Duration(DefaultWindow)
	}
	switch r.Scope {
	case "":
		r.Scope = ScopeDatabase
	case ScopeDatabase, ScopeConnection:
	default:
		add("read_your_writes.scope", "unknown scope %q: want database or connection", string(r.Scope))
	}
	return ps
}

// Weight returns the weight of replica name under c (1 when not listed).
func (c *Config) Weight(name string) int {
	if w, ok := c.Weights[name]; ok {
		return w
	}
	return 1
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func list(names []string) string {
	if len(names) == 0 {
		return "(none)"
	}
	return strings.Join(names, ", ")
}

// Duration is a time.Duration written in files as a Go duration string
// ("2s", "150ms"); negative durations are refused. config.Duration is
// this type.
type Duration time.Duration

// D returns d as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// String returns d in Go duration syntax.
func (d Duration) String() string { return time.Duration(d).String() }

// MarshalText writes d as a Go duration string.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads a Go duration string; negative durations are refused.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("invalid duration %q: want e.g. \"2s\" or \"150ms\"", b)
	}
	if v < 0 {
		return fmt.Errorf("invalid duration %q: must not be negative", b)
	}
	*d = Duration(v)
	return nil
}
