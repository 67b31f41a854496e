package sharding

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
)

// RangeSpec is one range of a range resolver: keys from From (inclusive) up
// to To (exclusive) live in Database. Only the first range may omit From (open
// below) and only the last may omit To (open above). Bounds are integers,
// strings or times (time.Time, or RFC 3339 text such as 2024-01-02T00:00:00Z,
// or a date alone, 2024-01-02, meaning midnight UTC); all bounds of one
// resolver have one type.
type RangeSpec struct {
	From     any    `yaml:"from,omitempty" json:"from,omitempty"`
	To       any    `yaml:"to,omitempty" json:"to,omitempty"`
	Database string `yaml:"database" json:"database"`
}

// rangeResolver is the "range" type.
type rangeResolver struct {
	name     string
	index    rangeIndex
	ints     *rangeTable[intKey] // index, when the key type is integer
	distinct []string
}

// Resolve returns the database of the range holding the single key value.
// A value outside every range is an ErrNoShard error.
func (r *rangeResolver) Resolve(_ context.Context, key Key) (string, error) {
	if key.multi != nil {
		return "", &KeyError{Resolver: r.name, Key: key, Err: ErrKeyType,
			Reason: fmt.Sprintf("range takes one value, not a composite key of %d values", len(key.multi))}
	}
	if n, ok := fastIntKey(key.one); ok && r.ints != nil {
		if i, _ := r.ints.locate(n); i >= 0 {
			return r.ints.dbs[i], nil
		}
	}
	s, err := keyScalarOf(key.one)
	if err != nil {
		return "", withKeyError(err, r.name, key)
	}
	i, err := r.index.resolve(s)
	if err != nil {
		return "", withKeyError(err, r.name, key)
	}
	return r.index.databases()[i], nil
}

// ResolveRange implements RangeResolver.
func (r *rangeResolver) ResolveRange(_ context.Context, lo, hi Bound) ([]string, error) {
	first, last, ok, err := r.index.resolveRange(lo, hi)
	if err != nil {
		if ke, isKE := err.(*KeyError); isKE {
			ke.Resolver = r.name
		}
		return nil, err
	}
	if !ok {
		return []string{}, nil
	}
	return dedupeDatabases(r.index.databases()[first : last+1]), nil
}

// Databases returns the databases of the ranges, each once, in range order.
func (r *rangeResolver) Databases() []string { return append([]string(nil), r.distinct...) }

func newRangeResolver(name string, spec Spec) (Resolver, error) {
	p := resolverPath(name)
	if err := spec.onlyFields(p, "ranges", "key_type"); err != nil {
		return nil, err
	}
	if len(spec.Ranges) == 0 {
		return nil, resolverConfigErrorf(p+".ranges", "required: list at least one range")
	}
	typ, err := rangeKeyType(p, spec)
	if err != nil {
		return nil, err
	}
	var (
		index rangeIndex
		ints  *rangeTable[intKey]
	)
	switch typ {
	case rangeInteger:
		ints, err = buildRangeTable(p, spec.Ranges, &intRangeOps)
		index = ints
	case rangeString:
		index, err = buildRangeTable(p, spec.Ranges, &stringRangeOps)
	case rangeTime:
		index, err = buildRangeTable(p, spec.Ranges, &timeRangeOps)
	}
	if err != nil {
		return nil, err
	}
	return &rangeResolver{name: name, index: index, ints: ints, distinct: dedupeDatabases(index.databases())}, nil
}

// rangeKeyType returns Spec.KeyType, or infers the type from the bounds when
// it is empty. Bounds of different types are an error.
func rangeKeyType(p string, spec Spec) (string, error) {
	switch spec.KeyType {
	case rangeInteger, rangeString, rangeTime:
		return spec.KeyType, nil
	case "":
	default:
		return "", resolverConfigErrorf(p+".key_type", "unknown key type %q: want integer, string or time", spec.KeyType)
	}
	typ, from := "", ""
	for i, rs := range spec.Ranges {
		for _, b := range []struct {
			field string
			v     any
		}{{"from", rs.From}, {"to", rs.To}} {
			if b.v == nil {
				continue
			}
			at := fmt.Sprintf("ranges[%d].%s", i, b.field)
			s, err := keyScalarOf(rangeConfigValue(b.v))
			if err != nil {
				return "", resolverConfigErrorf(p+"."+at, "%s", err.(*KeyError).Reason)
			}
			bt := rangeBoundType(&s)
			switch {
			case typ == "":
				typ, from = bt, at
			case bt != typ:
				return "", resolverConfigErrorf(p+"."+at, "%s has key type %s, but %s has key type %s: all bounds of a range resolver have one type (or set key_type)",
					formatKeyValue(b.v), bt, from, typ)
			}
		}
	}
	if typ == "" {
		return "", resolverConfigErrorf(p+".ranges", "no range has a bound: a range resolver needs at least one from or to")
	}
	return typ, nil
}

// rangeConfigValue turns a json.Number into an integer or float, so JSON decoded
// with UseNumber reads like YAML.
func rangeConfigValue(v any) any {
	n, ok := v.(json.Number)
	if !ok {
		return v
	}
	if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
		return i
	}
	if u, err := strconv.ParseUint(string(n), 10, 64); err == nil {
		return u
	}
	if f, err := strconv.ParseFloat(string(n), 64); err == nil {
		return f
	}
	return v
}
