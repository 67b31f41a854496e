package sanitize

import (
	"unicode/utf8"
	"unsafe"

	"github.com/grantsql/grant/dialect"
)

// strForm is the shape of one string literal.
type strForm uint8

const (
	formPlain     strForm = iota // '...' with ' doubled
	formPGEscape                 // E'...' with ' and \ doubled (PostgreSQL, any standard_conforming_strings)
	formMySQLEsc                 // '...' with ' doubled, \ as \\ and NUL as \0 (MySQL default mode)
	formMySQLHex                 // _utf8mb4 X'...' (MySQL NO_BACKSLASH_ESCAPES with a NUL)
	formSQLiteHex                // CAST(X'...' AS TEXT) (SQLite with a NUL)
)

// notable marks the bytes that decide a literal's form: ', \, NUL and the
// bytes of multibyte UTF-8 sequences.
var notable = func() (t [256]bool) {
	t['\''], t['\\'], t[0] = true, true, true
	for c := utf8.RuneSelf; c < 256; c++ {
		t[c] = true
	}
	return t
}()

// scanString counts the bytes of s that decide its literal form.
func scanString(s string) (quotes, backslashes, nuls int, high bool) {
	i := 0
	for i < len(s) && !notable[s[i]] {
		i++
	}
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\'':
			quotes++
		case c == '\\':
			backslashes++
		case c == 0:
			nuls++
		case c >= utf8.RuneSelf:
			high = true
		}
	}
	return
}

// stringForm picks the literal form of s and its exact length in bytes.
func (q Quoter) stringForm(s string) (strForm, int, error) {
	quotes, backslashes, nuls, high := scanString(s)
	switch q.Dialect {
	case dialect.Postgres:
		if nuls > 0 {
			return 0, 0, ErrNULInText
		}
		if high && !utf8.ValidString(s) {
			return 0, 0, errorf(ErrInvalidUTF8, "PostgreSQL rejects invalid UTF-8 in text")
		}
		if backslashes > 0 {
			return formPGEscape, len(s) + quotes + backslashes + 3, nil
		}
		return formPlain, len(s) + quotes + 2, nil
	case dialect.MySQL:
		if err := q.checkCharset(high); err != nil {
			return 0, 0, err
		}
		if high {
			if err := q.checkMySQLUTF8(s); err != nil {
				return 0, 0, err
			}
		}
		if !q.NoBackslashEscapes {
			return formMySQLEsc, len(s) + quotes + backslashes + nuls + 2, nil
		}
		if nuls > 0 {
			return formMySQLHex, len(q.introducer()) + 3 + 2*len(s), nil
		}
		return formPlain, len(s) + quotes + 2, nil
	case dialect.SQLite:
		if nuls > 0 {
			return formSQLiteHex, len("CAST(X'' AS TEXT)") + 2*len(s), nil
		}
		return formPlain, len(s) + quotes + 2, nil
	}
	return 0, 0, q.checkDialect()
}

func (q Quoter) checkMySQLUTF8(s string) error {
	switch q.charset() {
	case csUTF8:
		if !utf8.ValidString(s) {
			return errorf(ErrInvalidUTF8, "MySQL rejects invalid UTF-8 in a utf8mb4 string")
		}
	case csUTF8MB3:
		if !utf8.ValidString(s) {
			return errorf(ErrInvalidUTF8, "MySQL rejects invalid UTF-8 in a utf8mb3 string")
		}
		for _, r := range s {
			if r > 0xFFFF {
				return errorf(ErrInvalidUTF8, "character outside the BMP in a utf8mb3 string")
			}
		}
	}
	return nil
}

// appendString appends the literal of s in form f.
func (q Quoter) appendString(dst []byte, s string, f strForm) []byte {
	switch f {
	case formPlain:
		dst = append(dst, '\'')
		dst = appendDoubled(dst, s)
		return append(dst, '\'')
	case formPGEscape:
		dst = append(dst, 'E', '\'')
		for i := 0; i < len(s); i++ {
			switch c := s[i]; c {
			case '\'', '\\':
				dst = append(dst, c, c)
			default:
				dst = append(dst, c)
			}
		}
		return append(dst, '\'')
	case formMySQLEsc:
		dst = append(dst, '\'')
		for i := 0; i < len(s); i++ {
			switch c := s[i]; c {
			case '\'':
				dst = append(dst, '\'', '\'')
			case '\\':
				dst = append(dst, '\\', '\\')
			case 0:
				dst = append(dst, '\\', '0')
			default:
				dst = append(dst, c)
			}
		}
		return append(dst, '\'')
	case formMySQLHex:
		dst = append(dst, q.introducer()...)
		dst = append(dst, " X'"...)
		dst = appendHex(dst, s)
		return append(dst, '\'')
	default: // formSQLiteHex
		dst = append(dst, "CAST(X'"...)
		dst = appendHex(dst, s)
		return append(dst, "' AS TEXT)"...)
	}
}

// appendDoubled appends s with every single quote doubled, copying the runs
// between quotes whole.
func appendDoubled(dst []byte, s string) []byte {
	for {
		i := indexQuote(s)
		if i < 0 {
			return append(dst, s...)
		}
		dst = append(dst, s[:i+1]...)
		dst = append(dst, '\'')
		s = s[i+1:]
	}
}

func indexQuote(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' {
			return i
		}
	}
	return -1
}

const hexDigits = "0123456789abcdef"

func appendHex[T string | []byte](dst []byte, b T) []byte {
	for i := 0; i < len(b); i++ {
		dst = append(dst, hexDigits[b[i]>>4], hexDigits[b[i]&0x0f])
	}
	return dst
}

// QuoteString returns the string literal of s: the fast form of Quote for a
// string, with one allocation.
func (q Quoter) QuoteString(s string) (string, error) {
	f, n, err := q.stringForm(s)
	if err != nil {
		return "", top(err)
	}
	buf := make([]byte, 0, n)
	if n == len(s)+2 && (f == formPlain || f == formMySQLEsc) { // nothing to escape
		buf = append(append(append(buf, '\''), s...), '\'')
	} else {
		buf = q.appendString(buf, s, f)
	}
	// buf is never written again: hand its bytes to the string, as
	// strings.Builder does, instead of copying them.
	return unsafe.String(unsafe.SliceData(buf), len(buf)), nil
}

// appendBytes appends the binary literal of b; a nil slice is NULL.
func (q Quoter) appendBytes(dst, b []byte) ([]byte, error) {
	if b == nil {
		return append(dst, "NULL"...), nil
	}
	switch q.Dialect {
	case dialect.Postgres:
		// E'' so the literal reads the same with standard_conforming_strings off.
		dst = append(dst, `E'\\x`...)
		dst = appendHex(dst, b)
		return append(dst, "'::bytea"...), nil
	case dialect.MySQL, dialect.SQLite:
		dst = append(dst, "X'"...)
		dst = appendHex(dst, b)
		return append(dst, '\''), nil
	}
	return dst, q.checkDialect()
}
