package merge

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
)

// compareTie compares two texts of key i with the same key, which may
// differ in characters the order ignores: equal texts are equal, others
// compare by their ranks (rank ranks every such pair of the round: tieRows).
// A pair without ranks is a fault of the merge, kept in err.
func (m *rankedMerge) compareTie(i int, a, b *wrow) int {
	k := &m.order[i]
	x, _ := textOf(a.vals[k.col], k.rule.trim)
	y, _ := textOf(b.vals[k.col], k.rule.trim)
	if x == y {
		return 0
	}
	ra, rb := m.rankOf(a, i), m.rankOf(b, i)
	if ra < 0 || rb < 0 {
		if m.err == nil {
			m.err = fmt.Errorf("merge: %q and %q in collation %s were compared without the server's ranks", x, y, k.rule.server)
		}
		return 0
	}
	return cmp.Compare(ra, rb)
}

// tieRows appends to out the rows of the round whose key i equals that of
// another row with other text (text with characters the order ignores):
// only the server can order them.
func (m *rankedMerge) tieRows(rows []*wrow, i int, out []*wrow) []*wrow {
	k := &m.order[i]
	list, ties := m.around.keyed[:0], false
	for _, w := range rows {
		if w.keys[i] != nil {
			list = append(list, w)
			ties = ties || w.tie[i]
		}
	}
	if ties {
		slices.SortFunc(list, func(a, b *wrow) int { return bytes.Compare(a.keys[i], b.keys[i]) })
		for lo := 0; lo < len(list); {
			hi := lo + 1
			for hi < len(list) && bytes.Equal(list[hi].keys[i], list[lo].keys[i]) {
				hi++
			}
			first, _ := textOf(list[lo].vals[k.col], k.rule.trim)
			for x := lo + 1; x < hi; x++ {
				if t, _ := textOf(list[x].vals[k.col], k.rule.trim); t != first {
					out = append(out, list[lo:hi]...)
					break
				}
			}
			lo = hi
		}
	}
	clear(list)
	m.around.keyed = list
	return out
}
