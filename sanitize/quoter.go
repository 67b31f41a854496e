package sanitize

import (
	"strings"
	"time"

	"github.com/grantsql/grant/dialect"
)

// Quoter builds SQL literals for one database session. The zero value of each
// field other than Dialect is that dialect's default session, so
// Quoter{Dialect: dialect.Postgres} is ready to use; the package-level
// functions use exactly that.
//
// PostgreSQL needs no session field: the literals written for it are correct
// whether standard_conforming_strings is on or off (see the package
// documentation). MySQL string literals depend on NoBackslashEscapes and
// Charset, which must match the session.
type Quoter struct {
	// Dialect selects the SQL dialect. It must be Postgres, MySQL or SQLite.
	Dialect dialect.Dialect

	// NoBackslashEscapes states that the MySQL session's sql_mode includes
	// NO_BACKSLASH_ESCAPES, where a backslash in a string literal is an
	// ordinary character. Leave it false for the default mode. If unsure,
	// false is the safe choice: its literals, read in NO_BACKSLASH_ESCAPES
	// mode, keep doubled backslashes (the value changes) but can never end
	// early (no injection); the reverse mistake could.
	NoBackslashEscapes bool

	// Charset is the MySQL connection charset (character_set_client); ""
	// means utf8mb4, the default of github.com/go-sql-driver/mysql. String
	// literals and identifiers holding non-ASCII bytes are refused with
	// ErrUnsafeCharset for big5, cp932, gbk, sjis, gb2312, gb18030 and for
	// unknown charsets.
	Charset string

	// Location is the time zone MySQL and SQLite times are written in (their
	// literals carry no zone for MySQL, and a fixed offset for SQLite). nil
	// means UTC, the default of both Go drivers. PostgreSQL times carry their
	// own offset and ignore it.
	Location *time.Location

	// AllowStringer lets a value of no supported kind that implements
	// fmt.Stringer be quoted as the string its String method returns. Off by
	// default, so a forgotten conversion is an error, not a surprise.
	AllowStringer bool
}

// Quote returns the SQL literal of v for dialect d in its default session;
// see Quoter.Quote.
func Quote(d dialect.Dialect, v any) (string, error) { return Quoter{Dialect: d}.Quote(v) }

// QuoteString returns the SQL string literal of s for dialect d in its default
// session; see Quoter.QuoteString.
func QuoteString(d dialect.Dialect, s string) (string, error) {
	return Quoter{Dialect: d}.QuoteString(s)
}

// AppendQuote appends the SQL literal of v for dialect d in its default
// session to dst; see Quoter.AppendQuote.
func AppendQuote(d dialect.Dialect, dst []byte, v any) ([]byte, error) {
	return Quoter{Dialect: d}.AppendQuote(dst, v)
}

// QuoteIdent quotes a possibly qualified identifier for dialect d; see
// Quoter.QuoteIdent.
func QuoteIdent(d dialect.Dialect, name string) (string, error) {
	return Quoter{Dialect: d}.QuoteIdent(name)
}

// QuoteIdentParts quotes the parts of a qualified identifier for dialect d;
// see Quoter.QuoteIdentParts.
func QuoteIdentParts(d dialect.Dialect, parts ...string) (string, error) {
	return Quoter{Dialect: d}.QuoteIdentParts(parts...)
}

// Array expands a template with ? or :name placeholders for dialect d; see
// Quoter.Array.
func Array(d dialect.Dialect, template string, args ...any) (string, error) {
	return Quoter{Dialect: d}.Array(template, args...)
}

// Hash builds the conditions of m for dialect d; see Quoter.Hash.
func Hash(d dialect.Dialect, m map[string]any) (string, error) { return Quoter{Dialect: d}.Hash(m) }

// Assignments builds the SET list of m for dialect d; see
// Quoter.Assignments.
func Assignments(d dialect.Dialect, m map[string]any) (string, error) {
	return Quoter{Dialect: d}.Assignments(m)
}

func (q Quoter) checkDialect() error {
	if !q.Dialect.Valid() {
		return errorf(ErrUnknownDialect, q.Dialect.String())
	}
	return nil
}

func (q Quoter) location() *time.Location {
	if q.Location == nil {
		return time.UTC
	}
	return q.Location
}

// charsetClass says how a MySQL charset treats the bytes of a Go string.
type charsetClass uint8

const (
	csUTF8    charsetClass = iota // utf8mb4: must be valid UTF-8
	csUTF8MB3                     // utf8mb3: valid UTF-8 without 4-byte characters
	csBytes                       // single-byte or EUC: every byte sequence is safe to send
	csUnsafe                      // a multibyte charset whose trail bytes include '\\', '\'' or '`'
	csUnknown
)

var charsets = map[string]charsetClass{
	"utf8mb4": csUTF8, "utf8mb3": csUTF8MB3, "utf8": csUTF8MB3,
	"latin1": csBytes, "latin2": csBytes, "latin5": csBytes, "latin7": csBytes,
	"ascii": csBytes, "binary": csBytes, "cp1250": csBytes, "cp1251": csBytes,
	"cp1256": csBytes, "cp1257": csBytes, "cp850": csBytes, "cp852": csBytes,
	"cp866": csBytes, "koi8r": csBytes, "koi8u": csBytes, "greek": csBytes,
	"hebrew": csBytes, "armscii8": csBytes, "dec8": csBytes, "hp8": csBytes,
	"keybcs2": csBytes, "macce": csBytes, "macroman": csBytes, "swe7": csBytes,
	"geostd8": csBytes, "tis620": csBytes, "euckr": csBytes, "ujis": csBytes,
	"eucjpms": csBytes, "big5": csUnsafe, "cp932": csUnsafe, "gbk": csUnsafe,
	"sjis": csUnsafe, "gb2312": csUnsafe, "gb18030": csUnsafe,
}

func (q Quoter) charset() charsetClass {
	if q.Charset == "" || q.Charset == "utf8mb4" {
		return csUTF8
	}
	if c, ok := charsets[q.Charset]; ok {
		return c
	}
	if c, ok := charsets[strings.ToLower(q.Charset)]; ok {
		return c
	}
	return csUnknown
}

// introducer is the charset introducer MySQL hex strings are written with.
func (q Quoter) introducer() string {
	if q.Charset == "" {
		return "_utf8mb4"
	}
	return "_" + strings.ToLower(q.Charset)
}

// checkCharset refuses non-ASCII text in a MySQL charset where escaping is
// unsafe. Every multibyte sequence of those charsets starts with a byte of
// 0x81 or more, so a string of ASCII bytes reads the same in all of them.
func (q Quoter) checkCharset(high bool) error {
	switch q.charset() {
	case csUnsafe:
		if high {
			return errorf(ErrUnsafeCharset, "charset "+q.Charset+
				" lets a multibyte character swallow an escape; use utf8mb4 for non-ASCII text")
		}
	case csUnknown:
		if high {
			return errorf(ErrUnsafeCharset, "unknown charset "+q.Charset+" for non-ASCII text")
		}
	}
	return nil
}
