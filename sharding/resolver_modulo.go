package sharding

import "fmt"

// moduloResolver is the "modulo" type: databases[key mod len(databases)] for a
// non-negative integer key, the MOD algorithm of ShardingSphere.
type moduloResolver struct {
	name     string
	dbs      []string
	distinct []string
}

func newModuloResolver(name string, spec Spec) (Resolver, error) {
	p := resolverPath(name)
	if err := spec.onlyFields(p, "databases"); err != nil {
		return nil, err
	}
	if len(spec.Databases) == 0 {
		return nil, resolverConfigErrorf(p+".databases", "required: list at least one database")
	}
	dbs := append([]string(nil), spec.Databases...)
	return &moduloResolver{name: name, dbs: dbs, distinct: dedupeDatabases(dbs)}, nil
}

// Resolve takes one non-negative integer: any Go integer type, an integral
// float, or a string or []byte in canonical decimal form ("42", not "042").
// Customer 5 over four databases is databases[1].
func (r *moduloResolver) Resolve(key Key) (string, error) {
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

// Databases returns the configured databases, each once, in list order.
func (r *moduloResolver) Databases() []string { return append([]string(nil), r.distinct...) }
