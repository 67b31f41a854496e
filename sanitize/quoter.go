package sanitize

import (
	"strings"
	"time"

	"github.com/grantsql/grant/dialect"
)

// Quoter builds SQL literals for one database session. The zero value of each
// field other than Dialect is that dialect's default session, so
// Quoter{Dialect: dialect.Postgres} is ready to use; the package-level
// functions use exactly that. QuoterFor reads the session fields from a live
// session, so that they cannot disagree with it.
//
// The session fields say how the server will read the text: its encoding
// (ClientEncoding, Charset) and the settings that change string syntax
// (StandardConformingStrings, NoBackslashEscapes, ANSIQuotes). Literals are
// written so that a wrong guess can change a value or make the server refuse
// the statement, but never end a literal early (see the package
// documentation); templates (Array) are lexed with them.
type Quoter struct {
	// Dialect selects the SQL dialect. It must be Postgres, MySQL or SQLite.
	Dialect dialect.Dialect

	// ClientEncoding is the PostgreSQL session's client_encoding; "" means
	// UTF8. Names are matched as PostgreSQL matches them (case and
	// punctuation ignored, aliases such as WIN932 for SJIS). Strings and
	// identifiers are byte strings in this encoding, as the session reads
	// bind parameters: in SJIS, BIG5, GBK, GB18030, UHC and SHIFT_JIS_2004
	// they are split into characters as the server splits them, and an
	// invalid sequence is refused with ErrInvalidEncoding. For an unknown
	// name non-ASCII text is refused with ErrUnsafeCharset.
	ClientEncoding string

	// StandardConformingStrings is the PostgreSQL session's
	// standard_conforming_strings, if known. No literal written by this
	// package depends on it; Array needs it to lex a template's '...'
	// literals holding a backslash, which it refuses (ErrAmbiguousLiteral)
	// when Unknown.
	StandardConformingStrings Setting

	// NoBackslashEscapes states that the MySQL session's sql_mode includes
	// NO_BACKSLASH_ESCAPES, where a backslash in a string literal is an
	// ordinary character. Leave it false for the default mode. If unsure,
	// false is the safe choice: its literals, read in NO_BACKSLASH_ESCAPES
	// mode, keep doubled backslashes (the value changes) but can never end
	// early (no injection); the reverse mistake could. Templates are lexed
	// with it, so for Array it must match the session.
	NoBackslashEscapes bool

	// ANSIQuotes states that the MySQL session's sql_mode includes
	// ANSI_QUOTES, where "..." is an identifier rather than a string. It
	// changes how templates are lexed, not the literals written.
	ANSIQuotes bool

	// Charset is the MySQL connection charset (character_set_client); ""
	// means utf8mb4, the default of github.com/go-sql-driver/mysql. In
	// big5, cp932, gbk, gb18030 and sjis, strings and identifiers are split
	// into characters as the server's lexer splits them, and an invalid
	// sequence is refused with ErrInvalidEncoding. For an unknown charset
	// non-ASCII text is refused with ErrUnsafeCharset.
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

// Setting is the state of a server setting as a Quoter knows it.
type Setting uint8

// The states of a Setting. The zero value is Unknown.
const (
	Unknown Setting = iota // not known: only what reads the same both ways is used
	On                     // the setting is on
	Off                    // the setting is off
)

// String returns "unknown", "on" or "off".
func (s Setting) String() string {
	switch s {
	case On:
		return "on"
	case Off:
		return "off"
	}
	return "unknown"
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

// introducer is the charset introducer MySQL hex strings are written with.
func (q Quoter) introducer() string {
	if q.Charset == "" {
		return "_utf8mb4"
	}
	return "_" + strings.ToLower(q.Charset)
}
