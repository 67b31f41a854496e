package sanitize

import (
	"strconv"
	"unicode/utf8"
	"unsafe"

	"github.com/grantsql/grant/dialect"
)

// QuoteIdent quotes an identifier, splitting a qualified name on its dots:
// schema.table becomes "schema"."table" (PostgreSQL, SQLite) or
// `schema`.`table` (MySQL, whose backticks work in ANSI_QUOTES mode too).
// The quote character inside a name is doubled. Every name is quoted, so
// keywords and mixed case are safe; PostgreSQL then no longer folds the name
// to lower case. An empty name or part, a NUL byte and invalid UTF-8 are
// errors wrapping ErrInvalidIdent or ErrInvalidUTF8. A name that itself
// holds a dot needs QuoteIdentParts.
func (q Quoter) QuoteIdent(name string) (string, error) {
	if name == "" {
		return "", top(errorf(ErrInvalidIdent, "empty name"))
	}
	n, err := q.identSize(name, true)
	if err != nil {
		return "", top(err)
	}
	buf := q.appendIdent(make([]byte, 0, n), name, true)
	return unsafe.String(unsafe.SliceData(buf), len(buf)), nil
}

// QuoteIdentParts quotes each part as one name, dots included, and joins
// them with dots: QuoteIdentParts("public", "a.b") is "public"."a.b".
func (q Quoter) QuoteIdentParts(parts ...string) (string, error) {
	if len(parts) == 0 {
		return "", top(errorf(ErrInvalidIdent, "no parts"))
	}
	n := len(parts) - 1
	for _, p := range parts {
		m, err := q.identSize(p, false)
		if err != nil {
			return "", top(err)
		}
		n += m
	}
	buf := make([]byte, 0, n)
	for i, p := range parts {
		if i > 0 {
			buf = append(buf, '.')
		}
		buf = q.appendIdent(buf, p, false)
	}
	return unsafe.String(unsafe.SliceData(buf), len(buf)), nil
}

// appendQuotedIdent checks and appends a qualified name.
func (q Quoter) appendQuotedIdent(dst []byte, name string) ([]byte, error) {
	if name == "" {
		return dst, errorf(ErrInvalidIdent, "empty name")
	}
	if _, err := q.identSize(name, true); err != nil {
		return dst, err
	}
	return q.appendIdent(dst, name, true), nil
}

func (q Quoter) identQuote() (byte, error) {
	switch q.Dialect {
	case dialect.Postgres, dialect.SQLite:
		return '"', nil
	case dialect.MySQL:
		return '`', nil
	}
	return 0, q.checkDialect()
}

// identSize checks name and returns the length of its quoted form.
func (q Quoter) identSize(name string, split bool) (int, error) {
	quote, err := q.identQuote()
	if err != nil {
		return 0, err
	}
	e := q.enc()
	n, partLen, high := 2, 0, false
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '.' && split:
			if partLen == 0 {
				return 0, errorf(ErrInvalidIdent, "empty part in "+strconv.Quote(name))
			}
			partLen = 0
			n += 3
			continue
		case c == quote:
			if i > 0 && name[i-1] >= utf8.RuneSelf && e.kind != encMulti && q.Dialect == dialect.MySQL {
				// A session in a multibyte charset could read the byte
				// before as a lead byte and the first backtick of the
				// pair as its trailing byte; the second would end the name.
				return 0, errorf(ErrUnsafeCharset, "a backtick right after a non-ASCII byte in "+
					strconv.Quote(name)+" is safe only with a multibyte Charset that says how to read it")
			}
			n++
		case c == 0:
			return 0, errorf(ErrInvalidIdent, "NUL byte in "+strconv.Quote(name))
		case c >= utf8.RuneSelf:
			high = true
		}
		partLen++
		n++
	}
	if partLen == 0 {
		return 0, errorf(ErrInvalidIdent, "empty part in "+strconv.Quote(name))
	}
	if !high {
		return n, nil
	}
	switch q.Dialect {
	case dialect.MySQL:
		if e.kind == encMulti {
			if err := e.validateHigh(name, "identifier"); err != nil {
				return 0, err
			}
			// The bytes of multibyte characters are not doubled.
			return identSizeMulti(name, split, quote, e), nil
		}
		if e.kind == encUnknown {
			return 0, e.validateHigh(name, "identifier")
		}
	case dialect.Postgres:
		// A quoted identifier has no escapes, and its quote, 0x22, is the
		// trailing byte of no character: only validity matters.
		if e.kind != encUTF8 {
			return n, e.validateHigh(name, "identifier")
		}
	}
	if !utf8.ValidString(name) {
		return 0, errorf(ErrInvalidUTF8, "identifier "+strconv.Quote(name))
	}
	return n, nil
}

// identSizeMulti is the quoted length of a valid name in a multibyte set.
func identSizeMulti(name string, split bool, quote byte, e encoding) int {
	n := 2
	for i := 0; i < len(name); {
		switch c := name[i]; {
		case c == '.' && split:
			n += 3
		case c == quote:
			n += 2
		case c >= utf8.RuneSelf:
			w := e.charLen(name, i)
			n += w
			i += w
			continue
		default:
			n++
		}
		i++
	}
	return n
}

func (q Quoter) appendIdent(dst []byte, name string, split bool) []byte {
	quote, _ := q.identQuote()
	e := q.enc()
	multi := e.kind == encMulti && q.Dialect == dialect.MySQL
	dst = append(dst, quote)
	for i := 0; i < len(name); {
		switch c := name[i]; {
		case c == '.' && split:
			dst = append(dst, quote, '.', quote)
		case c == quote:
			dst = append(dst, quote, quote)
		case c >= utf8.RuneSelf && multi:
			w := max(e.charLen(name, i), 1)
			dst = append(dst, name[i:i+w]...)
			i += w
			continue
		default:
			dst = append(dst, c)
		}
		i++
	}
	return append(dst, quote)
}
