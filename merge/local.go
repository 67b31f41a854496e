package merge

import (
	"cmp"
	"encoding/binary"
	"math/bits"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// localOrder is the order of simple text (ASCII letters, digits and, with
// space, the space; with punct, ASCII punctuation; with accents, also the
// accented letters of local_accents.go) that the common linguistic
// collations share: compared first by base characters (a space before
// punctuation before digits before letters, letters regardless of case and
// accents), then by diacritics position by position
// (none first, then in the order of marks), then by case at the first
// difference, lower case first. ok says whether the server agreed on the
// probe (local_probe.go). The ASCII characters in ignore (the space and
// punctuation, as in glibc's locales) weigh nothing at those three levels,
// and only a fourth level the local order does not know tells apart texts
// that differ in them alone (local_ignore.go).
type localOrder struct {
	// punct: the ASCII punctuation and symbols too, each with a base weight
	// between the space and the digits, in punctOrder (ICU's).
	ok, space, accents, punct bool
	// marks is the level-2 weight of each diacritic (0: none).
	marks [nMarks + 1]byte
	// ignore is a set of ASCII characters, a bit per byte value.
	ignore asciiSet
}

// covers reports whether every text is simple enough for the local order.
func (l *localOrder) covers(texts []string) bool {
	for _, t := range texts {
		if !l.covers1(t) {
			return false
		}
	}
	return l.ok
}

// covers1 reports whether one text is simple enough for the local order
// to decide every comparison with it.
func (l *localOrder) covers1(t string) bool { return l.scan(t, false) }

// scan reports whether the order covers every character of t: the ASCII
// ones of ascii, the accented letters with accents, and with ignored also
// the characters it ignores (local_ignore.go). The
// ignored characters are never in ascii: orders that ignore some neither
// rank the space nor punctuation.
func (l *localOrder) scan(t string, ignored bool) bool {
	if !l.ok {
		return false
	}
	ascii := l.ascii()
	for i := 0; i < len(t); {
		c := t[i]
		if ascii[c] {
			i++
			continue
		}
		if ignored && l.ignore.has(c) {
			i++
			continue
		}
		if c < utf8.RuneSelf || !l.accents {
			return false
		}
		x, n := letterAt(t, i)
		if x.p == 0 {
			return false
		}
		i += n
	}
	return true
}

// asciiCovered is, per use of the space and of punctuation, true for the
// ASCII bytes the order covers.
var asciiCovered = func() (out [2][2][256]bool) {
	for c := range byte(utf8.RuneSelf) {
		for space := range 2 {
			for punct := range 2 {
				isPunct := strings.IndexByte(punctOrder, c) >= 0
				out[space][punct][c] = primary(c) != 0 && (c != ' ' || space == 1) && (!isPunct || punct == 1)
			}
		}
	}
	return out
}()

// ascii returns the ASCII bytes the order covers.
func (l *localOrder) ascii() *[256]bool {
	space, punct := 0, 0
	if l.space {
		space = 1
	}
	if l.punct {
		punct = 1
	}
	return &asciiCovered[space][punct]
}

// punctOrder is the ASCII punctuation and symbols in the order of their
// base weights in ICU (the CLDR root collation), between the space and
// the digits.
const punctOrder = "_-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$"

// primary is the base weight of a simple ASCII character, 0 for the others.
func primary(c byte) int {
	switch {
	case c == ' ':
		return 1
	case strings.IndexByte(punctOrder, c) >= 0:
		return 2 + strings.IndexByte(punctOrder, c)
	case c >= '0' && c <= '9':
		return 2 + len(punctOrder) + int(c-'0')
	case c >= 'a' && c <= 'z':
		return 12 + len(punctOrder) + int(c-'a')
	case c >= 'A' && c <= 'Z':
		return 12 + len(punctOrder) + int(c-'A')
	}
	return 0
}

// compare orders two texts the local order covers.
func (l *localOrder) compare(a, b string) int {
	// The characters both begin with weigh the same at every level: the
	// texts compare as what follows them. Often that is decided at once:
	// every covered character has a base weight, so a text that the other
	// continues sorts first, and two different ASCII base weights decide.
	d := commonPrefix(a, b)
	switch {
	case d == len(a) || d == len(b):
		return cmp.Compare(len(a), len(b))
	case a[d] < utf8.RuneSelf && b[d] < utf8.RuneSelf && primaries[a[d]] != primaries[b[d]]:
		return cmp.Compare(primaries[a[d]], primaries[b[d]])
	}
	_, c := l.levelsFrom(a, b, d)
	return c
}

// levels returns the first level at which two texts streams1 accepts
// differ (1: base characters, 2: diacritics, 3: case; 4: none of those)
// and how they compare there, over the characters that weigh.
func (l *localOrder) levels(a, b string) (int, int) {
	return l.levelsFrom(a, b, commonPrefix(a, b))
}

// levelsFrom is levels for texts whose first d bytes are the same: those
// characters weigh the same at every level.
func (l *localOrder) levelsFrom(a, b string, d int) (int, int) {
	for d > 0 && (d < len(a) && !utf8.RuneStart(a[d]) || d < len(b) && !utf8.RuneStart(b[d])) {
		d--
	}
	i, j := d, d
	for {
		i, j = l.skip(a, i), l.skip(b, j)
		if i == len(a) || j == len(b) {
			break
		}
		x, n := letterAt(a, i)
		y, m := letterAt(b, j)
		if x.p != y.p {
			return 1, cmp.Compare(x.p, y.p)
		}
		i, j = i+n, j+m
	}
	switch {
	case i < len(a):
		return 1, 1
	case j < len(b):
		return 1, -1
	}
	for level := 2; level <= 3; level++ {
		for i, j = l.skip(a, d), l.skip(b, d); i < len(a); i, j = l.skip(a, i), l.skip(b, j) {
			x, n := letterAt(a, i)
			y, m := letterAt(b, j)
			if level == 2 && x.mark != y.mark {
				return 2, cmp.Compare(l.marks[x.mark], l.marks[y.mark])
			}
			if level == 3 && x.upper != y.upper {
				return 3, cmp.Compare(x.upper, y.upper)
			}
			i, j = i+n, j+m
		}
	}
	return 4, 0
}

// commonPrefix returns the length in bytes of the longest common prefix
// of a and b, comparing eight bytes at a time.
func commonPrefix(a, b string) int {
	n, d := min(len(a), len(b)), 0
	for ; d+8 <= n; d += 8 {
		x := binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(a[d:]), 8))
		y := binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(b[d:]), 8))
		if x != y {
			return d + bits.TrailingZeros64(x^y)/8
		}
	}
	for d < n && a[d] == b[d] {
		d++
	}
	return d
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
// bytes.Compare, as compare orders covered text, and reports whether the
// local order covers t (if not, dst comes back as it was). The key is the
// base weight of each character, a 0 (so a text sorts before any longer
// text it is the base of); then, only when t has an accented letter, per
// character 2 plus the weight of its diacritic and a 0; then per character
// a 1 for an upper-case letter and a 0 otherwise (the first difference of
// case, lower case first). Text without accents thus has the key of the
// ASCII order, and sorts before accented text of the same base letters:
// its next byte is 0 or 1, theirs at least 2. Under ignore, it keys the
// text streams1 accepts by its characters that weigh: texts with the same
// key then differ at most in ignorable characters (hasIgnorable).
func (l *localOrder) appendKey(dst []byte, t string) ([]byte, bool) {
	if !l.ok || !l.ignore.empty() && (!l.streams1(t) || l.ignoredAfterDigit(t)) {
		return dst, false
	}
	start, accents := len(dst), false
	for i := 0; i < len(t); {
		c := t[i]
		if l.ignore.has(c) {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			if !l.ascii()[c] {
				return dst[:start], false
			}
			dst = append(dst, primaries[c])
			i++
			continue
		}
		x, n := letterAt(t, i)
		if x.p == 0 || !l.accents {
			return dst[:start], false
		}
		dst = append(dst, x.p)
		i, accents = i+n, true
	}
	dst = append(dst, 0)
	if !accents {
		for i := 0; i < len(t); i++ {
			if !l.ignore.has(t[i]) {
				dst = append(dst, cases[t[i]])
			}
		}
		return dst, true
	}
	for i := l.skip(t, 0); i < len(t); i = l.skip(t, i) {
		x, n := letterAt(t, i)
		dst = append(dst, 2+l.marks[x.mark])
		i += n
	}
	dst = append(dst, 0)
	for i := l.skip(t, 0); i < len(t); i = l.skip(t, i) {
		x, n := letterAt(t, i)
		dst = append(dst, x.upper)
		i += n
	}
	return dst, true
}
