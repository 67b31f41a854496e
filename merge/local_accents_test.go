package merge

import (
	"bytes"
	"cmp"
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// refChar is a character decomposed the straightforward way: its base
// (lower case), diacritic and case.
type refChar struct {
	base  rune
	mark  int
	upper bool
}

// refDecompose decomposes t, false when a character is not covered.
func refDecompose(t string) ([]refChar, bool) {
	var out []refChar
	for _, r := range t {
		c, ok := refChar{base: r}, strings.ContainsRune(probeAlphabet, r)
		for m, e := range accentedLetters {
			if i := slices.Index([]rune(e.letters), r); i >= 0 {
				c, ok = refChar{base: []rune(e.bases)[i], mark: m}, true
			}
		}
		if !ok {
			return nil, false
		}
		c.upper = unicode.IsUpper(c.base)
		c.base = unicode.ToLower(c.base)
		out = append(out, c)
	}
	return out, true
}

// refCompare compares decomposed texts level by level: bases (space,
// digits, letters, a prefix first), diacritics by weight, case.
func refCompare(a, b []refChar, marks [nMarks + 1]byte) int {
	level := func(f func(refChar) int) int {
		x, y := make([]int, len(a)), make([]int, len(b))
		for i, c := range a {
			x[i] = f(c)
		}
		for i, c := range b {
			y[i] = f(c)
		}
		return slices.Compare(x, y)
	}
	if c := level(func(c refChar) int { return strings.IndexRune(" 0123456789abcdefghijklmnopqrstuvwxyz", c.base) }); c != 0 {
		return c
	}
	if c := level(func(c refChar) int { return int(marks[c.mark]) }); c != 0 {
		return c
	}
	return level(func(c refChar) int {
		if c.upper {
			return 1
		}
		return 0
	})
}

// icuMarks is the order of the diacritics in the Unicode Collation
// Algorithm's default table: acute, grave, circumflex, caron, ring,
// diaeresis, tilde, cedilla.
var icuMarks = [nMarks + 1]byte{acute: 1, grave: 2, circumflex: 3, caron: 4, ring: 5, diaeresis: 6, tilde: 7, cedilla: 8}

// accentTexts returns random texts of the local order's characters, many
// of them equal but for accents or case, and some with uncovered runes.
func accentTexts(rng *rand.Rand, n int) []string {
	alphabet := append(accentAlphabet(), strings.Split(probeAlphabet, "")...)
	out := []string{"", " ", "e", "é", "É", "E", "è", "eé", "ée", "éé", "Éé", "éÉ", "ÿ", "Ÿ", "y", "ç", "Ç", "c", "č"}
	for range n {
		var t []rune
		for range rng.IntN(7) {
			t = append(t, []rune(alphabet[rng.IntN(len(alphabet))])[0])
		}
		out = append(out, string(t))
		// The same base letters with other accents and cases.
		for range 3 {
			v := slices.Clone(t)
			for i := range v {
				if rng.IntN(3) == 0 {
					v[i] = []rune(alphabet[rng.IntN(len(alphabet))])[0]
					if vs, ok := refDecompose(string(v[i])); ok && rng.IntN(2) == 0 {
						if ts, ok := refDecompose(string(t[i])); ok && vs[0].base != ts[0].base {
							v[i] = t[i]
						}
					}
				}
			}
			out = append(out, string(v))
		}
	}
	return append(out, "aß", "æ", "ø", "œ", "þ", "ð", "ł", "đ", "e\u0301", "caf\xe9", "\xc3", "ā", "ǎ", "ė", "a-b", "\x00")
}

func TestAccentTable(t *testing.T) {
	n := 0
	for m, e := range accentedLetters {
		bases := []rune(e.bases)
		require.Len(t, []rune(e.letters), len(bases), "diacritic %d", m)
		for i, r := range []rune(e.letters) {
			n++
			b := bases[i]
			assert.Equal(t, unicode.IsUpper(r), unicode.IsUpper(b), "%c", r)
			x, size := letterAt(string(r), 0)
			assert.Equal(t, letter{p: primaries[b], mark: byte(m), upper: cases[b]}, x, "%c", r)
			assert.Equal(t, len(string(r)), size)
		}
	}
	assert.Equal(t, 118, n)
	assert.Len(t, accentAlphabet(), n)
}

// The byte key orders as compare does, and both as the straightforward
// reference; uncovered text gets no key.
func TestAccentKeyEqualsReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	texts := accentTexts(rng, 1500)
	shuffled := icuMarks
	rng.Shuffle(nMarks, func(i, j int) { shuffled[i+1], shuffled[j+1] = shuffled[j+1], shuffled[i+1] })
	for _, l := range []localOrder{
		{ok: true, space: true, accents: true, marks: icuMarks},
		{ok: true, accents: true, marks: shuffled},
		{ok: true, space: true},
	} {
		var keys [][]byte
		var refs [][]refChar
		var covered []string
		for _, s := range texts {
			k, ok := l.appendKey([]byte("x"), s)
			ref, refOK := refDecompose(s)
			if refOK && !l.space {
				refOK = !strings.Contains(s, " ")
			}
			if refOK && !l.accents {
				refOK = !slices.ContainsFunc(ref, func(c refChar) bool { return c.mark != 0 })
			}
			require.Equal(t, refOK, ok, "%q", s)
			require.Equal(t, ok, l.covers1(s), "%q", s)
			if !ok {
				require.Equal(t, []byte("x"), k, "a refused text leaves the key as it was")
				continue
			}
			keys, refs, covered = append(keys, k[1:]), append(refs, ref), append(covered, s)
		}
		require.Greater(t, len(covered), 1000)
		// Sorted by key, each neighbour compares under the reference (and
		// compare) as under the keys: the orders are the same. Random pairs
		// check it directly.
		idx := make([]int, len(covered))
		for i := range idx {
			idx[i] = i
		}
		slices.SortFunc(idx, func(i, j int) int { return bytes.Compare(keys[i], keys[j]) })
		check := func(i, j int) {
			want := refCompare(refs[i], refs[j], l.marks)
			require.Equal(t, want, bytes.Compare(keys[i], keys[j]), "%q %q", covered[i], covered[j])
			require.Equal(t, want, l.compare(covered[i], covered[j]), "%q %q", covered[i], covered[j])
		}
		pairs, ties := 0, 0
		for n := 1; n < len(idx); n++ {
			check(idx[n-1], idx[n])
			check(idx[n], idx[n-1])
			if bytes.Equal(keys[idx[n-1]], keys[idx[n]]) {
				ties++
			}
		}
		for range 50000 {
			check(rng.IntN(len(covered)), rng.IntN(len(covered)))
			pairs++
		}
		require.Positive(t, ties)
		t.Logf("accents %v space %v: %d texts covered of %d, %d ties, %d random pairs", l.accents, l.space, len(covered), len(texts), ties, pairs)
	}
}

// refRanker ranks like a collation that orders the local order's text by
// refCompare with marks, then by bytes; change, if set, alters the ranks.
type refRanker struct {
	marks  [nMarks + 1]byte
	perm   func(base rune) [nMarks + 1]byte
	change func(rank map[string]int)
	calls  atomic.Int64
}

func (f *refRanker) Rank(_ context.Context, _ string, values []string) ([]int, error) {
	f.calls.Add(1)
	refs := map[string][]refChar{}
	for _, v := range values {
		refs[v], _ = refDecompose(v)
	}
	marks := func(a, b []refChar) [nMarks + 1]byte {
		if f.perm != nil && len(a) == 1 && len(b) == 1 && a[0].base == b[0].base {
			return f.perm(a[0].base)
		}
		return f.marks
	}
	sorted := slices.Clone(values)
	slices.SortFunc(sorted, func(a, b string) int {
		if c := refCompare(refs[a], refs[b], marks(refs[a], refs[b])); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	rank := map[string]int{}
	for i, v := range slices.Compact(sorted) {
		rank[v] = i
	}
	if f.change != nil {
		f.change(rank)
	}
	out := make([]int, len(values))
	for i, v := range values {
		out[i] = rank[v]
	}
	return out, nil
}

func TestProbeLearnsAccents(t *testing.T) {
	for _, marks := range [][nMarks + 1]byte{icuMarks, {grave: 1, acute: 2, circumflex: 3, tilde: 4, diaeresis: 5, ring: 6, cedilla: 7, caron: 8}} {
		r := &refRanker{marks: marks}
		l := localOrderOf(context.Background(), r, "probe")
		assert.True(t, l.ok && l.space && l.accents)
		assertSameMarkOrder(t, marks, l.marks)
		assert.EqualValues(t, 1, r.calls.Load(), "one Rank call")
		assert.Equal(t, l, localOrderOf(context.Background(), r, "probe"))
		assert.EqualValues(t, 1, r.calls.Load(), "probed once per ranker and collation")
	}
}

// A server that disagrees on one pair of accented texts, or orders the
// diacritics of one base letter differently, keeps the ASCII order only.
func TestProbeDisagreementKeepsASCII(t *testing.T) {
	swap := func(a, b string) func(map[string]int) {
		return func(rank map[string]int) { rank[a], rank[b] = rank[b], rank[a] }
	}
	for name, r := range map[string]*refRanker{
		"pair":   {marks: icuMarks, change: swap("eé", "ée")},
		"case":   {marks: icuMarks, change: swap("Éa", "éA")},
		"long":   {marks: icuMarks, change: func(rank map[string]int) { rank["ñÑ"] = rank["Ññ"] }},
		"letter": {marks: icuMarks, change: swap("é", "è")},
		"one base": {marks: icuMarks, perm: func(base rune) [nMarks + 1]byte {
			m := icuMarks
			if base == 'u' {
				m[acute], m[grave] = m[grave], m[acute]
			}
			return m
		}},
		"first letters": {marks: icuMarks, change: func(rank map[string]int) { rank["ÿ"] = rank["z"] + 1 }},
	} {
		t.Run(name, func(t *testing.T) {
			l := localOrderOf(context.Background(), r, "probe")
			assert.Equal(t, localOrder{ok: true, space: true}, l)
			_, ok := l.appendKey(nil, "é")
			assert.False(t, ok)
			_, ok = l.appendKey(nil, "e E")
			assert.True(t, ok)
		})
	}
	// Disagreeing on ASCII text too leaves no local order.
	r := &refRanker{marks: icuMarks, change: swap("ab", "aB")}
	assert.Equal(t, localOrder{}, localOrderOf(context.Background(), r, "probe"))
}

// assertSameMarkOrder checks that two weightings of the diacritics order
// alike every two diacritics found on one base letter (the others never
// meet at level 2: texts equal at level 1 have the same base letters).
func assertSameMarkOrder(t *testing.T, want, got [nMarks + 1]byte) {
	t.Helper()
	onBase := map[rune][]int{}
	for m, e := range accentedLetters {
		for _, b := range e.bases {
			onBase[unicode.ToLower(b)] = append(onBase[unicode.ToLower(b)], m)
		}
	}
	for b, ms := range onBase {
		for _, x := range ms {
			for _, y := range ms {
				assert.Equal(t, cmp.Compare(want[x], want[y]), cmp.Compare(got[x], got[y]), "diacritics %d and %d on %c", x, y, b)
			}
		}
	}
}

// commonPrefix equals the byte-at-a-time answer, across the eight-byte steps.
func TestCommonPrefix(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for range 5000 {
		a := make([]byte, rng.IntN(30))
		for i := range a {
			a[i] = "ab"[rng.IntN(2)]
		}
		b := slices.Clone(a[:rng.IntN(len(a)+1)])
		if rng.IntN(2) == 0 && len(b) > 0 {
			b[rng.IntN(len(b))] = 'c'
		}
		b = append(b, []byte("xyz")[:rng.IntN(4)]...)
		want := 0
		for want < min(len(a), len(b)) && a[want] == b[want] {
			want++
		}
		require.Equal(t, want, commonPrefix(string(a), string(b)), "%q %q", a, b)
	}
}
