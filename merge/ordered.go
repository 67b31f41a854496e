package merge

import (
	"cmp"
	"database/sql/driver"
	"fmt"
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
		if k.Collation != CollationDefault {
			r.fold = k.Collation == CollationNoCase
		}
		o[i] = orderKey{col: k.Column, desc: k.Desc, nulls: nulls, rule: r}
	}
	return o
}

func (o order) compare(a, b []driver.Value) int {
	for i := range o {
		k := &o[i]
		x, y := a[k.col], b[k.col]
		var c int
		if xi, ok := x.(int64); ok { // the common key, without a call
			if yi, ok := y.(int64); ok {
				c = cmp.Compare(xi, yi)
				goto decided
			}
		}
		switch {
		case x == nil && y == nil:
			continue
		case x == nil:
			return k.nulls
		case y == nil:
			return -k.nulls
		default:
			c = compareValues(x, y, k.rule)
		}
	decided:
		if c != 0 {
			if k.desc {
				return -c
			}
			return c
		}
	}
	return 0
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
	// check verifies that each shard's rows arrive in this comparison's
	// order, which the merge and a streamed GROUP BY or DISTINCT rely on.
	check bool
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

func (m *orderedMerge) setHead(i int, row []driver.Value) {
	m.heads[i] = row
	m.ints[i], m.isInt[i] = row[m.order[0].col].(int64)
}

func (m *orderedMerge) next() ([]driver.Value, error) {
	switch {
	case !m.started:
		m.started = true
		for i := range m.cursors {
			row, err := m.cursors[i].next()
			if err == io.EOF {
				continue
			}
			if err != nil {
				return nil, err
			}
			m.setHead(i, row)
			m.heap = append(m.heap, i)
		}
		for i := len(m.heap)/2 - 1; i >= 0; i-- {
			m.down(i)
		}
	case m.pending:
		top := m.heap[0]
		row, err := m.cursors[top].next()
		switch {
		case err == io.EOF:
			last := len(m.heap) - 1
			m.heap[0] = m.heap[last]
			m.heap = m.heap[:last]
		case err != nil:
			return nil, err
		default:
			if m.check && m.cursors[top].i > 1 && m.order.compare(m.heads[top], row) > 0 {
				return nil, m.outOfOrder(top, row)
			}
			m.setHead(top, row)
		}
		m.down(0)
	}
	if len(m.heap) == 0 {
		m.pending = false
		return nil, io.EOF
	}
	m.pending = true
	return m.heads[m.heap[0]], nil
}

// outOfOrder explains a shard row that sorts before the shard's previous
// row (still valid: both are in the cursor's current batch).
func (m *orderedMerge) outOfOrder(i int, row []driver.Value) error {
	prev := m.heads[i]
	col := m.order[0].col
	for _, k := range m.order {
		if x, y := prev[k.col], row[k.col]; x != nil && y != nil && compareValues(x, y, k.rule) != 0 || (x == nil) != (y == nil) {
			col = k.col
			break
		}
	}
	return fmt.Errorf("merge: shard %s returned %s after %s in column %d, out of order as the merge compares them "+
		"(a collation or type order it does not reproduce), so the merged rows would be in the wrong order: "+
		"declare the column's collation (sharding.collation or sharding.collations: binary or nocase)",
		m.cursors[i].sh.name, show(row[col]), show(prev[col]), col)
}

func show(v driver.Value) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case []byte:
		return fmt.Sprintf("%q", x)
	case string:
		return fmt.Sprintf("%q", x)
	}
	return fmt.Sprint(v)
}

// less orders cursors by their current rows, ties by shard index, so equal
// rows come out in a deterministic order.
func (m *orderedMerge) less(i, j int) bool {
	a, b := m.heap[i], m.heap[j]
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
