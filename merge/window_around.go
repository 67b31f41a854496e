package merge

import (
	"cmp"
	"database/sql/driver"
	"fmt"
	"io"
	"slices"
	"sort"
)

// rankAround orders a round whose first key is the only one in a server
// collation and some of whose text the local order does not cover: the
// server ranks only that text and the text it may fall among. A shard's
// rows are sorted, so such a text u lies between the nearest covered texts
// before and after it in its shard (its bounds); against any covered text
// of another shard outside its bounds u compares as its bounds do, and
// those between its bounds are ranked with it. The last row returned and
// the first row of every shard are ranked too, for the order checks and
// the first comparisons.
func (m *rankedMerge) rankAround(rows []*wrow) error {
	k := &m.order[0]
	lo := m.los[0]
	text := func(w *wrow) (string, bool) { return textOf(w.vals[k.col], k.rule.trim) }
	covered := func(w *wrow) bool {
		_, ok := text(w)
		return ok && !w.unsafe[0]
	}
	type safeRow struct {
		s string
		w *wrow
	}
	batch := map[*wrow]bool{}
	if m.prev != nil {
		batch[m.prev] = true
	}
	safe := make([][]safeRow, len(m.bufs)) // per shard, in the collation's order
	for t, b := range m.bufs {
		if len(b) > 0 {
			batch[b[0]] = true
		}
		for _, w := range b {
			if covered(w) {
				s, _ := text(w)
				safe[t] = append(safe[t], safeRow{s, w})
			}
		}
		if k.desc {
			slices.Reverse(safe[t])
		}
	}
	for t, b := range m.bufs {
		for j, u := range b {
			if !u.unsafe[0] {
				continue
			}
			before, after := j-1, j+1
			for before >= 0 && !covered(b[before]) {
				before--
			}
			for after < len(b) && !covered(b[after]) {
				after++
			}
			for x := max(before, 0); x <= min(after, len(b)-1); x++ {
				batch[b[x]] = true
			}
			var lower, upper *wrow
			if before >= 0 {
				lower = b[before]
			}
			if after < len(b) {
				upper = b[after]
			}
			if k.desc {
				lower, upper = upper, lower
			}
			u.bounds[0] = [2]*wrow{lower, upper}
			for o, list := range safe {
				if o == t {
					continue
				}
				start, end := 0, len(list)
				if lower != nil {
					ls, _ := text(lower)
					start = sort.Search(len(list), func(x int) bool { return lo.compare(list[x].s, ls) > 0 })
				}
				if upper != nil {
					us, _ := text(upper)
					end = sort.Search(len(list), func(x int) bool { return lo.compare(list[x].s, us) >= 0 })
				}
				for x := start; x < end; x++ {
					batch[list[x].w] = true
				}
			}
		}
	}
	texts := make([]string, 0, len(batch))
	for w := range batch {
		if s, ok := text(w); ok {
			texts = append(texts, s)
		}
	}
	ranks, err := rankTexts(m.ctx, m.ranker, k.rule.server, texts)
	if err != nil {
		return err
	}
	for w := range batch {
		if s, ok := text(w); ok {
			w.ranks[0] = ranks[s]
		}
	}
	return nil
}

// compare orders two rows of the round.
func (m *rankedMerge) compare(a, b *wrow) int {
	for i := range m.order {
		k := &m.order[i]
		x, y := a.vals[k.col], b.vals[k.col]
		if k.rule.text == textServer && x != nil && y != nil {
			if c, ok := m.compareText(i, a, b); ok {
				if k.desc {
					c = -c
				}
				if c != 0 {
					return c
				}
				continue
			}
		}
		if c := k.compare(a.vals, b.vals); c != 0 {
			return c
		}
	}
	return 0
}

// compareText compares the text of key i of two rows in the collation's
// order: by their ranks, by the local order, or, for a text outside the
// local order against one the server did not rank, by the bounds of the
// first (which the second is not between).
func (m *rankedMerge) compareText(i int, a, b *wrow) (int, bool) {
	if a.ranks[i] >= 0 && b.ranks[i] >= 0 {
		return cmp.Compare(a.ranks[i], b.ranks[i]), true
	}
	k := &m.order[i]
	sa, oka := textOf(a.vals[k.col], k.rule.trim)
	sb, okb := textOf(b.vals[k.col], k.rule.trim)
	lo := m.los[i]
	switch {
	case !oka || !okb || !lo.ok:
		return 0, false
	case !a.unsafe[i] && !b.unsafe[i]:
		return lo.compare(sa, sb), true
	case a.unsafe[i] && !b.unsafe[i]:
		return m.againstBounds(i, a, sb)
	case b.unsafe[i] && !a.unsafe[i]:
		c, ok := m.againstBounds(i, b, sa)
		return -c, ok
	}
	return 0, false
}

// againstBounds compares the text of unsafe row u with a text t the local
// order covers, which is not between u's bounds.
func (m *rankedMerge) againstBounds(i int, u *wrow, t string) (int, bool) {
	k := &m.order[i]
	lower, upper := u.bounds[i][0], u.bounds[i][1]
	if lower != nil {
		if s, _ := textOf(lower.vals[k.col], k.rule.trim); m.los[i].compare(t, s) <= 0 {
			return 1, true
		}
	}
	if upper != nil {
		if s, _ := textOf(upper.vals[k.col], k.rule.trim); m.los[i].compare(t, s) >= 0 {
			return -1, true
		}
	}
	return 0, false
}

// fill reads every shard that has more rows up to the window.
func (m *rankedMerge) fill() error {
	for i := range m.cursors {
		for !m.done[i] && len(m.bufs[i]) < m.window {
			row, err := m.cursors[i].next()
			if err == io.EOF {
				m.done[i] = true
				break
			}
			if err != nil {
				return err
			}
			var w *wrow
			if n := len(m.free); n > 0 {
				w, m.free = m.free[n-1], m.free[:n-1]
			} else {
				w = &wrow{vals: make([]driver.Value, m.width)}
			}
			w.shard = i
			for j, v := range row {
				w.vals[j] = m.bytes.clone(v)
			}
			m.bufs[i] = append(m.bufs[i], w)
		}
	}
	return nil
}

// outOfOrder explains two rows, a then b, that the collation orders the
// other way.
func (m *rankedMerge) outOfOrder(a, b *wrow) error {
	col := m.order[0].col
	for i := range m.order {
		if k := &m.order[i]; k.compare(a.vals, b.vals) != 0 || a.vals[k.col] != nil && b.vals[k.col] != nil && m.rankDiffers(i, a, b) {
			col = k.col
			break
		}
	}
	return fmt.Errorf("%w: shard %s returned %s after shard %s returned %s in column %d, which collation %s orders the other way; "+
		"the merged rows would be in the wrong order",
		ErrOutOfOrder, m.cursors[b.shard].sh.name, show(b.vals[col]), m.cursors[a.shard].sh.name, show(a.vals[col]), col, m.collations())
}

func (m *rankedMerge) rankDiffers(i int, a, b *wrow) bool {
	c, ok := m.compareText(i, a, b)
	return ok && c != 0
}

// collations names the server collations of the order.
func (m *rankedMerge) collations() string {
	var names []string
	for _, k := range m.order {
		if k.rule.text == textServer && !slices.Contains(names, k.rule.server) {
			names = append(names, k.rule.server)
		}
	}
	return fmt.Sprint(names)
}
