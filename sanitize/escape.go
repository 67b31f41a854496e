package sanitize

import "unicode/utf8"

// checkPGText checks PostgreSQL text holding a byte of 0x80 or more.
func (q Quoter) checkPGText(s string, e encoding) error {
	if e.kind == encUTF8 {
		if !utf8.ValidString(s) {
			return errorf(ErrInvalidUTF8, "PostgreSQL rejects invalid UTF-8 in text")
		}
		return nil
	}
	return e.validateHigh(s, "string")
}

// checkMySQLText checks MySQL text (a string or an identifier) holding a
// byte of 0x80 or more.
func (q Quoter) checkMySQLText(s string, e encoding, what string) error {
	switch e.kind {
	case encUTF8:
		if !utf8.ValidString(s) {
			return errorf(ErrInvalidUTF8, "MySQL rejects invalid UTF-8 in a utf8mb4 "+what)
		}
	case encUTF8MB3:
		if !utf8.ValidString(s) {
			return errorf(ErrInvalidUTF8, "MySQL rejects invalid UTF-8 in a utf8mb3 "+what)
		}
		for _, r := range s {
			if r > 0xFFFF {
				return errorf(ErrInvalidUTF8, "character outside the BMP in a utf8mb3 "+what)
			}
		}
	default:
		return e.validateHigh(s, what)
	}
	return nil
}

// appendPGEscape appends E'...' with quotes doubled and backslashes
// escaped. Two bytes are written as octal escapes instead, so that no
// session encoding can make the literal end early: a backslash right after a
// byte of 0x80 or more is \134 (a session whose multibyte characters end in
// 0x5C may absorb the escaping backslash into a character; then only the
// digits 134 remain, never a backslash escaping what follows), and outside
// the multibyte encodings an underscore right after 0x81 is \137 (SHIFT_JIS_2004
// reads 0x81 0x5F as one character, which it converts to a backslash). In
// SHIFT_JIS_2004 itself that character is the backslash \134.
func appendPGEscape(dst []byte, s string, e encoding) []byte {
	dst = append(dst, 'E', '\'')
	multi := e.kind == encMulti
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && !escSpecial[s[j]] {
			j++
		}
		dst = append(dst, s[i:j]...)
		if i = j; i == len(s) {
			break
		}
		switch c := s[i]; {
		case c == '\'':
			dst = append(dst, '\'', '\'')
		case c == '\\':
			if i > 0 && s[i-1] >= utf8.RuneSelf {
				dst = append(dst, `\134`...)
			} else {
				dst = append(dst, '\\', '\\')
			}
		case c == '_' && !multi && i > 0 && s[i-1] == 0x81:
			dst = append(dst, `\137`...)
		case c >= utf8.RuneSelf && multi:
			if e.isBackslash815F(s, i) {
				dst = append(dst, `\134`...)
				i += 2
				continue
			}
			n := max(e.charLen(s, i), 1)
			dst = append(dst, s[i:i+n]...)
			i += n
			continue
		default:
			dst = append(dst, c)
		}
		i++
	}
	return append(dst, '\'')
}

// escSpecial marks the bytes the escaping writers look at: quote,
// backslash, NUL, underscore and the bytes of multibyte characters.
var escSpecial = func() (t [256]bool) {
	t['\''], t['\\'], t[0], t['_'] = true, true, true, true
	for c := utf8.RuneSelf; c < 256; c++ {
		t[c] = true
	}
	return t
}()

// appendMySQLEscape appends '...' with quotes doubled, backslashes escaped
// and NUL as \0, leaving the bytes of multibyte characters as they are.
func appendMySQLEscape(dst []byte, s string, e encoding) []byte {
	dst = append(dst, '\'')
	multi := e.kind == encMulti
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && !escSpecial[s[j]] {
			j++
		}
		dst = append(dst, s[i:j]...)
		if i = j; i == len(s) {
			break
		}
		switch c := s[i]; {
		case c == '\'':
			dst = append(dst, '\'', '\'')
		case c == '\\':
			dst = append(dst, '\\', '\\')
		case c == 0:
			dst = append(dst, '\\', '0')
		case c >= utf8.RuneSelf && multi:
			n := max(e.charLen(s, i), 1)
			dst = append(dst, s[i:i+n]...)
			i += n
			continue
		default:
			dst = append(dst, c)
		}
		i++
	}
	return append(dst, '\'')
}
