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
	formMySQLHex                 // _charset X'...' (MySQL: a NUL in NO_BACKSLASH_ESCAPES mode, a backslash after a non-ASCII byte)
	formSQLiteHex                // CAST(X'...' AS TEXT) (SQLite with a NUL)
)

// notable marks the bytes that decide a literal's form: ', \, NUL and the
// bytes of multibyte characters.
var notable = func() (t [256]bool) {
	t['\''], t['\\'], t[0] = true, true, true
	for c := utf8.RuneSelf; c < 256; c++ {
		t[c] = true
	}
	return t
}()

// strScan is what decides the literal form of a string.
type strScan struct {
	quotes, backslashes, nuls int // characters; a backslash includes 0x81 0x5F in SHIFT_JIS_2004
	high                      bool
	// guarded counts what a PostgreSQL literal writes as an octal escape so
	// that a session in another encoding cannot misread it (see
	// appendPGEscape).
	guarded int
	// bsAfterHigh: a backslash right after a byte of 0x80 or more.
	bsAfterHigh bool
}

// scanBytes scans s byte by byte from i, where the first notable byte is.
func scanBytes(s string, i int) (sc strScan) {
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\'':
			sc.quotes++
		case c == '\\':
			sc.backslashes++
			if i > 0 && s[i-1] >= utf8.RuneSelf {
				sc.guarded++
				sc.bsAfterHigh = true
			}
		case c == 0:
			sc.nuls++
		case c >= utf8.RuneSelf:
			sc.high = true
			if c == 0x81 && i+1 < len(s) && s[i+1] == '_' {
				sc.guarded++
			}
		}
	}
	return sc
}

// scanMulti scans s as characters of the encMulti set e, skipping trailing
// bytes with their character; s must be validated separately.
func scanMulti(s string, e encoding) (sc strScan) {
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == '\'':
			sc.quotes++
		case c == '\\':
			sc.backslashes++
			if i > 0 && s[i-1] >= utf8.RuneSelf {
				sc.guarded++
				sc.bsAfterHigh = true
			}
		case c == 0:
			sc.nuls++
		case c >= utf8.RuneSelf:
			sc.high = true
			if e.isBackslash815F(s, i) {
				sc.backslashes++
				sc.guarded++
			}
			i += max(e.charLen(s, i), 1)
			continue
		}
		i++
	}
	return sc
}

// stringForm picks the literal form of s and a capacity for it (exact but
// for PostgreSQL's E'...' form, where it is an upper bound).
func (q Quoter) stringForm(s string) (strForm, int, error) {
	i := 0
	for i < len(s) && !notable[s[i]] {
		i++
	}
	if i == len(s) && q.Dialect.Valid() {
		return formPlain, len(s) + 2, nil // nothing to escape in any session
	}
	sc := scanBytes(s, i)
	var e encoding
	if sc.high {
		if e = q.enc(); e.kind == encMulti {
			sc = scanMulti(s, e)
		}
	}
	switch q.Dialect {
	case dialect.Postgres:
		if sc.nuls > 0 {
			return 0, 0, ErrNULInText
		}
		if sc.high {
			if err := q.checkPGText(s, e); err != nil {
				return 0, 0, err
			}
		}
		if sc.backslashes > 0 || sc.guarded > 0 {
			return formPGEscape, len(s) + sc.quotes + sc.backslashes + 3*sc.guarded + 3, nil
		}
		return formPlain, len(s) + sc.quotes + 2, nil
	case dialect.MySQL:
		if sc.high {
			if err := q.checkMySQLText(s, e, "string"); err != nil {
				return 0, 0, err
			}
		}
		if !q.NoBackslashEscapes {
			if sc.bsAfterHigh && !e.wide {
				return formMySQLHex, len(q.introducer()) + 4 + 2*len(s), nil
			}
			return formMySQLEsc, len(s) + sc.quotes + sc.backslashes + sc.nuls + 2, nil
		}
		if sc.nuls > 0 {
			return formMySQLHex, len(q.introducer()) + 4 + 2*len(s), nil
		}
		return formPlain, len(s) + sc.quotes + 2, nil
	case dialect.SQLite:
		if sc.nuls > 0 {
			return formSQLiteHex, len("CAST(X'' AS TEXT)") + 2*len(s), nil
		}
		return formPlain, len(s) + sc.quotes + 2, nil
	}
	return 0, 0, q.checkDialect()
}

// appendString appends the literal of s in form f.
func (q Quoter) appendString(dst []byte, s string, f strForm) []byte {
	switch f {
	case formPlain:
		dst = append(dst, '\'')
		dst = appendDoubled(dst, s)
		return append(dst, '\'')
	case formPGEscape:
		return appendPGEscape(dst, s, q.enc())
	case formMySQLEsc:
		return appendMySQLEscape(dst, s, q.enc())
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
