package merge

import (
	"cmp"
	"context"
	"database/sql/driver"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
)

// glibcRanker orders text as glibc's locales do: the space and punctuation
// but the dollar sign weigh nothing at the first three levels (base
// letters, diacritics in icuMarks order, case), and a fourth level (here:
// bytes) orders the rest; the dollar sign is a letter after z.
type glibcRanker struct {
	calls, values atomic.Int64
	fail          error
}

// glibcIgnores is the characters the glibcRanker ignores.
var glibcIgnores = func() (s asciiSet) {
	for i := range len(ignorable) {
		if ignorable[i] != '$' {
			s.add(ignorable[i])
		}
	}
	return s
}()

func stripIgnorable(t string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x80 && glibcIgnores.has(byte(r)) {
			return -1
		}
		return r
	}, t)
}

func glibcCompare(a, b string) int { return glibcKeyOf(a).compare(glibcKeyOf(b)) }

// glibcKey is a text's weights at the first three levels (nil when the
// text has a character the reference does not know) and the text.
type glibcKey struct {
	levels   [3][]int
	stripped string
	text     string
}

func glibcKeyOf(t string) glibcKey {
	k := glibcKey{stripped: stripIgnorable(t), text: t}
	var levels [3][]int
	for _, r := range k.stripped {
		if r == '$' {
			levels[0], levels[1], levels[2] = append(levels[0], 36), append(levels[1], 0), append(levels[2], 0)
			continue
		}
		ref, ok := refDecompose(string(r))
		if !ok {
			return k
		}
		c := ref[0]
		up := 0
		if c.upper {
			up = 1
		}
		levels[0] = append(levels[0], strings.IndexRune("0123456789abcdefghijklmnopqrstuvwxyz", c.base))
		levels[1] = append(levels[1], int(icuMarks[c.mark]))
		levels[2] = append(levels[2], up)
	}
	k.levels = levels
	return k
}

func (k glibcKey) compare(o glibcKey) int {
	if k.levels[0] != nil && o.levels[0] != nil || k.stripped == "" || o.stripped == "" {
		for i := range k.levels {
			if c := slices.Compare(k.levels[i], o.levels[i]); c != 0 {
				return c
			}
		}
	} else if c := cmp.Compare(k.stripped, o.stripped); c != 0 {
		return c
	}
	return cmp.Compare(k.text, o.text)
}

func (g *glibcRanker) Rank(_ context.Context, _ string, values []string) ([]int, error) {
	if g.fail != nil && g.calls.Load() > 0 {
		return nil, g.fail
	}
	g.calls.Add(1)
	g.values.Add(int64(len(values)))
	keys := make([]glibcKey, len(values))
	for i, v := range values {
		keys[i] = glibcKeyOf(v)
	}
	slices.SortFunc(keys, glibcKey.compare)
	pos := make(map[string]int, len(keys))
	for i, k := range keys {
		pos[k.text] = i
	}
	out := make([]int, len(values))
	for i, v := range values {
		out[i] = pos[v]
	}
	return out, nil
}

// The probe recognizes the glibc order: accents, and the space and
// punctuation ignorable; not the ICU order.
func TestProbeLearnsIgnorablePunctuation(t *testing.T) {
	l := localOrderOf(context.Background(), &glibcRanker{}, "glibc")
	assert.True(t, l.ok && l.accents && !l.space, "%+v", l)
	assert.Equal(t, glibcIgnores, l.ignore, "every ignorable character but the dollar sign")
	assert.False(t, l.covers1("a b"), "keys must decide every pair")
	assert.True(t, l.streams1("O'Brien-Smith, J.") && l.streams1("é b"))
	assert.False(t, l.streams1("a\tb") || l.streams1("ß") || l.streams1("$5"))

	c, ok := l.compareDecided("a b", "ac")
	assert.True(t, ok)
	assert.Equal(t, -1, c)
	_, ok = l.compareDecided("a b", "ab")
	assert.False(t, ok, "equal but for the fourth level")
	c, ok = l.compareDecided("A-b", "ab")
	assert.True(t, ok, "case decides at the third level")
	assert.Equal(t, 1, c)

	ascii := localOrderOf(context.Background(), &fakeRanker{}, "icu")
	assert.True(t, ascii.ignore.empty(), "%+v", ascii)
}

// compareDecided agrees with the glibc order wherever it decides, and
// leaves only texts equal at the first three levels.
func TestCompareDecidedEqualsGlibc(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	texts := accentTexts(rng, 800)
	for i := range texts {
		if rng.IntN(2) == 0 {
			p := rng.IntN(len(texts[i]) + 1)
			texts[i] = texts[i][:p] + string(probePunct[rng.IntN(len(probePunct))]) + texts[i][p:]
		}
	}
	l := localOrder{ok: true, ignore: glibcIgnores, accents: true, marks: icuMarks}
	var covered []string
	for _, s := range texts {
		if l.streams1(s) {
			covered = append(covered, s)
		}
	}
	require.Greater(t, len(covered), 1000)
	undecided := 0
	for range 50000 {
		a, b := covered[rng.IntN(len(covered))], covered[rng.IntN(len(covered))]
		c, ok := l.compareDecided(a, b)
		if !ok {
			undecided++
			if l.ignoredAfterDigit(a) || l.ignoredAfterDigit(b) {
				level, _ := l.levels(a, b)
				require.Greater(t, level, 1, "%q %q", a, b)
			} else {
				require.Equal(t, stripIgnorable(a), stripIgnorable(b), "%q %q", a, b)
			}
			continue
		}
		require.Equal(t, glibcCompare(a, b), c, "%q %q", a, b)
	}
	t.Logf("%d of 50000 pairs left to the server", undecided)
}

// Text with spaces and punctuation streams through the heap merge under a
// glibc order: the server sees the probe and one call per pair of texts
// equal but for their punctuation, and the result is one database's.
func TestLocalMergeIgnorableText(t *testing.T) {
	checkNoLeak(t)
	words := []string{"ab", "a b", "a-b", "A b", "abc", "a.b.c", "O'Brien", "OBrien", "obrien", "o brien",
		"Smith-Jones", "smith jones", "éclair", "e clair", "Eclair", "zz top", "ZZ-Top", "x-10", "x10", "104"}
	rng := rand.New(rand.NewPCG(8, 9))
	var rows [][]driver.Value
	for id := range 3000 {
		var w driver.Value = words[rng.IntN(len(words))]
		if rng.IntN(12) == 0 {
			w = nil
		}
		rows = append(rows, row(int64(id), w))
	}
	less := func(a, b []driver.Value) int {
		switch {
		case a[1] == nil && b[1] != nil:
			return 1
		case a[1] != nil && b[1] == nil:
			return -1
		case a[1] != nil:
			if c := glibcCompare(a[1].(string), b[1].(string)); c != 0 {
				return c
			}
		}
		return cmp.Compare(a[0].(int64), b[0].(int64))
	}
	for _, shards := range []int{2, 3} {
		t.Run(fmt.Sprint(shards), func(t *testing.T) {
			srcs, want := shardsSortedBy([]string{"id", "name"}, []string{"INT8", "TEXT"}, shards, rows, less)
			g := &glibcRanker{}
			got := merged(t, Spec{Dialect: dialect.Postgres, Ranker: g, OrderBy: []SortKey{{Column: 1, Collation: icu}, {Column: 0}}}, srcs)
			require.Equal(t, want, got)
			ties := g.calls.Load() - 1
			assert.Equal(t, 2*ties, g.values.Load()-int64(len(probeTexts())), "after the probe, only pairs")
			assert.Positive(t, ties)
			t.Logf("%d pairs ranked", ties)
		})
	}
}

// A failed ranking of a pair fails the merge with the ranker's error.
func TestLocalMergeTieError(t *testing.T) {
	srcs := shardsOf([]string{"name"}, []string{"TEXT"}, rowsOf(row("a b")), rowsOf(row("ab")))
	r, err := Open(context.Background(), Spec{Dialect: dialect.Postgres, Ranker: &glibcRanker{fail: assert.AnError},
		OrderBy: []SortKey{{Column: 0, Collation: icu}}}, srcs)
	require.NoError(t, err)
	defer r.Close()
	_, err = readAll(t, r)
	require.ErrorIs(t, err, assert.AnError)
	assert.ErrorContains(t, err, "ranking text in collation")
}

// After the hand-off (a digit followed by a space is outside the glibc
// order), text with ignorable characters stays ordered locally in the
// ranked merge's rounds: only the uncovered text, its neighbours, and texts
// that share a key with other text are ranked, and the result is one
// database's, ascending and descending, whole and with OFFSET/LIMIT.
func TestRankedMergeIgnorableText(t *testing.T) {
	checkNoLeak(t)
	words := []string{"ab", "a b", "a-b", "A b", "aB", "abc", "a.b.c", "O'Brien", "OBrien", "obrien", "o brien",
		"Smith-Jones", "smith jones", "éclair", "e clair", "Eclair", "zz top", "ZZ-Top", "x-10", "x10"}
	for i := range 200 {
		words = append(words, fmt.Sprintf("w%03d x", i), fmt.Sprintf("W%03dy", i))
	}
	rng := rand.New(rand.NewPCG(10, 11))
	var rows [][]driver.Value
	for id := range 6000 {
		var w driver.Value = words[rng.IntN(len(words))]
		switch rng.IntN(40) {
		case 0:
			w = nil
		case 1:
			w = fmt.Sprintf("%d b", rng.IntN(20)) // outside the order
		}
		rows = append(rows, row(int64(id), w))
	}
	keys := map[string]glibcKey{}
	keyOf := func(s string) glibcKey {
		k, ok := keys[s]
		if !ok {
			k = glibcKeyOf(s)
			keys[s] = k
		}
		return k
	}
	textOrder := func(a, b driver.Value) int {
		switch {
		case a == nil && b == nil:
			return 0
		case a == nil:
			return 1
		case b == nil:
			return -1
		}
		return keyOf(a.(string)).compare(keyOf(b.(string)))
	}
	g := &glibcRanker{}
	for _, desc := range []bool{false, true} {
		less := func(a, b []driver.Value) int {
			c := textOrder(a[1], b[1])
			if c == 0 {
				c = cmp.Compare(a[0].(int64), b[0].(int64))
			}
			if desc {
				return -c
			}
			return c
		}
		for _, shards := range []int{2, 4} {
			t.Run(fmt.Sprintf("desc=%v/%d", desc, shards), func(t *testing.T) {
				srcs, want := shardsSortedBy([]string{"id", "name"}, []string{"INT8", "TEXT"}, shards, rows, less)
				spec := Spec{Dialect: dialect.Postgres, Ranker: g, ShardRowsInFlight: 32,
					OrderBy: []SortKey{{Column: 1, Collation: icu, Desc: desc}, {Column: 0, Desc: desc}}}
				before := g.values.Load()
				require.Equal(t, want, merged(t, spec, srcs))
				ranked := g.values.Load() - before
				if before == 0 {
					ranked -= int64(len(probeTexts()))
				}
				t.Logf("ranked %d texts for %d rows", ranked, len(rows))
				assert.Less(t, ranked, int64(len(rows)), "not every text")
				limit := int64(50)
				spec.Offset, spec.Limit = 3000, &limit
				require.Equal(t, want[3000:3050], merged(t, spec, srcs))
			})
		}
	}
}

// Two keys in a glibc order: the heap compares both locally (pairs equal
// but for ignored characters asked of the server), and after a hand-off
// the ranked merge ranks every text of a round with some outside the
// order, ties included.
func TestIgnorableTextTwoKeys(t *testing.T) {
	words := []string{"ab", "a b", "a-b", "A b", "x", "x y", "xy", "X-Y", "1 b", "10"}
	rng := rand.New(rand.NewPCG(12, 13))
	var rows [][]driver.Value
	for id := range 3000 {
		rows = append(rows, row(int64(id), words[rng.IntN(len(words))], words[rng.IntN(len(words))]))
	}
	less := func(a, b []driver.Value) int {
		if c := glibcCompare(a[1].(string), b[1].(string)); c != 0 {
			return c
		}
		if c := glibcCompare(a[2].(string), b[2].(string)); c != 0 {
			return c
		}
		return cmp.Compare(a[0].(int64), b[0].(int64))
	}
	g := &glibcRanker{}
	for _, shards := range []int{2, 3} {
		srcs, want := shardsSortedBy([]string{"id", "a", "b"}, []string{"INT8", "TEXT", "TEXT"}, shards, rows, less)
		got := merged(t, Spec{Dialect: dialect.Postgres, Ranker: g, ShardRowsInFlight: 16,
			OrderBy: []SortKey{{Column: 1, Collation: icu}, {Column: 2, Collation: icu}, {Column: 0}}}, srcs)
		require.Equal(t, want, got, "%d shards", shards)
	}
}
