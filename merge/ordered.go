package merge

import (
	"cmp"
	"database/sql/driver"
	"io"

	"github.com/grantsql/grant/dialect"
)

// orderKey is a SortKey resolved against the column rules.
type orderKey struct {
	col   int
	desc  bool
	nulls int // -1: NULL sorts before any value in the output; +1: after
	rule  rule
}

// order compares rows by ORDER BY keys.
type order []orderKey

func newOrder(s *Spec, rules []rule) order {
	o := make(order, len(s.OrderBy))
	for i, k := range s.OrderBy {
		// NULL is the largest value in PostgreSQL and the smallest in MySQL
		// and SQLite; DESC reverses it, NULLS FIRST/LAST overrides it.
		nullsLarge := s.Dialect == dialect.Postgres
		nulls := -1
		if nullsLarge != k.Desc {
			nulls = 1
		}
		switch k.Nulls {
		case NullsFirst:
			nulls = -1
		case NullsLast:
			nulls = 1
		}
		r := rules[k.Column]
		if k.Collation != CollationDefault && !r.weighted && !r.computed {
			r.setCollation(k.Collation, s.Dialect, r.typ)
		}
		o[i] = orderKey{col: k.Column, desc: k.Desc, nulls: nulls, rule: r}
	}
	return o
}

func (o order) compare(a, b []driver.Value) int {
	for i := range o {
		k := &o[i]
		if xi, ok := a[k.col].(int64); ok { // the common key, without a call
			if yi, ok := b[k.col].(int64); ok {
				if c := cmp.Compare(xi, yi); c != 0 {
					if k.desc {
						return -c
					}
					return c
				}
				continue
			}
		}
		if c := k.compare(a, b); c != 0 {
			return c
		}
	}
	return 0
}

// compare compares rows a and b by this key alone, in output order.
func (k *orderKey) compare(a, b []driver.Value) int {
	x, y := a[k.col], b[k.col]
	switch {
	case x == nil && y == nil:
		return 0
	case x == nil:
		return k.nulls
	case y == nil:
		return -k.nulls
	}
	c := compareCells(a, b, k.col, &k.rule)
	if k.desc {
		return -c
	}
	return c
}

// ranked reports whether a key orders text by a server's collation.
func (o order) ranked() bool {
	for i := range o {
		if o[i].rule.text == textServer {
			return true
		}
	}
	return false
}

// columns returns the columns the order reads: keys and their weights.
func (o order) columns() []int {
	var cols []int
	for _, k := range o {
		for _, c := range []int{k.col, k.rule.weight} {
			if !containsInt(cols, c) {
				cols = append(cols, c)
			}
		}
	}
	return cols
}

func containsInt(list []int, x int) bool {
	for _, v := range list {
		if v == x {
			return true
		}
	}
	return false
}

// orderedMerge is the k-way merge of shard streams that each arrive sorted
// by the same order: a binary heap holds each shard's current row, the
// smallest on top. After a row is returned, its shard is advanced only on
// the next call, so the row stays valid until then, and a LIMIT that is
// satisfied reads nothing more.
//
// The first key of each head, when it is an int64 (ids, the usual case), is
// kept unboxed beside it, so most comparisons are two array loads.
type orderedMerge struct {
	cursors []cursor
	heads   [][]driver.Value // current row of each cursor
	ints    []int64          // heads[i][order[0].col] when isInt[i]
	isInt   []bool
	heap    []int // cursor indexes
	order   order
	started bool
	pending bool // heap[0] was returned and must advance
	// check verifies that the merged rows come out in the merge's order,
	// which the merge and a streamed GROUP BY or DISTINCT rely on.
	check *orderCheck
	// local, for an order with text keys in a server collation, compares
	// that text in the local order (here and in check), until it hands
	// over to a ranked merge (local_merge.go).
	local *localHeads
}

func newOrderedMerge(cursors []cursor, o order) *orderedMerge {
	return &orderedMerge{
		cursors: cursors,
		heads:   make([][]driver.Value, len(cursors)),
		ints:    make([]int64, len(cursors)),
		isInt:   make([]bool, len(cursors)),
		heap:    make([]int, 0, len(cursors)),
		order:   o,
	}
}

// setHead makes row the head of shard i; false (local mode only) when its
// text is not covered by the local order, and the head stays.
func (m *orderedMerge) setHead(i int, row []driver.Value) bool {
	if m.local != nil && !m.local.covers(m.order, row) {
		return false
	}
	m.heads[i] = row
	m.ints[i], m.isInt[i] = row[m.order[0].col].(int64)
	return true
}

func (m *orderedMerge) next() ([]driver.Value, error) {
	if m.local != nil && m.local.ranked != nil {
		if !m.local.ranked.clean() {
			return m.local.ranked.next()
		}
		m.handBack()
	}
	switch {
	case !m.started:
		m.started = true
		if m.local != nil && !m.local.start(m.order) {
			return m.handOff(m.check.prev, m.check.index, -1, nil)
		}
		for i := range m.cursors {
			row, err := m.cursors[i].next()
			if err == io.EOF {
				continue
			}
			if err != nil {
				return nil, err
			}
			if !m.setHead(i, row) {
				return m.handOff(m.check.prev, m.check.index, i, row)
			}
			m.heap = append(m.heap, i)
		}
		for i := len(m.heap)/2 - 1; i >= 0; i-- {
			m.down(i)
		}
	case m.pending:
		top := m.heap[0]
		prev := m.heads[top]
		row, err := m.cursors[top].next()
		switch {
		case err == io.EOF:
			last := len(m.heap) - 1
			m.heap[0] = m.heap[last]
			m.heap = m.heap[:last]
		case err != nil:
			return nil, err
		default:
			if !m.setHead(top, row) {
				return m.handOff(prev, top, top, row)
			}
		}
		m.down(0)
	}
	if len(m.heap) == 0 {
		m.pending = false
		return nil, io.EOF
	}
	m.pending = true
	top := m.heap[0]
	if m.check != nil {
		if err := m.check.see(m.heads[top], top, m.cursors[top].sh.name); err != nil {
			return nil, err
		}
	}
	return m.heads[top], nil
}

// less orders cursors by their current rows, ties by shard index, so equal
// rows come out in a deterministic order.
func (m *orderedMerge) less(i, j int) bool {
	a, b := m.heap[i], m.heap[j]
	if m.local != nil {
		if c := m.local.compare(m.order, m.heads[a], m.heads[b]); c != 0 {
			return c < 0
		}
		return a < b
	}
	if m.isInt[a] && m.isInt[b] {
		if x, y := m.ints[a], m.ints[b]; x != y {
			return (x < y) != m.order[0].desc
		}
		if c := m.order[1:].compare(m.heads[a], m.heads[b]); c != 0 {
			return c < 0
		}
		return a < b
	}
	if c := m.order.compare(m.heads[a], m.heads[b]); c != 0 {
		return c < 0
	}
	return a < b
}

func (m *orderedMerge) down(i int) {
	n := len(m.heap)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		j := l
		if r := l + 1; r < n && m.less(r, l) {
			j = r
		}
		if !m.less(j, i) {
			return
		}
		m.heap[i], m.heap[j] = m.heap[j], m.heap[i]
		i = j
	}
}
