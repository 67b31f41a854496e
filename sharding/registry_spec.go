package sharding

import (
	"fmt"
	"slices"
)

// Spec is the specification of one named resolver: one entry of the sharding
// resolvers mapping of a cluster configuration, decoded from YAML or JSON.
//
//	by_customer: {type: hash, databases: [s0, s1, s2, s3]}
//	by_region:   {type: range, ranges: [{to: 1000, database: s0}, {from: 1000, database: s1}]}
//	by_country:  {type: list, values: {"us": s0, "eu": s1}, default: s2}
//	by_tenant:   {type: func, func: tenant_shard, databases: [s0, s1]}
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
}

// resolverPath is the configuration key of the resolver named name.
func resolverPath(name string) string { return "sharding.resolvers." + name }

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
