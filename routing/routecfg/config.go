// Package routecfg is the `routing:` section of a Grant cluster
// configuration: replica selection policy, lag limit, read-your-writes and
// read-only transactions.
//
// It imports nothing from Grant, so that package config can hold a Config
// (config.Cluster.Routing) while package routing, which needs the registry
// and therefore config, consumes it. Package routing re-exports the type as
// routing.Config.
//
//	routing:
//	  policy: weighted                # round_robin (default) | random | least_in_flight | weighted
//	  weights: {"main.replicas[0]": 3, "main.replicas[1]": 1}
//	  max_replica_lag: 5s             # 0 (default): no lag limit
//	  lag_check_interval: 500ms       # how often replica lag and position are measured
//	  no_replica: primary             # primary (default) | fail
//	  read_only_transactions: replica # primary (default) | replica
//	  primary_functions: [nextval, audit.log_event] # run on the primary
//	  unknown_functions: replica      # replica (default) | primary
//	  hedge_after: 50ms               # 0 (default): no hedged reads
//	  read_your_writes:
//	    mode: causal                  # window (default) | causal | off
//	    window: 2s
//	    scope: database               # database (default) | connection
//	    max_wait: 20ms                # causal: how long a read may wait for a replica to catch up (0: don't)
//
// Messages name the key and what it wants, never the value given: a value
// in the wrong key may be a secret.
package routecfg

import (
	"maps"
	"slices"
	"time"
)

// Config is the routing section of a cluster. The zero value means every
// default; Validate fills them in.
type Config struct {
	// Policy picks one replica among those in rotation for a read.
	Policy Policy `yaml:"policy,omitempty" json:"policy,omitempty"`
	// Weights gives the weighted policy a weight per replica, keyed by the
	// node name ("main.replicas[0]"). Replicas not listed weigh 1; a weight
	// of 0 takes a replica out of rotation for reads.
	Weights map[string]int `yaml:"weights,omitempty" json:"weights,omitempty"`
	// MaxReplicaLag takes a replica that is further behind its primary out
	// of rotation for reads, and one whose lag is unknown. 0 disables the
	// limit; replicas whose replication is broken leave rotation anyway.
	MaxReplicaLag Duration `yaml:"max_replica_lag,omitempty" json:"max_replica_lag,omitempty"`
	// LagCheckInterval is how often each replica's lag and replayed
	// position are measured (independently of health checks).
	LagCheckInterval Duration `yaml:"lag_check_interval,omitempty" json:"lag_check_interval,omitempty"`
	// NoReplica says what a read does when no replica is in rotation: go to
	// the primary, or fail with routing.ErrNoReplica.
	NoReplica NoReplica `yaml:"no_replica,omitempty" json:"no_replica,omitempty"`
	// ReadOnlyTransactions says where a READ ONLY transaction runs.
	ReadOnlyTransactions TxPlacement `yaml:"read_only_transactions,omitempty" json:"read_only_transactions,omitempty"`
	// PrimaryFunctions names functions that must run on the primary
	// (they write, or read state only the primary has), beside the
	// built-in table: "name" matches the function in any schema,
	// "schema.name" that schema's or an unqualified call; case is ignored.
	// See IsPrimaryFunction.
	PrimaryFunctions []string `yaml:"primary_functions,omitempty" json:"primary_functions,omitempty"`
	// UnknownFunctions says where a read calling a function that is in
	// neither the built-in table nor PrimaryFunctions goes: a replica
	// (such functions are assumed free of side effects) or the primary.
	UnknownFunctions FuncPlacement `yaml:"unknown_functions,omitempty" json:"unknown_functions,omitempty"`
	// HedgeAfter, when not 0, sends a replica read that has not answered
	// after this delay to a second node too (another replica in rotation,
	// or the primary), and takes the first answer.
	HedgeAfter Duration `yaml:"hedge_after,omitempty" json:"hedge_after,omitempty"`
	// ReadYourWrites keeps a session's reads from missing its own writes.
	ReadYourWrites ReadYourWrites `yaml:"read_your_writes,omitempty" json:"read_your_writes,omitempty"`
}

// ReadYourWrites configures read-your-writes.
type ReadYourWrites struct {
	// Mode is window (reads go to the primary for Window after a write),
	// causal (reads go to a replica that has replayed the write) or off.
	Mode RYWMode `yaml:"mode,omitempty" json:"mode,omitempty"`
	// Window is the window mode's delay, and in causal mode the delay after
	// a write whose position could not be read.
	Window Duration `yaml:"window,omitempty" json:"window,omitempty"`
	// Scope is whose writes count when a statement's context carries no
	// routing.Session: every write to the database through this process
	// (database, safe), or only the virtual connection's own (connection,
	// which misses writes made on another pooled connection).
	Scope Scope `yaml:"scope,omitempty" json:"scope,omitempty"`
	// MaxWait is, in causal mode, how long a read may wait for a replica
	// that was last measured behind the writes it must see to replay them:
	// the router then checks the replica's replayed position at once
	// (shared by the reads waiting on the same replica) and the read runs
	// there if it caught up in time, else on the primary. nil takes
	// DefaultMaxWait in causal mode (Validate fills it in); 0 sends such
	// reads to the primary at once, until the lag monitor's next
	// measurement shows a replica past their writes. At most MaxMaxWait.
	MaxWait *Duration `yaml:"max_wait,omitempty" json:"max_wait,omitempty"`
}

// Policy is a replica selection policy.
type Policy string

// The replica selection policies.
const (
	RoundRobin    Policy = "round_robin"     // each replica in turn
	Random        Policy = "random"          // uniformly at random
	LeastInFlight Policy = "least_in_flight" // fewest statements running
	Weighted      Policy = "weighted"        // at random, in proportion to Weights
)

// NoReplica is what a read does when no replica is in rotation.
type NoReplica string

// The no_replica settings.
const (
	NoReplicaPrimary NoReplica = "primary" // read from the primary
	NoReplicaFail    NoReplica = "fail"    // fail with routing.ErrNoReplica
)

// TxPlacement is where READ ONLY transactions run.
type TxPlacement string

// The read_only_transactions settings.
const (
	TxOnPrimary TxPlacement = "primary" // every transaction on the primary
	TxOnReplica TxPlacement = "replica" // a READ ONLY transaction on one replica
)

// FuncPlacement is where reads calling unknown functions go.
type FuncPlacement string

// The unknown_functions settings.
const (
	FuncsOnReplica FuncPlacement = "replica" // assumed free of side effects
	FuncsOnPrimary FuncPlacement = "primary" // assumed to write
)

// RYWMode is a read-your-writes mode.
type RYWMode string

// The read_your_writes modes.
const (
	RYWWindow RYWMode = "window" // primary for a time window after a write
	RYWCausal RYWMode = "causal" // a replica that has replayed the write
	RYWOff    RYWMode = "off"    // no read-your-writes
)

// Scope is whose writes count when no routing.Session is in the context.
type Scope string

// The read_your_writes scopes.
const (
	ScopeDatabase   Scope = "database"   // every write to the database
	ScopeConnection Scope = "connection" // the virtual connection's writes
)

// Defaults filled in by Validate.
const (
	DefaultPolicy           = RoundRobin
	DefaultLagCheckInterval = 500 * time.Millisecond
	DefaultWindow           = 2 * time.Second
	DefaultUnknownFunctions = FuncsOnReplica
	// DefaultMaxWait is read_your_writes.max_wait in causal mode: a few
	// round trips to a replica, well under a typical request's budget.
	DefaultMaxWait = 20 * time.Millisecond
	// MaxMaxWait bounds read_your_writes.max_wait: a replica that has not
	// caught up by then serves the read later than the primary would.
	MaxMaxWait = time.Second
	// MinLagCheckInterval bounds how often lag may be measured.
	MinLagCheckInterval = 10 * time.Millisecond
)

// Clone returns a copy of c that shares no map or slice with it.
func (c Config) Clone() Config {
	c.Weights = maps.Clone(c.Weights)
	c.PrimaryFunctions = slices.Clone(c.PrimaryFunctions)
	if w := c.ReadYourWrites.MaxWait; w != nil {
		c.ReadYourWrites.MaxWait = NewDuration(w.D())
	}
	return c
}

// Wait returns read_your_writes.max_wait as a time.Duration: 0 when it is
// nil (outside causal mode, or before Validate).
func (r ReadYourWrites) Wait() time.Duration {
	if r.MaxWait == nil {
		return 0
	}
	return r.MaxWait.D()
}
