package routecfg

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MinHedgeAfter bounds routing.hedge_after from below: a shorter delay
// would send nearly every read to two nodes.
const MinHedgeAfter = time.Millisecond

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
	validPolicy := true
	switch c.Policy {
	case "":
		c.Policy = DefaultPolicy
	case RoundRobin, Random, LeastInFlight, Weighted:
	default:
		validPolicy = false
		add("policy", "unknown policy: want round_robin, random, least_in_flight or weighted")
	}
	if len(c.Weights) > 0 && c.Policy != Weighted && validPolicy {
		add("weights", "weights are only used by policy weighted (policy is %s)", c.Policy)
	}
	for _, name := range sortedKeys(c.Weights) {
		key := "weights." + quoteKey(name)
		if w := c.Weights[name]; w < 0 {
			add(key, "weight %d must not be negative", w)
		}
		if replicas != nil && !slices.Contains(replicas, name) {
			add(key, "no replica named %s: replicas are %s", quoteKey(name), list(replicas))
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
		add("no_replica", "unknown setting: want primary or fail")
	}
	switch c.ReadOnlyTransactions {
	case "":
		c.ReadOnlyTransactions = TxOnPrimary
	case TxOnPrimary, TxOnReplica:
	default:
		add("read_only_transactions", "unknown setting: want primary or replica")
	}
	c.validateFunctions(add)
	switch {
	case c.HedgeAfter < 0:
		add("hedge_after", "must not be negative (0 disables hedged reads)")
	case c.HedgeAfter > 0 && c.HedgeAfter.D() < MinHedgeAfter:
		add("hedge_after", "%s is too short: at least %s, or every read would run twice (0 disables hedged reads)", c.HedgeAfter, MinHedgeAfter)
	}
	r := &c.ReadYourWrites
	switch r.Mode {
	case "":
		r.Mode = RYWWindow
	case RYWWindow, RYWCausal, RYWOff:
	default:
		add("read_your_writes.mode", "unknown mode: want window, causal or off")
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
		add("read_your_writes.scope", "unknown scope: want database or connection")
	}
	switch w := r.MaxWait; {
	case w == nil:
		if r.Mode == RYWCausal {
			r.MaxWait = NewDuration(DefaultMaxWait)
		}
	case *w < 0:
		add("read_your_writes.max_wait", "must not be negative (0 disables the wait)")
	case *w > 0 && r.Mode != RYWCausal && r.Mode.valid():
		add("read_your_writes.max_wait", "only used by mode causal (mode is %s)", r.Mode)
	case w.D() > MaxMaxWait:
		add("read_your_writes.max_wait", "%s is too long: at most %s (the primary answers sooner)", w, MaxMaxWait)
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

// quoteKey quotes a node name for a key path, unless it has the marks of a
// DSN or of a secret (white space, ':', '@', '=', '/', '?'): then the name,
// a value in the wrong place, is not shown.
func quoteKey(name string) string {
	if strings.ContainsAny(name, " \t\n\r\v\f:@=/?'\"`$%&") || len(name) > 128 {
		return `"(a name not shown)"`
	}
	return strconv.Quote(name)
}

func (m RYWMode) valid() bool { return m == RYWWindow || m == RYWCausal || m == RYWOff }
