package sanitize

import (
	"errors"
	"strconv"
)

// The sentinel errors. Every error this package returns wraps one of them, so
// callers test with errors.Is; the message adds the detail (the type, the
// dialect, the argument).
var (
	// ErrUnknownDialect: the Quoter's dialect is not Postgres, MySQL or SQLite.
	ErrUnknownDialect = errors.New("unknown dialect")
	// ErrUnsupportedType: a value of a type that has no SQL literal (a
	// channel, a struct, a map, a slice given to Quote, a fmt.Stringer
	// without Quoter.AllowStringer). Nothing is ever formatted with %v.
	ErrUnsupportedType = errors.New("unsupported type")
	// ErrUnsupportedValue: a value of a supported type that the dialect
	// cannot hold: NaN or ±Inf on MySQL, NaN on SQLite, a uint64 above
	// math.MaxInt64 on SQLite, a time outside the years 1 to 9999.
	ErrUnsupportedValue = errors.New("value not representable")
	// ErrNULInText: a string holding a NUL byte for PostgreSQL, whose text
	// type cannot store one. Pass the value as []byte (bytea) instead.
	ErrNULInText = errors.New("NUL byte in a PostgreSQL text value")
	// ErrInvalidUTF8: a string or identifier that is not valid UTF-8 (or,
	// for a utf8mb3 MySQL connection, holds a character outside the BMP)
	// where the server would reject or alter it.
	ErrInvalidUTF8 = errors.New("invalid UTF-8")
	// ErrInvalidEncoding: a string or identifier that is not a valid byte
	// sequence of the session's multibyte encoding (Quoter.ClientEncoding,
	// Quoter.Charset), where the server would split it into characters
	// differently or reject it.
	ErrInvalidEncoding = errors.New("invalid byte sequence for the session's encoding")
	// ErrUnsafeCharset: non-ASCII text for an encoding or charset this
	// package does not know, or text that a session in another encoding than
	// the Quoter's could misread (a MySQL identifier with a backtick right
	// after a non-ASCII byte, for a Quoter whose charset is not multibyte).
	ErrUnsafeCharset = errors.New("unsafe connection charset")
	// ErrInvalidJSON: a json.RawMessage that is not valid JSON.
	ErrInvalidJSON = errors.New("invalid JSON")
	// ErrInvalidIdent: an identifier that is empty, has an empty part
	// ("schema."), or holds a NUL byte.
	ErrInvalidIdent = errors.New("invalid identifier")
	// ErrArgCount: a template's placeholders and the arguments given do not
	// match one to one.
	ErrArgCount = errors.New("placeholder count mismatch")
	// ErrMissingName: a :name placeholder with no key or field of that name.
	ErrMissingName = errors.New("no value for named placeholder")
	// ErrEmpty: Hash or Assignments of an empty map, which has no SQL form
	// (an empty condition would silently match every row).
	ErrEmpty = errors.New("empty map")
	// ErrAmbiguousLiteral: a PostgreSQL template with a '...' literal holding a
	// backslash before a placeholder, for a Quoter whose
	// StandardConformingStrings is Unknown. With standard_conforming_strings
	// off that literal ends elsewhere, so the value would land in a different
	// place; write the literal as E'...', pass it as an argument, or use the
	// session's Quoter (QuoterFor).
	ErrAmbiguousLiteral = errors.New("ambiguous string literal before a placeholder")
)

// ArgError names the argument a problem is about: its 1-based position in a
// template (with its :name in the named form), or the map key for Hash and
// Assignments. Err wraps one of the sentinel errors.
type ArgError struct {
	Index int    // 1-based placeholder position; 0 for a map key
	Name  string // ":email" for a named placeholder, the key for a map, "" for a positional one
	Err   error
}

// Error reads "sanitize: argument 3 (:email): unsupported type chan int" or
// `sanitize: key "email": ...`.
func (e *ArgError) Error() string {
	var b []byte
	b = append(b, "sanitize: "...)
	if e.Index > 0 {
		b = append(b, "argument "...)
		b = strconv.AppendInt(b, int64(e.Index), 10)
		if e.Name != "" {
			b = append(b, " ("...)
			b = append(b, e.Name...)
			b = append(b, ')')
		}
	} else {
		b = append(b, "key "...)
		b = strconv.AppendQuote(b, e.Name)
	}
	b = append(b, ": "...)
	b = append(b, e.Err.Error()...)
	return string(b)
}

// Unwrap returns the underlying error, so errors.Is finds the sentinel.
func (e *ArgError) Unwrap() error { return e.Err }

// detailError is a sentinel with the detail of one occurrence.
type detailError struct {
	kind   error
	detail string
}

func (e *detailError) Error() string { return e.kind.Error() + ": " + e.detail }
func (e *detailError) Unwrap() error { return e.kind }

func errorf(kind error, detail string) error { return &detailError{kind: kind, detail: detail} }

// topError is the form of an error returned by a function that quotes one
// value (Quote, QuoteString, QuoteIdent): "sanitize: " and the cause.
type topError struct{ err error }

func (e *topError) Error() string { return "sanitize: " + e.err.Error() }
func (e *topError) Unwrap() error { return e.err }

func top(err error) error {
	if err == nil {
		return nil
	}
	return &topError{err: err}
}
