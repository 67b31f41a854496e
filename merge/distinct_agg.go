package merge

import "database/sql/driver"

// distinctFresh reports whether the argument of distinct aggregate i is
// new in its group for row. Aggregates over the same argument column share
// one set of values, held by the first of them, and one answer per row.
func (a *aggregator) distinctFresh(st []aggState, i int, row []driver.Value) (bool, error) {
	if a.owner == nil {
		a.owner, a.fresh = make([]int, len(a.aggs)), make([]bool, len(a.aggs))
		for j, g := range a.aggs {
			a.owner[j] = j
			for k := range j {
				if a.aggs[k].Distinct && a.aggs[k].ArgColumn == g.ArgColumn {
					a.owner[j] = k
					break
				}
			}
		}
	}
	o := a.owner[i]
	if o != i {
		return a.fresh[o], nil
	}
	f, err := a.firstSeen(&st[i], row, a.aggs[i].ArgColumn)
	a.fresh[i] = f
	return f, err
}

// firstSeen reports whether the value of column col in row is new among
// the values a distinct aggregate's state has added, and records it.
// NULL is never new: DISTINCT aggregates leave NULLs out. Past the
// aggregator's limit of values held at once it fails with an error
// matching ErrMemoryLimit.
func (a *aggregator) firstSeen(s *aggState, row []driver.Value, col int) (bool, error) {
	if row[col] == nil {
		return false, nil
	}
	r := &a.rules[col]
	if r.weighted && r.isText(row[col]) && row[r.weight] != nil {
		a.key = appendWeightKey(a.key[:0], row[r.weight], r.pad)
	} else {
		a.key = appendKey(a.key[:0], row[col], *r)
	}
	if _, ok := s.seen[string(a.key)]; ok {
		return false, nil
	}
	if a.held >= a.limit {
		return false, &memoryLimitError{what: "COUNT, SUM or AVG(DISTINCT ...) across shards (distinct values of every group held)", limit: a.limit}
	}
	if s.seen == nil {
		s.seen = map[string]struct{}{}
	}
	s.seen[string(a.key)] = struct{}{}
	a.held++
	return true, nil
}

// forget drops the distinct values of a finished group's state.
func (a *aggregator) forget(s *aggState) {
	a.held -= len(s.seen)
	clear(s.seen)
}
