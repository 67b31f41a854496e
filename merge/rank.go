package merge

import (
	"cmp"
	"context"
	"database/sql/driver"
	"fmt"
	"slices"
	"strings"
)

// Ordering text under a server's collation (ServerCollation). The merge
// cannot compute PostgreSQL's libc and ICU orders in general, so it asks a
// server to rank the text values it must compare, a window at a time, and
// compares the ranks. Three things keep that rare:
//
//   - byte-order collations never get here (the planner gives them
//     CollationBinary);
//   - text made only of ASCII letters, digits, spaces, punctuation and the
//     common accented Latin letters (local_accents.go) is ordered locally
//     when the collation orders such text as the common linguistic
//     collations do (letters and digits by their base form, a space before
//     punctuation (ICU's order) before digits before letters, or the space
//     and punctuation ignored (glibc's); then diacritics position by
//     position, none first; then lower case before upper case at the first
//     difference of case): a probe ranks every text of one or two such
//     characters on the server once per ranker and collation, learns the
//     order of the diacritics from the single letters and which characters
//     the server ignores, and enables the local order only when the server
//     agrees on every probe text (without punctuation, the space or the
//     accents, when only those disagree);
//   - an ordered merge streams such text through its heap in the local
//     order (local_merge.go), asking the server only about texts equal but
//     for ignored characters, and ranks windows only from a text outside
//     the local order until the windows hold none again.

// rankTexts returns the rank of each distinct text under collation. The
// ranks are comparable within one call only.
func rankTexts(ctx context.Context, r Ranker, collation string, texts []string) (map[string]int, error) {
	distinct := slices.Clone(texts)
	slices.Sort(distinct)
	distinct = slices.Compact(distinct)
	out := make(map[string]int, len(distinct))
	if local := localOrderOf(ctx, r, collation); local.covers(distinct) {
		slices.SortFunc(distinct, local.compare)
		for i, t := range distinct {
			out[t] = i
		}
		return out, nil
	}
	ranks, err := r.Rank(ctx, collation, distinct)
	if err != nil {
		return nil, fmt.Errorf("merge: ranking text in collation %s: %w", collation, err)
	}
	if len(ranks) != len(distinct) {
		return nil, fmt.Errorf("merge: ranking text in collation %s: %d ranks for %d values", collation, len(ranks), len(distinct))
	}
	for i, t := range distinct {
		out[t] = ranks[i]
	}
	return out, nil
}

// textOf returns a text value as a string, with trailing spaces dropped
// under trim (char(n)); ok is false for other values.
func textOf(v driver.Value, trim bool) (string, bool) {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case []byte:
		s = string(x)
	default:
		return "", false
	}
	if trim {
		s = strings.TrimRight(s, " ")
	}
	return s, true
}

// rankKeys ranks the text values of the order's server-collated keys in
// rows, one Ranker call per collation, and returns each row's ranks: per
// key, the rank of its value, or -1 when the key is not ranked or the value
// is not text.
func rankKeys(ctx context.Context, r Ranker, o order, rows [][]driver.Value) ([][]int, error) {
	ranks := make([][]int, len(rows))
	flat := make([]int, len(rows)*len(o))
	for i := range ranks {
		ranks[i] = flat[i*len(o) : (i+1)*len(o) : (i+1)*len(o)]
		for k := range ranks[i] {
			ranks[i][k] = -1
		}
	}
	done := map[string]bool{}
	for k := range o {
		key := &o[k].rule
		if key.text != textServer || done[key.server] {
			continue
		}
		done[key.server] = true
		var texts []string
		for _, row := range rows {
			for j := range o {
				if o[j].rule.text == textServer && o[j].rule.server == key.server {
					if s, ok := textOf(row[o[j].col], o[j].rule.trim); ok {
						texts = append(texts, s)
					}
				}
			}
		}
		if len(texts) == 0 {
			continue
		}
		if r == nil {
			return nil, noRanker(o[k].col, key.server)
		}
		got, err := rankTexts(ctx, r, key.server, texts)
		if err != nil {
			return nil, err
		}
		for i, row := range rows {
			for j := range o {
				if o[j].rule.text == textServer && o[j].rule.server == key.server {
					if s, ok := textOf(row[o[j].col], o[j].rule.trim); ok {
						ranks[i][j] = got[s]
					}
				}
			}
		}
	}
	return ranks, nil
}

// compareRanked compares two rows by the order, using their ranks for the
// ranked keys.
func (o order) compareRanked(a, b []driver.Value, ra, rb []int) int {
	for i := range o {
		k := &o[i]
		var c int
		if ra[i] >= 0 && rb[i] >= 0 {
			c = cmp.Compare(ra[i], rb[i])
			if k.desc {
				c = -c
			}
		} else {
			c = k.compare(a, b)
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

// sortRanked sorts rows by the order, stably, ranking its server-collated
// text on the server.
func sortRanked(ctx context.Context, r Ranker, o order, rows [][]driver.Value) error {
	ranks, err := rankKeys(ctx, r, o, rows)
	if err != nil {
		return err
	}
	idx := make([]int, len(rows))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return o.compareRanked(rows[a], rows[b], ranks[a], ranks[b]) })
	sorted := make([][]driver.Value, len(rows))
	for i, j := range idx {
		sorted[i] = rows[j]
	}
	copy(rows, sorted)
	return nil
}

// noRanker is the error of text in a server collation without a Ranker.
func noRanker(col int, collation string) error {
	return fmt.Errorf("merge: column %d is text in collation %s, which only the server can order, and the merge has no ranker for it", col, collation)
}
