package sharding

import (
	"context"
	"errors"
	"fmt"
)

// Resolver maps a shard key to the database that holds it.
//
// Implementations are immutable after construction and safe for concurrent
// use. Resolve is pure: the same key gives the same database or the same kind
// of error on every call, on every machine.
type Resolver interface {
	// Resolve returns the name of the database that holds key. Errors wrap
	// ErrNullKey, ErrKeyType or ErrNoShard (or an error of a custom resolver)
	// and name the resolver, the key and the reason.
	Resolve(ctx context.Context, key Key) (database string, err error)

	// Databases returns every database Resolve can return, each once, in a
	// stable order: the set a statement without a usable key fans out to. It
	// returns a new slice on each call and never changes for one resolver.
	Databases() []string
}

// RangeResolver is a Resolver that can also find the databases holding every
// key in an interval, so a statement with key < x, key > x or key BETWEEN a AND
// b reaches only those databases. The range resolver implements it.
type RangeResolver interface {
	Resolver

	// ResolveRange returns the databases whose ranges intersect the interval
	// from lo to hi, in the order of their ranges, each once. A zero Bound is
	// unbounded on its side. An empty interval, or one that meets no range,
	// gives an empty result and no error: no database can hold such keys. A
	// bound of the wrong type or a NULL bound is an error, as in Resolve.
	ResolveRange(ctx context.Context, lo, hi Bound) ([]string, error)
}

// BatchResolver is a Resolver that resolves several keys in one call, for a
// resolver whose every call has a fixed cost (a plugin process, a service).
// The planner uses it where it resolves several keys of one table: the
// values of an IN list, the rows of a multi-row INSERT. Other resolvers are
// called once per key.
type BatchResolver interface {
	Resolver

	// ResolveBatch returns the database of each key: out[i] is the database
	// of keys[i], as Resolve would return it, or "" when Resolve would
	// reject the key with ErrNullKey or ErrNoShard (no database holds it).
	// Any other error fails the whole batch; it names the key it is about,
	// as Resolve's error does. len(out) == len(keys) when err is nil.
	ResolveBatch(ctx context.Context, keys []Key) (out []string, err error)
}

// Bound is one end of an interval for RangeResolver.ResolveRange. The zero
// Bound is unbounded.
type Bound struct {
	value     any
	inclusive bool
	set       bool
}

// InclusiveBound returns a bound that includes v itself (key >= v, key <= v).
func InclusiveBound(v any) Bound { return Bound{value: v, inclusive: true, set: true} }

// ExclusiveBound returns a bound that excludes v itself (key > v, key < v).
func ExclusiveBound(v any) Bound { return Bound{value: v, set: true} }

// Value returns the bound's value, and false for an unbounded Bound.
func (b Bound) Value() (v any, ok bool) { return b.value, b.set }

// Inclusive reports whether the bound includes its value.
func (b Bound) Inclusive() bool { return b.set && b.inclusive }

// Sentinel errors. Errors from resolvers and from New wrap exactly one of them
// (or, from a custom resolver, its own error); test with errors.Is.
var (
	// ErrNoShard: no database holds the key (a value outside every range, a
	// value not in a list without a default, a custom resolver's refusal).
	ErrNoShard = errors.New("sharding: no database for key")
	// ErrNullKey: the key, or a value of a composite key, is NULL. A NULL
	// key is never routed by guess.
	ErrNullKey = errors.New("sharding: NULL shard key")
	// ErrKeyType: the key's type or form does not suit the resolver (a string
	// for modulo, a bool anywhere, a non-integral float, a composite key for a
	// single-column resolver).
	ErrKeyType = errors.New("sharding: unsupported shard key")
	// ErrConfig: a resolver specification is invalid. The error is a
	// *ConfigError naming the configuration key.
	ErrConfig = errors.New("sharding: invalid resolver configuration")
)

// KeyError is the error of resolving one key: it names the resolver, the key
// and the reason, and unwraps to Err.
type KeyError struct {
	Resolver string // the resolver's name; empty outside a resolver
	Key      Key    // the key, or the bound's value for ResolveRange
	Err      error  // ErrNullKey, ErrKeyType, ErrNoShard, or a custom resolver's error
	Reason   string // why, in words; empty when Err says it all
}

// Error formats the error as
// `sharding: resolver "name": key int64(42): reason`.
func (e *KeyError) Error() string {
	why := e.Reason
	if why == "" && e.Err != nil {
		why = e.Err.Error()
	}
	if e.Resolver == "" {
		return fmt.Sprintf("sharding: key %s: %s", e.Key, why)
	}
	return fmt.Sprintf("sharding: resolver %q: key %s: %s", e.Resolver, e.Key, why)
}

// Unwrap returns Err.
func (e *KeyError) Unwrap() error { return e.Err }

// ConfigError is an invalid resolver specification. Path is the configuration
// key, such as sharding.resolvers.by_customer.databases[2].
type ConfigError struct {
	Path    string
	Message string
}

// Error formats the error as "path: message".
func (e *ConfigError) Error() string { return e.Path + ": " + e.Message }

// Is reports whether target is ErrConfig.
func (e *ConfigError) Is(target error) bool { return target == ErrConfig }

func resolverConfigErrorf(path, format string, args ...any) error {
	return &ConfigError{Path: path, Message: fmt.Sprintf(format, args...)}
}

// dedupeDatabases returns the distinct names of dbs in first-appearance order, in a new
// slice.
func dedupeDatabases(dbs []string) []string {
	out := make([]string, 0, len(dbs))
	for _, d := range dbs {
		seen := false
		for _, o := range out {
			if o == d {
				seen = true
				break
			}
		}
		if !seen {
			out = append(out, d)
		}
	}
	return out
}
