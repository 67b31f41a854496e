package merge

import (
	"cmp"
	"context"
	"reflect"
	"slices"
	"strings"
	"sync"
)

// localOrder is the order of simple text (ASCII letters, digits and, with
// space, the space) that the common linguistic collations share: compared
// first by base characters (a space before digits before letters, letters
// regardless of case), then by case at the first difference, lower case
// first. ok says whether the server agreed on the probe (rank.go).
type localOrder struct{ ok, space bool }

// covers reports whether every text is simple enough for the local order.
func (l localOrder) covers(texts []string) bool {
	for _, t := range texts {
		if !l.covers1(t) {
			return false
		}
	}
	return l.ok
}

// covers1 reports whether one text is simple enough for the local order.
func (l localOrder) covers1(t string) bool {
	if !l.ok {
		return false
	}
	for i := 0; i < len(t); i++ {
		if primary(t[i]) == 0 || (t[i] == ' ' && !l.space) {
			return false
		}
	}
	return true
}

// primary is the base weight of a simple character, 0 for the others.
func primary(c byte) int {
	switch {
	case c == ' ':
		return 1
	case c >= '0' && c <= '9':
		return 2 + int(c-'0')
	case c >= 'a' && c <= 'z':
		return 12 + int(c-'a')
	case c >= 'A' && c <= 'Z':
		return 12 + int(c-'A')
	}
	return 0
}

// compare orders two simple texts.
func (localOrder) compare(a, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if x, y := primary(a[i]), primary(b[i]); x != y {
			return cmp.Compare(x, y)
		}
	}
	if len(a) != len(b) {
		return cmp.Compare(len(a), len(b))
	}
	for i := 0; i < n; i++ {
		if x, y := a[i] >= 'A' && a[i] <= 'Z', b[i] >= 'A' && b[i] <= 'Z'; x != y {
			if x {
				return 1
			}
			return -1
		}
	}
	return 0
}

// probeKey identifies a probe result: a ranker and a collation.
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
	if r == nil || !reflect.TypeOf(r).Comparable() {
		return localOrder{}
	}
	key := probeKey{r, collation}
	if v, ok := probes.Load(key); ok {
		return v.(localOrder)
	}
	texts := probeTexts()
	ranks, err := r.Rank(ctx, collation, texts)
	if err != nil || len(ranks) != len(texts) {
		return localOrder{}
	}
	rank := make(map[string]int, len(texts))
	for i, t := range texts {
		rank[t] = ranks[i]
	}
	l := localOrder{}
	switch {
	case agrees(texts, rank):
		l = localOrder{ok: true, space: true}
	case agrees(slices.DeleteFunc(slices.Clone(texts), func(t string) bool { return strings.Contains(t, " ") }), rank):
		l = localOrder{ok: true}
	}
	probes.Store(key, l)
	return l
}

// agrees reports whether the server's ranks order texts strictly as the
// local order does.
func agrees(texts []string, rank map[string]int) bool {
	sorted := slices.Clone(texts)
	slices.SortFunc(sorted, localOrder{}.compare)
	for i := 1; i < len(sorted); i++ {
		if rank[sorted[i-1]] >= rank[sorted[i]] {
			return false
		}
	}
	return true
}

// probeAlphabet is the characters of simple text.
const probeAlphabet = " 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

// probeTexts returns every text of one or two simple characters and a fixed
// sample of longer ones.
func probeTexts() []string {
	var out []string
	for i := range len(probeAlphabet) {
		out = append(out, probeAlphabet[i:i+1])
		for j := range len(probeAlphabet) {
			out = append(out, probeAlphabet[i:i+1]+probeAlphabet[j:j+1])
		}
	}
	x := uint32(12345)
	for range 800 {
		b := make([]byte, 3+len(out)%4)
		for i := range b {
			x = x*1664525 + 1013904223
			b[i] = probeAlphabet[(x>>16)%uint32(len(probeAlphabet))]
		}
		out = append(out, string(b))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// primaries is primary by byte; cases is 1 for the upper-case letters.
var primaries, cases = func() (p, c [256]byte) {
	for b := range 256 {
		p[b] = byte(primary(byte(b)))
		if b >= 'A' && b <= 'Z' {
			c[b] = 1
		}
	}
	return p, c
}()

// appendKey appends to dst a byte key of t that orders, under
// bytes.Compare, as compare orders simple text, and reports whether the
// local order covers t (if not, dst comes back as it was). The key is the
// base weight of each character, a 0 (so a text sorts before any longer
// text it is the base of), then per character a 1 for an upper-case
// letter and a 0 otherwise (the first difference of case, lower case
// first).
func (l localOrder) appendKey(dst []byte, t string) ([]byte, bool) {
	if !l.ok {
		return dst, false
	}
	start := len(dst)
	for i := 0; i < len(t); i++ {
		p := primaries[t[i]]
		if p == 0 || (p == 1 && !l.space) {
			return dst[:start], false
		}
		dst = append(dst, p)
	}
	dst = append(dst, 0)
	for i := 0; i < len(t); i++ {
		dst = append(dst, cases[t[i]])
	}
	return dst, true
}
