package merge

import (
	"context"
	"database/sql/driver"
	"io"
	"slices"
	"sort"
)

// rankedMerge merges shard streams sorted by an order whose text keys are
// in a server's collation, which the merge cannot compare itself (rank.go),
// from the first text the local order does not cover (local_merge.go).
// It works in rounds: it reads a window of rows from every shard (copies,
// held across rounds), orders their text (by byte keys computed once per
// row when every text of the round is simple enough for the order the
// server agreed to, else by one Ranker call per collation, during which
// it reads the next window ahead), merges the windows, and returns the
// rows that no row still to come can precede: those not after the last
// row read from any shard that has more rows. The rest wait for the next
// round, where they are ordered again with the new rows.
//
// Each round also checks that every shard's rows, and the rows returned
// across rounds, are in that order: the last row returned takes part in
// the next round, and a row held over was checked against the one before
// it when it arrived.
type rankedMerge struct {
	ctx     context.Context
	cursors []cursor
	order   order
	ranker  Ranker
	width   int
	window  int // rows per shard in the next round
	max     int // the largest window
	n       int // the round number, from 1
	started bool
	bufs    [][]*wrow
	checked []int // per shard, the rows of bufs already checked for order
	cuts    []int // per shard, the rows of bufs not after the round's limit
	heads   []int // per shard, the next row of bufs to merge
	eof     []bool
	done    []bool // eof, and no row read ahead
	ahead   [][]*wrow
	// aheadErr is a shard's error met reading ahead, returned once the
	// rows read before it are in the window.
	aheadErr []error
	out      []*wrow
	pos      int
	prev     *wrow   // the last row returned
	free     []*wrow // rows to reuse
	rows     []*wrow // the round's rows
	los      []localOrder
	full     bool  // rank every text of a round with some unsafe text
	ignoring []int // the keys whose order ignores characters (tieRows)
	err      error // compareTie's
	bytes    arena // copies of []byte values (never reset: rows outlive rounds)
	around   aroundState
}

func newRankedMerge(ctx context.Context, cursors []cursor, o order, r Ranker, width, rowsInFlight int) *rankedMerge {
	n := len(cursors)
	return &rankedMerge{ctx: ctx, cursors: cursors, order: o, ranker: r, width: width,
		window: 16, max: max(16, 4*rowsInFlight), bufs: make([][]*wrow, n), checked: make([]int, n), cuts: make([]int, n),
		heads: make([]int, n), eof: make([]bool, n), done: make([]bool, n), ahead: make([][]*wrow, n),
		aheadErr: make([]error, n), los: make([]localOrder, len(o))}
}

// start asks for the local order of every server-collated key (once per
// merge: rows keep their keys across rounds). Rounds whose unsafe text
// is in a key other than the first, or in a key without a local order,
// rank all their text.
func (m *rankedMerge) start() {
	m.started = true
	for i := range m.order {
		if k := &m.order[i]; k.rule.text == textServer {
			m.los[i] = localOrderOf(m.ctx, m.ranker, k.rule.server)
			if !m.los[i].ignore.empty() {
				m.ignoring = append(m.ignoring, i)
			}
			m.full = m.full || !m.los[i].ok || i > 0
		}
	}
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

// clean reports whether the merge may hand back to the local order: every
// row of the last round is returned, and every row it holds (the rest of
// the window and the rows read ahead) and the last one returned have text
// the local order covers, with no read failed.
func (m *rankedMerge) clean() bool {
	if m.pos < len(m.out) || m.prev == nil || m.prev.anyUns {
		return false
	}
	for i := range m.bufs {
		if m.aheadErr[i] != nil || slices.ContainsFunc(m.bufs[i], unsafeRow) || slices.ContainsFunc(m.ahead[i], unsafeRow) {
			return false
		}
	}
	return true
}

func unsafeRow(w *wrow) bool { return w.anyUns }

// round reads, orders and merges one window; io.EOF when no row is left.
func (m *rankedMerge) round() error {
	if !m.started {
		m.start()
	}
	m.n++
	if err := m.fill(); err != nil {
		return err
	}
	rows := m.rows[:0]
	for _, b := range m.bufs {
		rows = append(rows, b...)
	}
	if len(rows) == 0 {
		return io.EOF
	}
	if m.prev != nil {
		rows = append(rows, m.prev)
	}
	m.rows = rows
	err := m.rank(rows)
	clear(rows)
	if err != nil {
		return err
	}
	// A row held over from an earlier round was checked against the one
	// before it then.
	for i, b := range m.bufs {
		for j := max(1, m.checked[i]); j < len(b); j++ {
			if m.compare(b[j-1], b[j]) > 0 {
				return m.outOfOrder(b[j-1], b[j])
			}
		}
		m.checked[i] = len(b)
	}
	// The rows that can go: not after the smallest last row of a shard
	// that has more; in every (sorted) shard a prefix.
	var limit *wrow
	for i, b := range m.bufs {
		if !m.done[i] && len(b) > 0 && (limit == nil || m.compare(b[len(b)-1], limit) < 0) {
			limit = b[len(b)-1]
		}
	}
	for i, b := range m.bufs {
		m.cuts[i] = len(b)
		if limit != nil && len(b) > 0 && b[len(b)-1] != limit {
			m.cuts[i] = sort.Search(len(b), func(x int) bool { return m.compare(b[x], limit) > 0 })
		}
	}
	m.out, m.pos = m.out[:0], 0
	clear(m.heads)
	for {
		best := -1
		for i, b := range m.bufs {
			if h := m.heads[i]; h < m.cuts[i] && (best < 0 || m.compare(b[h], m.bufs[best][m.heads[best]]) < 0) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		m.out = append(m.out, m.bufs[best][m.heads[best]])
		m.heads[best]++
	}
	for i := range m.bufs {
		m.bufs[i] = slices.Delete(m.bufs[i], 0, m.heads[i])
		m.checked[i] = max(0, m.checked[i]-m.heads[i])
	}
	if m.prev != nil && len(m.out) > 0 && m.compare(m.prev, m.out[0]) > 0 {
		return m.outOfOrder(m.prev, m.out[0])
	}
	if m.err != nil {
		return m.err
	}
	m.window = min(2*m.window, m.max)
	return nil
}

// rank orders the text of the round. Text the local order covers compares
// by its key; when some does not, and the first key is the only one in a
// server collation, only the text around it is ranked by the server
// (rankAround); otherwise all of it is. The server ranks while the next
// window is read (whileReading).
func (m *rankedMerge) rank(rows []*wrow) error {
	var ties []*wrow
	for _, i := range m.ignoring {
		ties = m.tieRows(rows, i, ties)
	}
	if len(ties) == 0 && !slices.ContainsFunc(rows, func(w *wrow) bool { return w.anyUns }) {
		return nil
	}
	if !m.full {
		return m.rankAround(rows, ties)
	}
	vals := make([][]driver.Value, len(rows))
	for i, r := range rows {
		vals[i] = r.vals
	}
	var ranks [][]int
	err := m.whileReading(func() (err error) {
		ranks, err = rankKeys(m.ctx, m.ranker, m.order, vals)
		return err
	})
	if err != nil {
		return err
	}
	for i, r := range rows {
		m.facts(r)
		copy(r.ranks, ranks[i])
	}
	return nil
}
