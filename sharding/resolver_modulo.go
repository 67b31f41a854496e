package sharding

import (
	"context"
	"fmt"
)

// slots is what the modulo and hash types share: a list of databases (a
// database may fill several slots) that a number indexes.
type slots struct {
	name     string
	dbs      []string
	distinct []string
}

// newSlots reads a spec that has only databases.
func newSlots(name string, spec Spec) (slots, error) {
	p := resolverPath(name)
	if err := spec.onlyFields(p, "databases"); err != nil {
		return slots{}, err
	}
	if len(spec.Databases) == 0 {
		return slots{}, resolverConfigErrorf(p+".databases", "required: list at least one database")
	}
	dbs := append([]string(nil), spec.Databases...)
	return slots{name: name, dbs: dbs, distinct: dedupeDatabases(dbs)}, nil
}

// Databases returns each database once, in list order.
func (s *slots) Databases() []string { return append([]string(nil), s.distinct...) }

// moduloResolver is the "modulo" type: databases[key mod len(databases)] for a
// non-negative integer key, the MOD algorithm of ShardingSphere.
type moduloResolver struct{ slots }

func newModuloResolver(name string, spec Spec) (Resolver, error) {
	s, err := newSlots(name, spec)
	if err != nil {
		return nil, err
	}
	return &moduloResolver{s}, nil
}

// Resolve takes one non-negative integer: any Go integer type, an integral
// float, or a string or []byte in canonical decimal form ("42", not "042").
// Customer 5 over four databases is databases[1].
func (r *moduloResolver) Resolve(_ context.Context, key Key) (string, error) {
	if key.multi != nil {
		return "", &KeyError{Resolver: r.name, Key: key, Err: ErrKeyType,
			Reason: fmt.Sprintf("modulo takes one integer value, not a composite key of %d values", len(key.multi))}
	}
	if n, ok := fastIntKey(key.one); ok && !n.neg {
		return r.dbs[n.mag%uint64(len(r.dbs))], nil
	}
	s, err := keyScalarOf(key.one)
	if err != nil {
		return "", withKeyError(err, r.name, key)
	}
	n, ok := s.asInt()
	if !ok {
		return "", &KeyError{Resolver: r.name, Key: key, Err: ErrKeyType, Reason: r.notInteger(key.one, &s)}
	}
	if n.neg {
		return "", &KeyError{Resolver: r.name, Key: key, Err: ErrKeyType,
			Reason: "modulo needs a non-negative integer; use the hash type for signed keys"}
	}
	return r.dbs[n.mag%uint64(len(r.dbs))], nil
}

func (r *moduloResolver) notInteger(v any, s *keyScalar) string {
	if s.kind == keyKindString {
		return fmt.Sprintf("modulo needs an integer; a %T is accepted only in canonical decimal form", v)
	}
	return fmt.Sprintf("modulo needs an integer, not a %T", v)
}
