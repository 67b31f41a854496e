package merge

import "unicode/utf8"

// The accented letters of the local order: precomposed Latin letters
// whose canonical decomposition is an ASCII letter and one diacritic among
// eight. The linguistic collations order them as their base letter first
// (level 1), then by the diacritic (level 2: no diacritic first, the order
// among diacritics learned from the server by the probe), then by case.

// The diacritics of the accented letters; 0 is none.
const (
	grave = 1 + iota
	acute
	circumflex
	tilde
	diaeresis
	ring
	cedilla
	caron
	nMarks = caron
)

// accentedLetters lists the accented letters by diacritic, each with its
// base letters in the same order.
var accentedLetters = [nMarks + 1]struct{ letters, bases string }{
	grave:      {"ÀÈÌÒÙàèìòù", "AEIOUaeiou"},
	acute:      {"ÁÉÍÓÚÝáéíóúýĆćĹĺŃńŔŕŚśŹź", "AEIOUYaeiouyCcLlNnRrSsZz"},
	circumflex: {"ÂÊÎÔÛâêîôûĈĉĜĝĤĥĴĵŜŝŴŵŶŷ", "AEIOUaeiouCcGgHhJjSsWwYy"},
	tilde:      {"ÃÑÕãñõĨĩŨũ", "ANOanoIiUu"},
	diaeresis:  {"ÄËÏÖÜäëïöüÿŸ", "AEIOUaeiouyY"},
	ring:       {"ÅåŮů", "AaUu"},
	cedilla:    {"ÇçĢģĶķĻļŅņŖŗŞşŢţ", "CcGgKkLlNnRrSsTt"},
	caron:      {"ČčĎďĚěĽľŇňŘřŠšŤťŽž", "CcDdEeLlNnRrSsTtZz"},
}

// letter is a character of the local order: its base weight (primary; 0
// for a character the local order does not cover), its diacritic and 1 for
// an upper-case letter.
type letter struct{ p, mark, upper byte }

// The accented letters are all in U+00C0..U+017F.
const accentedFirst, accentedEnd = 0xC0, 0x180

// accented is the letter of each rune from accentedFirst, zero for the
// ones not covered.
var accented = func() (out [accentedEnd - accentedFirst]letter) {
	for m, e := range accentedLetters {
		bases := []rune(e.bases)
		for i, r := range []rune(e.letters) {
			b := byte(bases[i])
			out[r-accentedFirst] = letter{p: primaries[b], mark: byte(m), upper: cases[b]}
		}
	}
	return out
}()

// letterAt decodes the character of t at byte i and returns it with its
// length in bytes; its p is 0 when the local order does not cover it.
func letterAt(t string, i int) (letter, int) {
	if c := t[i]; c < utf8.RuneSelf {
		return letter{p: primaries[c], upper: cases[c]}, 1
	}
	r, n := utf8.DecodeRuneInString(t[i:])
	if r < accentedFirst || r >= accentedEnd {
		return letter{}, n
	}
	return accented[r-accentedFirst], n
}

// accentAlphabet returns the accented letters, sorted by code point.
func accentAlphabet() []string {
	var out []string
	for r := rune(accentedFirst); r < accentedEnd; r++ {
		if accented[r-accentedFirst].p != 0 {
			out = append(out, string(r))
		}
	}
	return out
}
