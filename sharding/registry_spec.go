package sharding

import (
	"fmt"
	"slices"

	"github.com/grantsql/grant/routing/routecfg"
)

// Spec is the specification of one named resolver: one entry of the sharding
// resolvers mapping of a cluster configuration, decoded from YAML or JSON.
//
//	by_customer: {type: hash, databases: [s0, s1, s2, s3]}
//	by_region:   {type: range, ranges: [{to: 1000, database: s0}, {from: 1000, database: s1}]}
//	by_country:  {type: list, values: {"us": s0, "eu": s1}, default: s2}
//	by_tenant:   {type: func, func: tenant_shard, databases: [s0, s1]}
//	by_geo:      {type: plugin, path: ./bin/geo-resolver, sha256: 3f1c..., databases: [s0, s1]}
//
// Each built-in type reads only its own fields and rejects the others, so a
// misplaced field is an error, not silently ignored.
type Spec struct {
	// Type is the resolver type: modulo, hash, range, list, func, a type
	// added with Register, or the name of a Func added with RegisterFunc.
	Type string `yaml:"type" json:"type"`

	// Databases lists the databases of a modulo or hash resolver, in slot
	// order (a name may repeat: see the package documentation on buckets),
	// or every database a func resolver can return.
	Databases []string `yaml:"databases,omitempty" json:"databases,omitempty"`

	// Ranges are the ranges of a range resolver, in ascending order.
	Ranges []RangeSpec `yaml:"ranges,omitempty" json:"ranges,omitempty"`

	// KeyType fixes the key type of a range resolver: integer, string or
	// time. Empty means inferred from the bounds.
	KeyType string `yaml:"key_type,omitempty" json:"key_type,omitempty"`

	// Values maps each value of a list resolver, in canonical text form
	// ("42", "us", "2024-01-02T00:00:00Z"), to its database.
	Values map[string]string `yaml:"values,omitempty" json:"values,omitempty"`

	// Default is the database of a list resolver for values not in Values.
	// Empty means such values are an ErrNoShard error.
	Default string `yaml:"default,omitempty" json:"default,omitempty"`

	// Func names the registered Func of a func resolver.
	Func string `yaml:"func,omitempty" json:"func,omitempty"`

	// Options carries settings for types added with Register (plugins, user
	// code). The built-in types take none.
	Options map[string]any `yaml:"options,omitempty" json:"options,omitempty"`

	// Path is the executable of a plugin resolver (package plugins):
	// absolute, or relative to Dir.
	Path string `yaml:"path,omitempty" json:"path,omitempty"`

	// SHA256 is the SHA-256 checksum of the executable at Path, in
	// hexadecimal, checked before every start of the plugin.
	SHA256 string `yaml:"sha256,omitempty" json:"sha256,omitempty"`

	// Args are the command-line arguments of a plugin resolver.
	Args []string `yaml:"args,omitempty" json:"args,omitempty"`

	// Timeout bounds each call of a plugin resolver ("200ms"); zero means
	// the type's default.
	Timeout routecfg.Duration `yaml:"timeout,omitempty" json:"timeout,omitempty"`

	// Cache, when set, keeps a plugin resolver's answers in memory.
	Cache *CacheSpec `yaml:"cache,omitempty" json:"cache,omitempty"`

	// Dir is the directory a relative Path is read from: config.Load sets
	// it to the configuration file's directory. Empty means the working
	// directory. It is never read from a file.
	Dir string `yaml:"-" json:"-"`
}

// CacheSpec sizes the answer cache of a resolver type that keeps one (a
// plugin resolver): {size: 100000, ttl: 5m}.
type CacheSpec struct {
	// Size is the most keys kept; it must be positive.
	Size int `yaml:"size" json:"size"`
	// TTL is how long an answer is kept; zero means until it is evicted.
	TTL routecfg.Duration `yaml:"ttl,omitempty" json:"ttl,omitempty"`
}

// resolverPath is the configuration key of the resolver named name.
func resolverPath(name string) string { return "sharding.resolvers." + name }

// OnlyFields returns a *ConfigError naming the first field of s, other than
// Type, that is set but not in allowed (the names as the file writes them:
// databases, ranges, key_type, values, default, func, options, path, sha256,
// args, timeout, cache), with path as the resolver's configuration key. A
// type added with Register or RegisterType calls it so that a misplaced
// field is an error, as the built-in types do.
func (s *Spec) OnlyFields(path string, allowed ...string) error {
	return s.onlyFields(path, allowed...)
}

// onlyFields returns an error naming the first field other than Type that is
// set but not in allowed.
func (s *Spec) onlyFields(path string, allowed ...string) error {
	set := []struct {
		field string
		isSet bool
	}{
		{"databases", len(s.Databases) > 0},
		{"ranges", len(s.Ranges) > 0},
		{"key_type", s.KeyType != ""},
		{"values", len(s.Values) > 0},
		{"default", s.Default != ""},
		{"func", s.Func != ""},
		{"options", len(s.Options) > 0},
		{"path", s.Path != ""},
		{"sha256", s.SHA256 != ""},
		{"args", len(s.Args) > 0},
		{"timeout", s.Timeout != 0},
		{"cache", s.Cache != nil},
	}
	for _, f := range set {
		if f.isSet && !slices.Contains(allowed, f.field) {
			return resolverConfigErrorf(path+"."+f.field, "not used by type %q", s.Type)
		}
	}
	return nil
}

// checkDatabases checks every database name the common fields of s hold:
// each non-empty and, when known is not nil, in known.
func (s *Spec) checkDatabases(path string, known []string) error {
	check := func(at, db string) error {
		switch {
		case db == "":
			return resolverConfigErrorf(at, "empty database name")
		case known != nil && !slices.Contains(known, db):
			return resolverConfigErrorf(at, "unknown database %q", db)
		}
		return nil
	}
	for i, db := range s.Databases {
		if err := check(fmt.Sprintf("%s.databases[%d]", path, i), db); err != nil {
			return err
		}
	}
	for i, r := range s.Ranges {
		if err := check(fmt.Sprintf("%s.ranges[%d].database", path, i), r.Database); err != nil {
			return err
		}
	}
	keys := make([]string, 0, len(s.Values))
	for k := range s.Values {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if err := check(fmt.Sprintf("%s.values[%q]", path, k), s.Values[k]); err != nil {
			return err
		}
	}
	if s.Default != "" {
		return check(path+".default", s.Default)
	}
	return nil
}
