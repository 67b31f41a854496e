package merge

import (
	"context"
	"database/sql/driver"
	"io"
	"slices"
)

// rankedMerge merges shard streams sorted by an order whose text keys are
// in a server's collation, which the merge cannot compare itself (rank.go).
// It works in rounds: it reads a window of rows from every shard (copies,
// held across rounds), orders their text (locally when every text of the
// round is simple enough for the order the server agreed to, else by one
// Ranker call per collation), merges the windows, and returns the rows that
// no row still to come can precede: those not after the last row read from
// any shard that has more rows. The rest wait for the next round, where
// they are ordered again with the new rows.
//
// Each round also checks that every shard's rows, and the rows returned
// across rounds, are in that order: the last row returned takes part in
// the next round.
type rankedMerge struct {
	ctx     context.Context
	cursors []cursor
	order   order
	ranker  Ranker
	width   int
	window  int // rows per shard in the next round
	max     int // the largest window
	bufs    [][]*wrow
	heads   []int // per shard, the next row of bufs to merge
	done    []bool
	out     []*wrow
	pos     int
	prev    *wrow   // the last row returned
	free    []*wrow // rows to reuse
	local   bool    // this round orders text locally
	los     []localOrder
	bytes   arena // copies of []byte values (never reset: rows outlive rounds)
}

// wrow is a row held by the ranked merge.
type wrow struct {
	vals  []driver.Value
	shard int
	// Per order key, for this round: the rank of its text or -1; whether
	// the text is outside the local order; and then the nearest rows of its
	// shard around it whose text is not (its bounds, rank.go).
	ranks  []int
	unsafe []bool
	bounds [][2]*wrow
}

// reset clears the round's facts of a row of n keys.
func (w *wrow) reset(n int) {
	if len(w.ranks) != n {
		w.ranks, w.unsafe, w.bounds = make([]int, n), make([]bool, n), make([][2]*wrow, n)
	}
	for i := range n {
		w.ranks[i], w.unsafe[i], w.bounds[i] = -1, false, [2]*wrow{}
	}
}

func newRankedMerge(ctx context.Context, cursors []cursor, o order, r Ranker, width, rowsInFlight int) *rankedMerge {
	return &rankedMerge{ctx: ctx, cursors: cursors, order: o, ranker: r, width: width,
		window: 16, max: max(16, 4*rowsInFlight), bufs: make([][]*wrow, len(cursors)),
		heads: make([]int, len(cursors)), done: make([]bool, len(cursors)), los: make([]localOrder, len(o))}
}

func (m *rankedMerge) next() ([]driver.Value, error) {
	for m.pos == len(m.out) {
		if err := m.round(); err != nil {
			return nil, err
		}
	}
	if m.prev != nil {
		m.free = append(m.free, m.prev)
	}
	m.prev = m.out[m.pos]
	m.pos++
	return m.prev.vals, nil
}

// round reads, orders and merges one window; io.EOF when no row is left.
func (m *rankedMerge) round() error {
	if err := m.fill(); err != nil {
		return err
	}
	var rows []*wrow
	for _, b := range m.bufs {
		rows = append(rows, b...)
	}
	if len(rows) == 0 {
		return io.EOF
	}
	if m.prev != nil {
		rows = append(rows, m.prev)
	}
	if err := m.rank(rows); err != nil {
		return err
	}
	for _, b := range m.bufs {
		for i := 1; i < len(b); i++ {
			if m.compare(b[i-1], b[i]) > 0 {
				return m.outOfOrder(b[i-1], b[i])
			}
		}
	}
	// The rows that can go: not after the smallest last row of a shard
	// that has more.
	var limit *wrow
	for i, b := range m.bufs {
		if !m.done[i] && len(b) > 0 && (limit == nil || m.compare(b[len(b)-1], limit) < 0) {
			limit = b[len(b)-1]
		}
	}
	m.out, m.pos = m.out[:0], 0
	clear(m.heads)
	for {
		best := -1
		for i, b := range m.bufs {
			if h := m.heads[i]; h < len(b) && (best < 0 || m.compare(b[h], m.bufs[best][m.heads[best]]) < 0) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		r := m.bufs[best][m.heads[best]]
		if limit != nil && m.compare(r, limit) > 0 {
			break
		}
		m.out = append(m.out, r)
		m.heads[best]++
	}
	for i := range m.bufs {
		m.bufs[i] = slices.Delete(m.bufs[i], 0, m.heads[i])
	}
	if m.prev != nil && len(m.out) > 0 && m.compare(m.prev, m.out[0]) > 0 {
		return m.outOfOrder(m.prev, m.out[0])
	}
	m.window = min(2*m.window, m.max)
	return nil
}

// rank orders the text of the round. Text the local order covers compares
// locally; when some does not, and the first key is the only one in a
// server collation, only the text around it is ranked by the server
// (rankAround); otherwise all of it is.
func (m *rankedMerge) rank(rows []*wrow) error {
	m.local = true
	full := false
	for _, r := range rows {
		r.reset(len(m.order))
	}
	for i := range m.order {
		k := &m.order[i]
		if k.rule.text != textServer {
			continue
		}
		m.los[i] = localOrderOf(m.ctx, m.ranker, k.rule.server)
		full = full || !m.los[i].ok || i > 0
		for _, r := range rows {
			if s, ok := textOf(r.vals[k.col], k.rule.trim); ok && !m.los[i].covers1(s) {
				r.unsafe[i], m.local = true, false
			}
		}
	}
	switch {
	case m.local:
		return nil
	case !full:
		return m.rankAround(rows)
	}
	for i := range m.los {
		m.los[i].ok = false // ranks only
	}
	vals := make([][]driver.Value, len(rows))
	for i, r := range rows {
		vals[i] = r.vals
	}
	ranks, err := rankKeys(m.ctx, m.ranker, m.order, vals)
	if err != nil {
		return err
	}
	for i, r := range rows {
		copy(r.ranks, ranks[i])
	}
	return nil
}
