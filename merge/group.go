package merge

import (
	"database/sql/driver"
	"io"
)

// keyEqual reports whether rows a and b agree on cols (NULL equals NULL).
func keyEqual(a, b []driver.Value, cols []int, rules []rule) bool {
	for _, c := range cols {
		x, y := a[c], b[c]
		if x == nil || y == nil {
			if x != nil || y != nil {
				return false
			}
			continue
		}
		if compareCells(a, b, c, &rules[c]) != 0 {
			return false
		}
	}
	return true
}

// scalarAggregate combines the one row each shard returns for an aggregate
// without GROUP BY into exactly one row, even when every shard counted
// nothing. Columns that are not aggregated take the first row's values.
type scalarAggregate struct {
	in    stage
	agg   *aggregator
	st    []aggState
	out   []driver.Value
	bytes arena
	done  bool
}

func (s *scalarAggregate) next() ([]driver.Value, error) {
	if s.done {
		return nil, io.EOF
	}
	s.done = true
	first := true
	for {
		row, err := s.in.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if first {
			s.bytes.cloneRow(s.out, row)
			first = false
		}
		if err := s.agg.add(s.st, row, &s.bytes); err != nil {
			return nil, err
		}
	}
	if err := s.agg.resolve(s.st); err != nil {
		return nil, err
	}
	s.agg.finish(s.st, s.out)
	if keep, err := s.agg.post(s.out); err != nil || !keep {
		if err == nil {
			err = io.EOF
		}
		return nil, err
	}
	return s.out, nil
}

// streamGroup folds adjacent rows with equal group keys; its input is the
// ordered merge of shard streams sorted with the group key leading, so each
// group's rows arrive together and only one group is in memory.
type streamGroup struct {
	in      stage
	keys    []int
	rules   []rule
	agg     *aggregator
	st      []aggState
	out     []driver.Value
	bytes   arena          // copies of out's and st's []byte values, reset per group
	pending []driver.Value // first row of the next group, valid until in.next
	done    bool
}

func (g *streamGroup) next() ([]driver.Value, error) {
	for {
		row, err := g.fold()
		if err != nil {
			return nil, err
		}
		if keep, err := g.agg.post(row); err != nil || keep {
			return row, err
		}
	}
}

// fold returns the next merged group, before HAVING.
func (g *streamGroup) fold() ([]driver.Value, error) {
	if g.done {
		return nil, io.EOF
	}
	if g.pending == nil {
		row, err := g.in.next()
		if err != nil {
			g.done = err == io.EOF
			return nil, err
		}
		g.pending = row
	}
	g.bytes.reset()
	g.bytes.cloneRow(g.out, g.pending)
	g.agg.reset(g.st)
	if err := g.agg.add(g.st, g.pending, &g.bytes); err != nil {
		return nil, err
	}
	g.pending = nil
	for {
		row, err := g.in.next()
		if err == io.EOF {
			g.done = true
			break
		}
		if err != nil {
			return nil, err
		}
		if !keyEqual(g.out, row, g.keys, g.rules) {
			g.pending = row
			break
		}
		if err := g.agg.add(g.st, row, &g.bytes); err != nil {
			return nil, err
		}
	}
	if err := g.agg.resolve(g.st); err != nil {
		return nil, err
	}
	g.agg.finish(g.st, g.out)
	return g.out, nil
}
