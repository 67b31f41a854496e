package merge

import (
	"slices"
	"unicode/utf8"
)

// Ignorable characters. glibc's locales, such as en_US.UTF-8, give the
// space and punctuation no weight at the first three levels: "a b"
// sorts between "aa" and "ac", and only a fourth level, which the local
// order does not reproduce, orders "ab" against "a b" or "a-b". An order
// with ignore compares such text locally wherever the first three levels
// decide (compareDecided), and leaves the rest, text equal at those levels
// but different, to the server (localHeads.tie in the heap; tieRows in the
// ranked merge, whose keys, appendKey, are those of the characters that
// weigh). covers1 stays the text without ignored characters: rankTexts
// needs every pair decided. glibc (2.36) ignores all of them but a few
// symbols, such as the dollar sign, which have weights of their own; those
// stay uncovered. After a digit it orders accents and case its own way
// ("1 B" sorts before "1b", "1é" before "1 é"): such text is decided by
// its base characters only, and has no key.

// asciiSet is a set of ASCII characters.
type asciiSet [2]uint64

func (s asciiSet) has(c byte) bool { return c < utf8.RuneSelf && s[c>>6]&(1<<(c&63)) != 0 }

func (s *asciiSet) add(c byte) { s[c>>6] |= 1 << (c & 63) }

func (s asciiSet) empty() bool { return s == asciiSet{} }

// ignorable is the ASCII characters that may be ignorable: the space and
// the punctuation and symbols. Which of them are is learned from the
// server (learnIgnorable).
const ignorable = " " + probePunct

// streams1 reports whether the local order can compare t with other text
// it streams, but for ties at the first three levels under ignore:
// covers1, and with ignore also the ignorable characters (scan).
func (l *localOrder) streams1(t string) bool { return l.scan(t, true) }

// compareDecided orders two texts streams1 accepts; false when only the
// server can tell them apart: under ignore, texts equal at the first three
// levels, and past the first level text where an ignored character follows
// a digit (glibc orders diacritics and case its own way there: "1 B"
// before "1b", but "1é" before "1 é").
func (l *localOrder) compareDecided(a, b string) (int, bool) {
	if l.ignore.empty() {
		return l.compare(a, b), true
	}
	if a == b {
		return 0, true
	}
	switch level, c := l.levels(a, b); {
	case level == 4:
		return 0, false
	case level >= 2 && (l.ignoredAfterDigit(a) || l.ignoredAfterDigit(b)):
		return 0, false
	default:
		return c, true
	}
}

// ignoredAfterDigit reports whether an ignored character of t follows a
// digit.
func (l *localOrder) ignoredAfterDigit(t string) bool {
	for i := 1; i < len(t); i++ {
		if l.ignore.has(t[i]) && t[i-1] >= '0' && t[i-1] <= '9' {
			return true
		}
	}
	return false
}

// skip returns the index of the first character of t from i that weighs at
// the first three levels.
func (l *localOrder) skip(t string, i int) int {
	for i < len(t) && l.ignore.has(t[i]) {
		i++
	}
	return i
}

// hasIgnorable reports whether t has a character the order ignores: its
// key may then equal that of another text.
func (l *localOrder) hasIgnorable(t string) bool {
	for i := 0; i < len(t); i++ {
		if l.ignore.has(t[i]) {
			return true
		}
	}
	return false
}

// learnIgnorable returns the characters of ignorable that the server's
// ranks of the probe texts show to be ignorable at the first three levels,
// each tried alone with the ASCII letters and digits, before it and after.
func learnIgnorable(rank map[string]int) asciiSet {
	const alnum = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	var base []string
	for i := range len(alnum) {
		base = append(base, alnum[i:i+1])
		for j := range len(alnum) {
			base = append(base, alnum[i:i+1]+alnum[j:j+1])
		}
	}
	var out asciiSet
	for i := range len(ignorable) {
		c := ignorable[i : i+1]
		texts := append(slices.Clone(base), c)
		for j := range len(alnum) {
			texts = append(texts, c+alnum[j:j+1], alnum[j:j+1]+c)
		}
		l := localOrder{ok: true}
		l.ignore.add(c[0])
		if agrees(l, slices.DeleteFunc(texts, func(t string) bool { return !l.streams1(t) }), rank) {
			out.add(c[0])
		}
	}
	return out
}
