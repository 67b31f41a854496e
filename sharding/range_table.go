package sharding

// rangeOps are the operations a range table needs on its bound type T.
type rangeOps[T any] struct {
	compare func(a, b T) int              // total order
	next    func(v T) (T, bool)           // the least value above v; false if none
	fromKey func(s keyScalar) (T, string) // a key value as T, or why not
	format  func(v T) string              // for messages
}

// rangeTable holds contiguous ranges [start_i, end_i) in ascending order.
// Range 0 starts at lo (or is open below), range i > 0 starts at cuts[i-1],
// range i ends at cuts[i], and the last range ends at hi (or is open above).
type rangeTable[T any] struct {
	ops          *rangeOps[T]
	lo, hi       T
	hasLo, hasHi bool
	cuts         []T
	dbs          []string
}

// countBelow returns how many cuts are below v (strict) or, with orEqual, at
// or below v.
func (t *rangeTable[T]) countBelow(v T, orEqual bool) int {
	i, j := 0, len(t.cuts)
	for i < j {
		h := int(uint(i+j) >> 1)
		c := t.ops.compare(t.cuts[h], v)
		if c < 0 || (orEqual && c == 0) {
			i = h + 1
		} else {
			j = h
		}
	}
	return i
}

// locate returns the index of the range holding v, or -1 and why not.
func (t *rangeTable[T]) locate(v T) (int, string) {
	if t.hasLo && t.ops.compare(v, t.lo) < 0 {
		return -1, "below the first range, which starts at " + t.ops.format(t.lo)
	}
	if t.hasHi && t.ops.compare(v, t.hi) >= 0 {
		return -1, "at or above the end of the last range, " + t.ops.format(t.hi) + " (exclusive)"
	}
	return t.countBelow(v, true), ""
}

// span returns the indexes first..last of the ranges intersecting [lo, hi),
// where a missing bound is open; ok is false when none does.
func (t *rangeTable[T]) span(lo T, hasLo bool, hi T, hasHi bool) (first, last int, ok bool) {
	if hasLo && hasHi && t.ops.compare(lo, hi) >= 0 {
		return 0, 0, false
	}
	first, last = 0, len(t.dbs)-1
	if hasLo {
		if t.hasHi && t.ops.compare(lo, t.hi) >= 0 {
			return 0, 0, false
		}
		first = t.countBelow(lo, true)
	}
	if hasHi {
		if t.hasLo && t.ops.compare(hi, t.lo) <= 0 {
			return 0, 0, false
		}
		last = t.countBelow(hi, false)
	}
	return first, last, first <= last
}

// rangeIndex is a rangeTable of any bound type.
type rangeIndex interface {
	resolve(s keyScalar) (int, error)
	resolveRange(lo, hi Bound) (first, last int, ok bool, err error)
	databases() []string
}

func (t *rangeTable[T]) databases() []string { return t.dbs }

func (t *rangeTable[T]) resolve(s keyScalar) (int, error) {
	v, why := t.ops.fromKey(s)
	if why != "" {
		return -1, &KeyError{Err: ErrKeyType, Reason: why}
	}
	i, why := t.locate(v)
	if i < 0 {
		return -1, &KeyError{Err: ErrNoShard, Reason: "outside every range: " + why}
	}
	return i, nil
}

func (t *rangeTable[T]) resolveRange(lo, hi Bound) (first, last int, ok bool, err error) {
	var l, h T
	if lo.set {
		if l, err = t.boundValue(lo); err != nil {
			return 0, 0, false, err
		}
		if !lo.inclusive {
			if l, ok = t.ops.next(l); !ok {
				return 0, 0, false, nil // above the greatest value: empty
			}
		}
	}
	hasHi := hi.set
	if hasHi {
		if h, err = t.boundValue(hi); err != nil {
			return 0, 0, false, err
		}
		if hi.inclusive {
			h, hasHi = t.ops.next(h) // no value above h: open
		}
	}
	first, last, ok = t.span(l, lo.set, h, hasHi)
	return first, last, ok, nil
}

func (t *rangeTable[T]) boundValue(b Bound) (T, error) {
	var zero T
	s, err := keyScalarOf(b.value)
	if err != nil {
		return zero, withKeyError(err, "", KeyOf(b.value))
	}
	v, why := t.ops.fromKey(s)
	if why != "" {
		return zero, &KeyError{Key: KeyOf(b.value), Err: ErrKeyType, Reason: why}
	}
	return v, nil
}
