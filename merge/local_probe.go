package merge

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"sync"
)

// ProbeCache is a Ranker that keeps the results of the merge's probes of
// its collations (which local order each agrees to) in Probes, keyed by
// collation, so that they go when the ranker goes. The probes of other
// rankers are kept, per ranker, for the life of the program.
type ProbeCache interface {
	Ranker
	Probes() *sync.Map
}

// probeKey identifies a probe result of a ranker without a ProbeCache: a
// ranker and a collation.
type probeKey struct {
	r         Ranker
	collation string
}

// probes holds, per probeKey, the localOrder the server agreed to.
var probes sync.Map

// localOrderOf returns the local order the server agrees to under
// collation, probing it on the first call for the ranker and collation. A
// ranker of a type that cannot be a map key, or a failed probe, gives no
// local order (a failed probe is tried again next time).
func localOrderOf(ctx context.Context, r Ranker, collation string) localOrder {
	var store *sync.Map
	var key any
	switch c := r.(type) {
	case nil:
		return localOrder{}
	case ProbeCache:
		store, key = c.Probes(), collation
	default:
		if !reflect.TypeOf(r).Comparable() {
			return localOrder{}
		}
		store, key = &probes, probeKey{r, collation}
	}
	if v, ok := store.Load(key); ok {
		return v.(localOrder)
	}
	texts := probeTexts()
	ranks, err := r.Rank(ctx, collation, slices.Clone(texts))
	if err != nil || len(ranks) != len(texts) {
		return localOrder{}
	}
	rank := make(map[string]int, len(texts))
	for i, t := range texts {
		rank[t] = ranks[i]
	}
	l := probedOrder(texts, rank)
	store.Store(key, l)
	return l
}

// probedOrder returns the widest local order the server's ranks of the
// probe texts agree with: with accents (their order learned from the
// ranks), the space and punctuation (ICU's order); the same without
// punctuation; with accents, and the space and punctuation that
// the server ignores up to the fourth level (learnIgnorable); with accents
// only; the same four without accents (the space alone is the ASCII
// order); or neither; none when the server disagrees with all.
func probedOrder(texts []string, rank map[string]int) localOrder {
	ign := learnIgnorable(rank)
	var tries []localOrder
	if marks, ok := learnMarks(rank); ok {
		tries = append(tries, localOrder{ok: true, space: true, punct: true, accents: true, marks: marks},
			localOrder{ok: true, space: true, accents: true, marks: marks},
			localOrder{ok: true, accents: true, marks: marks, ignore: ign},
			localOrder{ok: true, accents: true, marks: marks})
	}
	tries = append(tries, localOrder{ok: true, space: true, punct: true}, localOrder{ok: true, space: true},
		localOrder{ok: true, ignore: ign}, localOrder{ok: true})
	for _, l := range tries {
		if agrees(l, slices.DeleteFunc(slices.Clone(texts), func(t string) bool { return !l.streams1(t) }), rank) {
			return l
		}
	}
	return localOrder{}
}

// agrees reports whether the server's ranks order texts as l does wherever
// l decides. In the server's order (no two texts may rank the same), the
// texts' base characters (the first level) must never decrease from one
// text to the next, and within a run of texts equal at that level the
// next two must never decrease from one text l decides them for to the
// next such; texts l leaves to the server past the first level
// (ignoredAfterDigit) are passed over, and ties at the fourth are the
// server's. The levels then agree for every pair, not only neighbours.
// Without ignored characters l decides every pair, and distinct texts must
// differ at some level.
func agrees(l localOrder, texts []string, rank map[string]int) bool {
	sorted := slices.Clone(texts)
	for _, t := range sorted {
		if _, ok := rank[t]; !ok {
			return false
		}
	}
	slices.SortFunc(sorted, func(a, b string) int { return rank[a] - rank[b] })
	var last string // the run's last text whose later levels l decides
	haveLast := false
	for i, t := range sorted {
		if i > 0 {
			prev := sorted[i-1]
			if rank[prev] == rank[t] {
				return false
			}
			level, c := l.levels(prev, t)
			if level == 1 && c > 0 {
				return false
			}
			if level == 1 {
				haveLast = false // a new run
			}
		}
		if l.ignoredAfterDigit(t) {
			continue
		}
		if haveLast {
			level, c := l.levels(last, t)
			if level == 1 || c > 0 || level == 4 && l.ignore.empty() {
				return false
			}
		}
		last, haveLast = t, true
	}
	return true
}

// learnMarks learns the order of the diacritics from the server's ranks of
// the single letters: for every base letter, the letter itself must come
// first and its accented forms after it, and all base letters must order
// the diacritics they have alike. It returns the level-2 weight of each
// diacritic (0: none), or false when the ranks admit no such order.
func learnMarks(rank map[string]int) (marks [nMarks + 1]byte, ok bool) {
	type form struct{ mark, rank int }
	forms := map[rune][]form{}
	for m, e := range accentedLetters {
		bases := []rune(e.bases)
		for i, r := range []rune(e.letters) {
			b := bases[i]
			if len(forms[b]) == 0 {
				rb, ok := rank[string(b)]
				if !ok {
					return marks, false
				}
				forms[b] = append(forms[b], form{0, rb})
			}
			rr, ok := rank[string(r)]
			if !ok {
				return marks, false
			}
			forms[b] = append(forms[b], form{m, rr})
		}
	}
	// before[a][b]: some base letter ranks diacritic a just before b.
	var before [nMarks + 1][nMarks + 1]bool
	for _, fs := range forms {
		slices.SortFunc(fs, func(x, y form) int { return x.rank - y.rank })
		if fs[0].mark != 0 {
			return marks, false
		}
		for i := 1; i < len(fs); i++ {
			if fs[i-1].rank == fs[i].rank {
				return marks, false
			}
			before[fs[i-1].mark][fs[i].mark] = true
		}
	}
	// A topological order of the diacritics under before, if it has no
	// cycle.
	var placed [nMarks + 1]bool
	for w := byte(1); w <= nMarks; w++ {
		next := 0
		for m := 1; m <= nMarks && next == 0; m++ {
			if placed[m] {
				continue
			}
			free := true
			for p := 1; p <= nMarks; p++ {
				if before[p][m] && !placed[p] {
					free = false
				}
			}
			if free {
				next = m
			}
		}
		if next == 0 {
			return marks, false
		}
		placed[next], marks[next] = true, w
	}
	return marks, true
}

// probeAlphabet is the ASCII characters of simple text, and probePunct the
// ASCII punctuation and symbols, ignorable in some orders.
const (
	probeAlphabet = " 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	probePunct    = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
)

// probeTexts returns every text of one or two characters of the local
// order (ASCII and accented) and a fixed sample of longer ones, sorted.
// The slice is shared: callers must not change it.
var probeTexts = sync.OnceValue(func() []string {
	alphabet := accentAlphabet()
	for i := range len(probeAlphabet) {
		alphabet = append(alphabet, probeAlphabet[i:i+1])
	}
	var out []string
	for _, a := range alphabet {
		out = append(out, a)
		for _, b := range alphabet {
			out = append(out, a+b)
		}
	}
	// Punctuation with itself and every ASCII character, either side.
	ascii := probeAlphabet + probePunct
	for i := range len(probePunct) {
		p := probePunct[i : i+1]
		out = append(out, p)
		for j := range len(ascii) {
			out = append(out, p+ascii[j:j+1], ascii[j:j+1]+p)
		}
	}
	alphabet = append(alphabet, strings.Split(probePunct, "")...)
	x := uint32(12345)
	rnd := func(n int) int {
		x = x*1664525 + 1013904223
		return int((x >> 16) % uint32(n))
	}
	for range 800 {
		b := make([]byte, 3+len(out)%4)
		for i := range b {
			b[i] = probeAlphabet[rnd(len(probeAlphabet))]
		}
		out = append(out, string(b))
	}
	for range 800 {
		var t string
		for range 3 + len(out)%4 {
			t += alphabet[rnd(len(alphabet))]
		}
		out = append(out, t)
	}
	slices.Sort(out)
	return slices.Compact(out)
})
