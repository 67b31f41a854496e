package analyze

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// StringValue returns the value a TokString denotes: the body without prefix
// and quotes, doubled quotes undone and, with FlagBackslash, backslash escapes
// decoded (MySQL's and PostgreSQL E'..' sets). A dollar-quoted body is
// returned as written, a B'..' or X'..' string as its digits, and the escapes
// of a U&'..' string are left as written. It allocates only when something
// must be undone.
func (t Token) StringValue(src string) string {
	s := src[t.Start:t.End]
	unterminated := t.Flags&FlagUnterminated != 0
	if t.Flags&FlagDollar != 0 {
		tagLen := strings.IndexByte(s[1:], '$') + 2
		body := s[tagLen:]
		if !unterminated && len(body) >= tagLen {
			body = body[:len(body)-tagLen]
		}
		return body
	}
	q := strings.IndexAny(s, "'\"`")
	if q < 0 {
		return ""
	}
	quote := s[q]
	body := s[q+1:]
	if !unterminated && len(body) > 0 {
		body = body[:len(body)-1]
	}
	if t.Flags&FlagBackslash != 0 && strings.IndexByte(body, '\\') >= 0 {
		return unescapeBackslash(body, quote)
	}
	dq := s[q : q+1]
	if strings.Contains(body, dq+dq) {
		return strings.ReplaceAll(body, dq+dq, dq)
	}
	return body
}

// unescapeBackslash decodes a string body with backslash escapes and doubled
// quotes: \0 \b \f \n \r \t \Z, octal \ooo, \xhh, \uXXXX and \UXXXXXXXX;
// any other escaped byte stands for itself, except that \% and \_ keep their
// backslash (MySQL keeps them for LIKE patterns).
func unescapeBackslash(body string, quote byte) string {
	var b strings.Builder
	b.Grow(len(body))
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c == quote && i+1 < len(body) && body[i+1] == quote {
			b.WriteByte(quote)
			i++
			continue
		}
		if c != '\\' || i+1 >= len(body) {
			b.WriteByte(c)
			continue
		}
		i++
		c = body[i]
		switch c {
		case '0', '1', '2', '3', '4', '5', '6', '7':
			n, j := 0, i
			for j < len(body) && j < i+3 && body[j] >= '0' && body[j] <= '7' {
				n = n*8 + int(body[j]-'0')
				j++
			}
			b.WriteByte(byte(n))
			i = j - 1
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'Z':
			b.WriteByte(0x1a)
		case '%', '_':
			b.WriteByte('\\')
			b.WriteByte(c)
		case 'x', 'u', 'U':
			width := 2
			if c == 'u' {
				width = 4
			} else if c == 'U' {
				width = 8
			}
			j := i + 1
			for j < len(body) && j < i+1+width && isHex(body[j]) {
				j++
			}
			if j == i+1 {
				b.WriteByte(c)
				continue
			}
			n, _ := strconv.ParseUint(body[i+1:j], 16, 32)
			if c == 'x' {
				b.WriteByte(byte(n))
			} else if n <= utf8.MaxRune {
				b.WriteRune(rune(n))
			}
			i = j - 1
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
