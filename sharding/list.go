package sharding

import (
	"context"
	"fmt"
	"slices"
)

// listResolver is the "list" type: an explicit map from values to databases,
// with an optional default for every other value.
type listResolver struct {
	name      string
	values    map[string]string // canonical encoding -> database
	def       string
	databases []string
}

func newListResolver(name string, spec Spec) (Resolver, error) {
	p := resolverPath(name)
	if err := spec.onlyFields(p, "values", "default"); err != nil {
		return nil, err
	}
	if len(spec.Values) == 0 {
		return nil, resolverConfigErrorf(p+".values", "required: map at least one value to a database")
	}
	r := &listResolver{name: name, values: make(map[string]string, len(spec.Values)), def: spec.Default}
	for v, db := range spec.Values {
		if db == "" {
			return nil, resolverConfigErrorf(fmt.Sprintf("%s.values[%q]", p, v), "empty database name")
		}
		r.values[v] = db
		r.databases = append(r.databases, db)
	}
	if spec.Default != "" {
		r.databases = append(r.databases, spec.Default)
	}
	slices.Sort(r.databases)
	r.databases = slices.Compact(r.databases)
	return r, nil
}

// Resolve looks the value up by its canonical encoding, so the configured
// value "1" matches int64(1), "1" and []byte("1"), and "2024-01-02T00:00:00Z"
// matches that instant as a time.Time. A value not in the list goes to the
// default database, or is an ErrNoShard error when there is none.
func (r *listResolver) Resolve(_ context.Context, key Key) (string, error) {
	if key.multi != nil {
		return "", &KeyError{Resolver: r.name, Key: key, Err: ErrKeyType,
			Reason: fmt.Sprintf("list takes one value, not a composite key of %d values", len(key.multi))}
	}
	var buf [48]byte
	if n, ok := fastIntKey(key.one); ok {
		if db, ok := r.values[string(n.appendDecimal(buf[:0]))]; ok {
			return db, nil
		}
		return r.miss(key)
	}
	s, err := keyScalarOf(key.one)
	if err != nil {
		return "", withKeyError(err, r.name, key)
	}
	var (
		db string
		ok bool
	)
	switch {
	case s.kind != keyKindString:
		db, ok = r.values[string(s.appendCanonical(buf[:0]))]
	case s.isBytes:
		db, ok = r.values[string(s.bytes)]
	default:
		db, ok = r.values[s.str]
	}
	if ok {
		return db, nil
	}
	return r.miss(key)
}

// miss is the result for a valid value not in the list.
func (r *listResolver) miss(key Key) (string, error) {
	if r.def != "" {
		return r.def, nil
	}
	return "", &KeyError{Resolver: r.name, Key: key, Err: ErrNoShard, Reason: "value is not in the list and the list has no default"}
}

// Databases returns the listed databases and the default, each once, sorted
// by name.
func (r *listResolver) Databases() []string { return slices.Clone(r.databases) }
