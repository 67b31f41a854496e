package merge

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"sort"
)

// aroundState is rankAround's memory, kept across rounds.
type aroundState struct {
	safe  [][]*wrow // per shard, its rows of covered text in the collation's order
	batch []*wrow
	texts []string
	keyed []*wrow // tieRows' scratch
}

// rankAround orders a round whose first key is the only one in a server
// collation and some of whose text the local order does not cover: the
// server ranks only that text and the text it may fall among. A shard's
// rows are sorted, so such a text u lies between the nearest covered texts
// before and after it in its shard (its bounds); against any covered text
// of another shard outside its bounds u compares as its bounds do, and
// those between its bounds are ranked with it. The last row returned and
// the first row of every shard are ranked too, for the order checks and
// the first comparisons.
func (m *rankedMerge) rankAround(rows, ties []*wrow) error {
	k := &m.order[0]
	st := &m.around
	st.batch = st.batch[:0]
	add := func(w *wrow) {
		if w.mark != m.n {
			w.mark = m.n
			st.batch = append(st.batch, w)
		}
	}
	if m.prev != nil {
		add(m.prev)
	}
	for _, w := range ties {
		add(w)
	}
	// Under an order that ignores characters, a text with a bound's key
	// may sort on either side of the bound: those are ranked too.
	inclusive := !m.los[0].ignore.empty()
	if len(st.safe) != len(m.bufs) {
		st.safe = make([][]*wrow, len(m.bufs))
	}
	for t, b := range m.bufs {
		if len(b) > 0 {
			add(b[0])
		}
		st.safe[t] = st.safe[t][:0]
		for _, w := range b {
			if w.keys[0] != nil {
				st.safe[t] = append(st.safe[t], w)
			}
		}
		if k.desc {
			slices.Reverse(st.safe[t])
		}
	}
	for t, b := range m.bufs {
		for j, u := range b {
			if !u.unsafe[0] {
				continue
			}
			before, after := j-1, j+1
			for before >= 0 && b[before].keys[0] == nil {
				before--
			}
			for after < len(b) && b[after].keys[0] == nil {
				after++
			}
			for x := max(before, 0); x <= min(after, len(b)-1); x++ {
				add(b[x])
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
			m.facts(u)
			u.bounds[0] = [2]*wrow{lower, upper}
			for o, list := range st.safe {
				if o == t {
					continue
				}
				start, end := 0, len(list)
				if lower != nil {
					start = sort.Search(len(list), func(x int) bool {
						c := bytes.Compare(list[x].keys[0], lower.keys[0])
						return c > 0 || inclusive && c == 0
					})
				}
				if upper != nil {
					end = sort.Search(len(list), func(x int) bool {
						c := bytes.Compare(list[x].keys[0], upper.keys[0])
						return c > 0 || !inclusive && c == 0
					})
				}
				for x := start; x < end; x++ {
					add(list[x])
				}
			}
		}
	}
	st.texts = st.texts[:0]
	for _, w := range st.batch {
		if s, ok := textOf(w.vals[k.col], k.rule.trim); ok {
			st.texts = append(st.texts, s)
		}
	}
	var ranks map[string]int
	err := m.whileReading(func() (err error) {
		ranks, err = rankTexts(m.ctx, m.ranker, k.rule.server, st.texts)
		return err
	})
	if err != nil {
		return err
	}
	for _, w := range st.batch {
		if s, ok := textOf(w.vals[k.col], k.rule.trim); ok {
			m.facts(w)
			w.ranks[0] = ranks[s]
		}
	}
	clear(st.batch)
	for t := range st.safe {
		clear(st.safe[t])
	}
	return nil
}

// compare orders two rows of the round.
func (m *rankedMerge) compare(a, b *wrow) int {
	for i := range m.order {
		k := &m.order[i]
		x, y := a.vals[k.col], b.vals[k.col]
		if xi, ok := x.(int64); ok { // the common key, without a call
			if yi, ok := y.(int64); ok {
				if c := cmp.Compare(xi, yi); c != 0 {
					if k.desc {
						return -c
					}
					return c
				}
				continue
			}
		}
		if k.rule.text == textServer && x != nil && y != nil {
			c, ok := 0, false
			if ka, kb := a.keys[i], b.keys[i]; ka != nil && kb != nil {
				c, ok = bytes.Compare(ka, kb), true
				if c == 0 && (a.tie[i] || b.tie[i]) {
					c = m.compareTie(i, a, b)
				}
			} else {
				c, ok = m.compareText(i, a, b)
			}
			if ok {
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
// order: by their ranks, by their local keys, or, for a text outside the
// local order against one the server did not rank, by the bounds of the
// first (which the second is not between).
func (m *rankedMerge) compareText(i int, a, b *wrow) (int, bool) {
	if ra, rb := m.rankOf(a, i), m.rankOf(b, i); ra >= 0 && rb >= 0 {
		return cmp.Compare(ra, rb), true
	}
	ka, kb := a.keys[i], b.keys[i]
	switch {
	case ka != nil && kb != nil:
		c := bytes.Compare(ka, kb)
		if c == 0 && (a.tie[i] || b.tie[i]) {
			c = m.compareTie(i, a, b)
		}
		return c, true
	case a.unsafe[i] && kb != nil:
		return m.againstBounds(i, a, kb)
	case b.unsafe[i] && ka != nil:
		c, ok := m.againstBounds(i, b, ka)
		return -c, ok
	}
	return 0, false
}

// againstBounds compares the text of unsafe row u with the key t of a
// text the local order covers, which is not between u's bounds.
func (m *rankedMerge) againstBounds(i int, u *wrow, t []byte) (int, bool) {
	if u.round != m.n {
		return 0, false
	}
	lower, upper := u.bounds[i][0], u.bounds[i][1]
	if lower != nil && bytes.Compare(t, lower.keys[i]) <= 0 {
		return 1, true
	}
	if upper != nil && bytes.Compare(t, upper.keys[i]) >= 0 {
		return -1, true
	}
	return 0, false
}

// outOfOrder explains two rows, a then b, that the collation orders the
// other way.
func (m *rankedMerge) outOfOrder(a, b *wrow) error {
	if m.err != nil { // the comparison that failed was not the server's
		return m.err
	}
	col := m.order[0].col
	for i := range m.order {
		if k := &m.order[i]; k.compare(a.vals, b.vals) != 0 || a.vals[k.col] != nil && b.vals[k.col] != nil && m.rankDiffers(i, a, b) {
			col = k.col
			break
		}
	}
	return fmt.Errorf("%w: shard %s returned %s after shard %s returned %s in column %d, which collation %s orders the other way; "+
		"the merged rows would be in the wrong order",
		ErrOutOfOrder, m.cursors[b.shard].sh.name, show(b.vals[col]), m.cursors[a.shard].sh.name, show(a.vals[col]), col, m.order.collations())
}

func (m *rankedMerge) rankDiffers(i int, a, b *wrow) bool {
	c, ok := m.compareText(i, a, b)
	return ok && c != 0
}

// collations names the server collations of the order.
func (o order) collations() string {
	var names []string
	for _, k := range o {
		if k.rule.text == textServer && !slices.Contains(names, k.rule.server) {
			names = append(names, k.rule.server)
		}
	}
	return fmt.Sprint(names)
}
