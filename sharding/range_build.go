package sharding

import "fmt"

// rangeSpecBound is one configured bound converted to T.
type rangeSpecBound[T any] struct {
	v   T
	set bool
}

// buildRangeTable converts and checks the ranges: each non-empty, in ascending
// order, each starting where the previous ends (no gap, no overlap), only the
// first open below and only the last open above.
func buildRangeTable[T any](p string, specs []RangeSpec, ops *rangeOps[T]) (*rangeTable[T], error) {
	from := make([]rangeSpecBound[T], len(specs))
	to := make([]rangeSpecBound[T], len(specs))
	t := &rangeTable[T]{ops: ops, dbs: make([]string, len(specs))}
	last := len(specs) - 1
	for i, rs := range specs {
		at := fmt.Sprintf("%s.ranges[%d]", p, i)
		var err error
		if from[i], err = convertRangeSpecBound(at+".from", rs.From, ops); err != nil {
			return nil, err
		}
		if to[i], err = convertRangeSpecBound(at+".to", rs.To, ops); err != nil {
			return nil, err
		}
		if rs.Database == "" {
			return nil, resolverConfigErrorf(at+".database", "required")
		}
		t.dbs[i] = rs.Database
		if i > 0 && !from[i].set {
			return nil, resolverConfigErrorf(at+".from", "missing: only ranges[0] may be open below (this range would overlap ranges[%d])", i-1)
		}
		if i < last && !to[i].set {
			return nil, resolverConfigErrorf(at+".to", "missing: only the last range, ranges[%d], may be open above", last)
		}
		if from[i].set && to[i].set && ops.compare(from[i].v, to[i].v) >= 0 {
			return nil, resolverConfigErrorf(at, "empty range %s: from must be below to (to is exclusive)", formatRangeInterval(from[i], to[i], ops))
		}
		if i == 0 {
			continue
		}
		prev := fmt.Sprintf("ranges[%d]", i-1)
		switch c := ops.compare(from[i].v, to[i-1].v); {
		case c > 0:
			return nil, resolverConfigErrorf(at, "gap after %s %s: this range %s starts later, so keys in [%s, %s) have no database",
				prev, formatRangeInterval(from[i-1], to[i-1], ops), formatRangeInterval(from[i], to[i], ops),
				ops.format(to[i-1].v), ops.format(from[i].v))
		case c < 0 && to[i].set && from[i-1].set && ops.compare(to[i].v, from[i-1].v) <= 0:
			return nil, resolverConfigErrorf(at, "out of order: %s comes before %s %s; list ranges in ascending order",
				formatRangeInterval(from[i], to[i], ops), prev, formatRangeInterval(from[i-1], to[i-1], ops))
		case c < 0:
			return nil, resolverConfigErrorf(at, "overlaps %s: %s and %s", prev,
				formatRangeInterval(from[i], to[i], ops), formatRangeInterval(from[i-1], to[i-1], ops))
		}
	}
	t.lo, t.hasLo = from[0].v, from[0].set
	t.hi, t.hasHi = to[last].v, to[last].set
	for i := 0; i < last; i++ {
		t.cuts = append(t.cuts, to[i].v)
	}
	return t, nil
}

func convertRangeSpecBound[T any](path string, v any, ops *rangeOps[T]) (rangeSpecBound[T], error) {
	if v == nil {
		return rangeSpecBound[T]{}, nil
	}
	s, err := keyScalarOf(rangeConfigValue(v))
	if err != nil {
		return rangeSpecBound[T]{}, resolverConfigErrorf(path, "%s", err.(*KeyError).Reason)
	}
	b, why := ops.fromKey(s)
	if why != "" {
		return rangeSpecBound[T]{}, resolverConfigErrorf(path, "%s: %s", formatKeyValue(v), why)
	}
	return rangeSpecBound[T]{v: b, set: true}, nil
}

// formatRangeInterval formats a range as [from, to), with -inf and +inf for open ends.
func formatRangeInterval[T any](from, to rangeSpecBound[T], ops *rangeOps[T]) string {
	lo, hi := "(-inf", "+inf)"
	if from.set {
		lo = "[" + ops.format(from.v)
	}
	if to.set {
		hi = ops.format(to.v) + ")"
	}
	return lo + ", " + hi
}
