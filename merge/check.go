package merge

import (
	"database/sql/driver"
	"fmt"
)

// orderCheck verifies that rows come out in the order's order, comparing
// each with the one before it, whichever shards they came from. A shard
// that sorts by a collation or type order the merge does not reproduce
// shows as a row smaller than the one before it. The previous row is the
// one the merge returned last, still valid (cursor). With local, text in
// a server collation compares in the local order (local_merge.go).
type orderCheck struct {
	order order
	local *localHeads
	prev  []driver.Value
	index int    // the shard of the previous row
	shard string // its name
}

func newOrderCheck(o order) *orderCheck { return &orderCheck{order: o} }

// see checks row, from shard index and name, against the previous row and
// remembers it.
func (c *orderCheck) see(row []driver.Value, index int, shard string) error {
	if c.prev != nil && c.compare(c.prev, row) > 0 {
		return c.outOfOrder(row, shard)
	}
	c.prev, c.index, c.shard = row, index, shard
	return c.rankErr()
}

// rankErr returns the local order's failed ranking of a pair (its
// comparisons meanwhile are not the server's), or nil.
func (c *orderCheck) rankErr() error {
	if c.local != nil {
		return c.local.err
	}
	return nil
}

func (c *orderCheck) compare(a, b []driver.Value) int {
	if c.local != nil {
		return c.local.compare(c.order, a, b)
	}
	return c.order.compare(a, b)
}

// outOfOrder explains a row that sorts before the previous one.
func (c *orderCheck) outOfOrder(row []driver.Value, shard string) error {
	if err := c.rankErr(); err != nil {
		return err
	}
	if c.local != nil {
		return outOfOrderError(c.order, c.prev, row, c.shard, shard, "collation "+c.order.collations(),
			func(i int) bool { return c.local.compareKey(c.order, i, c.prev, row) != 0 })
	}
	return outOfOrderError(c.order, c.prev, row, c.shard, shard,
		"the merge", func(i int) bool { return c.order[i].compare(c.prev, row) != 0 })
}

// outOfOrderError explains row, from shard, sorting before prev, from
// prevShard, in who's order, naming the first key that differs.
func outOfOrderError(o order, prev, row []driver.Value, prevShard, shard, who string, differs func(i int) bool) error {
	col := o[0].col
	for i := range o {
		if differs(i) {
			col = o[i].col
			break
		}
	}
	return fmt.Errorf("%w: shard %s returned %s after shard %s returned %s in column %d, which %s orders the other way "+
		"(the shards sort by a collation or type order the merge does not reproduce); the merged rows would be in the wrong order",
		ErrOutOfOrder, shard, show(row[col]), prevShard, show(prev[col]), col, who)
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
