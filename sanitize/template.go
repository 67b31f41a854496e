package sanitize

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"time"
	"unsafe"

	"github.com/grantsql/grant/dialect"
)

// Array expands a template, the Go form of Rails' sanitize_sql_array. Two
// forms:
//
//   - Positional: each ? is replaced by the literal of the next argument
//     (Array("name = ? AND age > ?", "O'Brien", 30)). ?? stands for one
//     literal ?, for PostgreSQL's jsonb operators (data ??| array['a']).
//   - Named: with exactly one argument that is a map with string keys or a
//     struct (or a pointer to one) that is not itself a value (a time.Time,
//     a driver.Valuer, or with AllowStringer a fmt.Stringer), each :name is
//     replaced by the literal of that key, or of the field whose `db` tag or
//     name (compared without case) is name. :: (PostgreSQL casts) and := are
//     left alone, and ? is ordinary text. Unused keys are fine. A colon that
//     must stay before a name, as in the array slice a[1:n], needs a space:
//     a[1: n].
//
// Placeholders inside string literals, quoted identifiers, dollar-quoted
// strings and comments are left alone; the dialect's lexical rules decide
// where those end (see Quoter.NoBackslashEscapes). A slice or array argument
// (other than []byte and json.RawMessage) is expanded to a list, "1, 2, 3",
// for IN (?); an empty one becomes NULL, as in Rails, so IN (NULL) matches
// nothing. A value never joins the text around it into one token: a space
// separates it where it would (x? with 1 gives x 1, not x1), and a negative
// number after a minus sign is parenthesized (5-? with -1 gives 5-(-1),
// never the comment 5--1).
//
// The template is lexed as the Quoter's session reads it: in its encoding
// (a multibyte character is stepped over whole) and with its string syntax
// (Quoter.StandardConformingStrings, NoBackslashEscapes, ANSIQuotes); a
// PostgreSQL '...' literal holding a backslash before a placeholder is
// refused with ErrAmbiguousLiteral when StandardConformingStrings is
// Unknown, and a template holding non-ASCII bytes with ErrUnsafeCharset
// when the encoding is unknown.
//
// Errors are *ArgError values naming the argument: ErrArgCount when the
// placeholders and arguments differ in number, ErrMissingName, and every
// error of Quote.
func (q Quoter) Array(template string, args ...any) (string, error) {
	if err := q.checkDialect(); err != nil {
		return "", top(err)
	}
	if q.enc().kind == encUnknown {
		for i := 0; i < len(template); i++ {
			if template[i] >= 0x80 {
				// Where a multibyte character ends is unknown, so is
				// where a literal of the template does.
				return "", top(errorf(ErrUnsafeCharset, "a template holding non-ASCII bytes in the unknown encoding "+
					q.enc().name))
			}
		}
	}
	named := len(args) == 1 && q.isNamedArg(args[0])
	l := newLexer(q, template, named)
	var nv namedValues
	if named {
		nv = newNamedValues(args[0])
	}
	buf := make([]byte, 0, len(template)+16*len(args)+16)
	n := 0 // placeholders seen
	for {
		kind, start, end := l.next()
		switch kind {
		case tokEOF:
			if named && n == 0 {
				return "", &ArgError{Index: 1, Err: errorf(ErrArgCount,
					"a map or struct argument but no :name placeholder in the template")}
			}
			if !named && n != len(args) {
				return "", countError(n, len(args))
			}
			return unsafe.String(unsafe.SliceData(buf), len(buf)), nil
		case tokCode, tokLiteral:
			buf = append(buf, template[start:end]...)
		case tokEscaped:
			buf = append(buf, '?')
		case tokParam, tokName:
			n++
			var v any
			ae := &ArgError{Index: n}
			if kind == tokName {
				ae.Name = template[start:end]
				var ok bool
				if v, ok = nv.lookup(template[start+1 : end]); !ok {
					ae.Err = ErrMissingName
					return "", ae
				}
			} else if n <= len(args) {
				v = args[n-1]
			} else {
				// Count the rest, to report the totals.
				for k, _, _ := l.next(); k != tokEOF; k, _, _ = l.next() {
					if k == tokParam {
						n++
					}
				}
				return "", countError(n, len(args))
			}
			if q.Dialect == dialect.Postgres && l.pgAmbiguous {
				ae.Err = ErrAmbiguousLiteral
				return "", ae
			}
			var err error
			if buf, err = q.appendArg(buf, v, template[end:], l.tokAfterWide); err != nil {
				ae.Err = err
				return "", ae
			}
		}
	}
}

func countError(placeholders, args int) error {
	detail := "the template has " + strconv.Itoa(placeholders) + " placeholders and " +
		strconv.Itoa(args) + " arguments were given"
	return &ArgError{Index: min(placeholders, args) + 1, Err: errorf(ErrArgCount, detail)}
}

// appendArg appends the literal of v, or the list of a slice, spacing it from
// the characters around it when they would join into one token. rest is the
// template after the placeholder; afterWide says that the placeholder
// follows a multibyte character, a word character whatever its last byte.
func (q Quoter) appendArg(buf []byte, v any, rest string, afterWide bool) ([]byte, error) {
	mark := len(buf)
	var err error
	if rv, ok := listValue(v); ok {
		buf, err = q.appendList(buf, rv)
	} else {
		buf, err = q.appendValue(buf, v, 0)
	}
	if err != nil || len(buf) == mark {
		return buf, err
	}
	if mark > 0 {
		switch {
		case buf[mark-1] == '-' && buf[mark] == '-':
			// 5-? with -1: 5-(-1), never the comment 5--1. A space would
			// do for PostgreSQL and SQLite, but after MySQL's 5-- (not a
			// comment there) it would make one.
			buf = insertByte(buf, mark, '(')
			buf = append(buf, ')')
		case joins(buf[mark-1], buf[mark]) || afterWide:
			buf = insertByte(buf, mark, ' ')
		}
	}
	if len(rest) > 0 && joins(buf[len(buf)-1], rest[0]) {
		buf = append(buf, ' ')
	}
	return buf, nil
}

func insertByte(buf []byte, at int, c byte) []byte {
	buf = append(buf, 0)
	copy(buf[at+1:], buf[at:])
	buf[at] = c
	return buf
}

// joins reports whether a and b, written side by side, could read as one
// token (an identifier, a number, a prefixed or continued string, a $1
// parameter).
func joins(a, b byte) bool {
	switch {
	case isWord(a):
		return isWord(b) || b == '\'' || (b == '.' && '0' <= a && a <= '9')
	case a == '\'':
		return b == '\''
	case a == '.':
		return '0' <= b && b <= '9'
	case a == '/':
		return b == '*'
	}
	return false
}

// listValue reports whether v is a slice or array to expand into a list.
func listValue(v any) (reflect.Value, bool) {
	switch v.(type) {
	case nil, []byte, json.RawMessage, driver.Valuer:
		return reflect.Value{}, false
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice:
		return rv, rv.Type().Elem().Kind() != reflect.Uint8
	case reflect.Array:
		return rv, true
	}
	return reflect.Value{}, false
}

// appendList appends "a, b, c", or NULL for an empty list.
func (q Quoter) appendList(buf []byte, rv reflect.Value) ([]byte, error) {
	if rv.Len() == 0 {
		return append(buf, "NULL"...), nil
	}
	for i := range rv.Len() {
		if i > 0 {
			buf = append(buf, ", "...)
		}
		var err error
		if buf, err = q.appendValue(buf, rv.Index(i).Interface(), 0); err != nil {
			return buf, fmt.Errorf("element %d: %w", i, err)
		}
	}
	return buf, nil
}

// isNamedArg reports whether v selects the named form: a map with string
// keys, or a struct (or pointer to one) that is not a value of its own (a
// time, a Valuer, or a Stringer when AllowStringer is set).
func (q Quoter) isNamedArg(v any) bool {
	switch v.(type) {
	case nil, time.Time, *time.Time, driver.Valuer:
		return false
	case fmt.Stringer:
		if q.AllowStringer {
			return false
		}
	}
	t := reflect.TypeOf(v)
	if t.Kind() == reflect.Map {
		return t.Key().Kind() == reflect.String
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Kind() == reflect.Struct
}
