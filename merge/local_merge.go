package merge

import (
	"cmp"
	"context"
	"database/sql/driver"
	"fmt"
	"strings"
	"unsafe"
)

// localHeads lets orderedMerge merge an order whose text keys are in a
// server's collation while the local order (local.go) covers every text:
// each row's text is checked once, when the row becomes its shard's head,
// and heads compare by the local order. Rows then go out straight from the
// shards' batches, as with a byte-order merge, with no copy and no round.
// At the first text the local order does not cover (or at the start, when
// the server agrees to no local order for a key), the merge hands its
// cursors, their heads and the last row returned to a rankedMerge
// (window.go), which goes on from there until a round leaves it holding
// only covered text; then the heap takes over again (handBack).
type localHeads struct {
	ctx          context.Context
	ranker       Ranker
	width        int
	rowsInFlight int
	los          []localOrder // per order key
	texts        []int        // the server-collated keys
	ranked       *rankedMerge // after the hand-off
	handOffs     int          // how many (tests)
	// ties holds the server's order of texts the local order leaves to it
	// (ignore), per collation and pair; err is the first ranking error.
	ties map[tiePair]int
	err  error
}

// tiePair is a pair of texts in a collation, a before b in byte order.
type tiePair struct{ collation, a, b string }

func newLocalHeads(ctx context.Context, r Ranker, o order, width, rowsInFlight int) *localHeads {
	return &localHeads{ctx: ctx, ranker: r, width: width, rowsInFlight: rowsInFlight,
		los: make([]localOrder, len(o))}
}

// start learns the local order of every server-collated key (a probe of the
// server, once per ranker and collation); false when some key has none.
func (l *localHeads) start(o order) bool {
	l.texts = l.texts[:0]
	for i := range o {
		if k := &o[i]; k.rule.text == textServer {
			l.texts = append(l.texts, i)
			if l.los[i] = localOrderOf(l.ctx, l.ranker, k.rule.server); !l.los[i].ok {
				return false
			}
		}
	}
	return true
}

// covers reports whether the local order covers every server-collated text
// of row.
func (l *localHeads) covers(o order, row []driver.Value) bool {
	for _, i := range l.texts {
		k := &o[i]
		s, ok := row[k.col].(string)
		if !ok || k.rule.trim {
			if s, ok = textView(row[k.col], k.rule.trim); !ok {
				continue
			}
		}
		if !l.los[i].streams1(s) {
			return false
		}
	}
	return true
}

// textView is textOf without a copy of a []byte value: the string is valid
// only while the value is, and must not be kept.
func textView(v driver.Value, trim bool) (string, bool) {
	if b, ok := v.([]byte); ok {
		return textOf(unsafe.String(unsafe.SliceData(b), len(b)), trim)
	}
	return textOf(v, trim)
}

// compare orders two rows by the order, their server-collated text (which
// the local order covers) in the local order.
func (l *localHeads) compare(o order, a, b []driver.Value) int {
	for i := range o {
		if c := l.compareKey(o, i, a, b); c != 0 {
			return c
		}
	}
	return 0
}

// compareKey compares two rows by key i of the order alone.
func (l *localHeads) compareKey(o order, i int, a, b []driver.Value) int {
	k := &o[i]
	x, y := a[k.col], b[k.col]
	c := 0
	switch {
	case k.rule.text == textServer && x != nil && y != nil:
		sx, okx := x.(string)
		sy, oky := y.(string)
		if !okx || !oky || k.rule.trim {
			sx, okx = textView(x, k.rule.trim)
			sy, oky = textView(y, k.rule.trim)
		}
		if !okx || !oky {
			return k.compare(a, b)
		}
		if lo := &l.los[i]; lo.ignore.empty() {
			c = lo.compare(sx, sy)
		} else {
			var decided bool
			if c, decided = lo.compareDecided(sx, sy); !decided {
				c = l.tie(k.rule.server, sx, sy)
			}
		}
	default:
		xi, okx := x.(int64)
		yi, oky := y.(int64)
		if !okx || !oky {
			return k.compare(a, b)
		}
		c = cmp.Compare(xi, yi)
	}
	if k.desc {
		return -c
	}
	return c
}

// tie compares two texts equal but for a level the local order does not
// know, as the server orders them (asked once per pair and merge). A
// failed ranking is kept in err, which the merge returns.
func (l *localHeads) tie(collation, a, b string) int {
	sign := 1
	if a > b {
		a, b, sign = b, a, -1
	}
	key := tiePair{collation, a, b}
	if c, ok := l.ties[key]; ok {
		return sign * c
	}
	key.a, key.b = strings.Clone(a), strings.Clone(b) // a and b may be views (textView)
	ranks, err := l.ranker.Rank(l.ctx, collation, []string{key.a, key.b})
	switch {
	case err != nil:
		l.err = fmt.Errorf("merge: ranking text in collation %s: %w", collation, err)
		return 0
	case len(ranks) != 2:
		l.err = fmt.Errorf("merge: ranking text in collation %s: %d ranks for 2 values", collation, len(ranks))
		return 0
	}
	if l.ties == nil {
		l.ties = map[tiePair]int{}
	}
	c := cmp.Compare(ranks[0], ranks[1])
	l.ties[key] = c
	return sign * c
}

// handOff goes on with a rankedMerge: the heads of the shards in the heap,
// row as the new head of shard (unless shard < 0), and prev (unless nil),
// the row returned last, from shard prevShard. It reads the rest of the
// shards, rows handed back first (cursor.pending).
func (m *orderedMerge) handOff(prev []driver.Value, prevShard, shard int, row []driver.Value) ([]driver.Value, error) {
	l := m.local
	r := newRankedMerge(l.ctx, m.cursors, m.order, l.ranker, l.width, l.rowsInFlight)
	r.start()
	for _, i := range m.heap {
		if i != shard {
			r.bufs[i] = append(r.bufs[i], r.newRow(i, m.heads[i]))
		}
	}
	if shard >= 0 {
		r.bufs[shard] = append(r.bufs[shard], r.newRow(shard, row))
	}
	if prev != nil {
		r.prev = r.newRow(prevShard, prev)
	}
	m.heap = m.heap[:0]
	clear(m.heads)
	l.ranked = r
	l.handOffs++
	return r.next()
}

// handBack goes on in the local order after the ranked merge has returned
// a round and holds only text the local order covers (rankedMerge.clean):
// the rows it holds go back to their shards' streams, ahead of the rest,
// its last row is the one the order check compares with, and the heap
// starts again.
func (m *orderedMerge) handBack() {
	l, r := m.local, m.local.ranked
	for i := range m.cursors {
		var rows [][]driver.Value
		for _, w := range r.bufs[i] {
			rows = append(rows, w.vals)
		}
		for _, w := range r.ahead[i] {
			rows = append(rows, w.vals)
		}
		c := &m.cursors[i]
		c.pending = append(rows, c.pending...)
	}
	m.check.prev, m.check.index, m.check.shard = r.prev.vals, r.prev.shard, m.cursors[r.prev.shard].sh.name
	l.ranked = nil
	m.heap, m.started, m.pending = m.heap[:0], false, false
	clear(m.heads)
}
