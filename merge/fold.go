package merge

import (
	"cmp"
	"unicode"
	"unicode/utf8"
)

// compareFold compares text the way MySQL's *_general_ci collations do, as
// far as Unicode simple case mapping goes: each character by its upper case,
// trailing spaces ignored (PAD SPACE). Accent folding is not done.
func compareFold[A, B text](a A, b B) int {
	a, b = a[:trimSpaceEnd(a)], b[:trimSpaceEnd(b)]
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		ra, na := decodeRune(a, i)
		rb, nb := decodeRune(b, j)
		if ra != rb {
			if ua, ub := unicode.ToUpper(ra), unicode.ToUpper(rb); ua != ub {
				return cmp.Compare(ua, ub)
			}
		}
		i += na
		j += nb
	}
	return cmp.Compare(len(a)-i, len(b)-j)
}

// appendFold appends the folded form of s: equal under compareFold exactly
// when the folded forms are equal.
func appendFold[T text](buf []byte, s T) []byte {
	s = s[:trimSpaceEnd(s)]
	for i := 0; i < len(s); {
		r, n := decodeRune(s, i)
		if r > unicode.MaxRune { // an invalid byte: 0xFF never occurs in UTF-8
			buf = append(buf, 0xFF, s[i])
		} else {
			buf = utf8.AppendRune(buf, unicode.ToUpper(r))
		}
		i += n
	}
	return buf
}

func trimSpaceEnd[T text](s T) int {
	n := len(s)
	for n > 0 && s[n-1] == ' ' {
		n--
	}
	return n
}

// decodeRune decodes the character at s[i]. An invalid byte b decodes as
// unicode.MaxRune+1+b, so that distinct invalid bytes stay distinct and sort
// after every character; case mapping leaves it unchanged.
func decodeRune[T text](s T, i int) (rune, int) {
	if c := s[i]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	var buf [utf8.UTFMax]byte
	n := copy(buf[:], s[i:])
	r, size := utf8.DecodeRune(buf[:n])
	if r == utf8.RuneError && size == 1 {
		return unicode.MaxRune + 1 + rune(s[i]), 1
	}
	return r, size
}
