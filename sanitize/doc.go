// Package sanitize builds SQL literals, quoted identifiers and expanded
// templates for PostgreSQL, MySQL/MariaDB and SQLite: the Go form of Active
// Record's quote, quote_table_name, sanitize_sql_array, sanitize_sql_hash and
// sanitize_sql_like.
//
// Prefer bind parameters. A value passed as an argument of db.QueryContext
// never becomes SQL text, and no quoting rule can beat that. This package is
// for the places where SQL text must be built: DDL (which takes no
// parameters), dynamic identifiers, statements written to logs, and
// rewrites of statements that already hold literals.
//
// # Sessions
//
// How a string literal reads depends on server settings, so quoting belongs
// to a session, described by a Quoter. The package-level functions use the
// dialect's default session: Quote(d, v) is Quoter{Dialect: d}.Quote(v).
//
// # String literals
//
// Single quotes are doubled in every dialect; what else happens depends on
// the dialect and session:
//
//	value        PostgreSQL        MySQL default      MySQL NO_BACKSLASH_ESCAPES  SQLite
//	O'Brien      'O''Brien'        'O''Brien'         'O''Brien'                  'O''Brien'
//	C:\dir       E'C:\\dir'        'C:\\dir'          'C:\dir'                    'C:\dir'
//	a<NUL>b      ErrNULInText      'a\0b'             _utf8mb4 X'610062'          CAST(X'610062' AS TEXT)
//	bad UTF-8    ErrInvalidUTF8    ErrInvalidUTF8     ErrInvalidUTF8              the bytes as they are
//
// PostgreSQL: a string holding a backslash is written as an escape string,
// E'...', with the backslash doubled. That reads the same whether
// standard_conforming_strings is on or off, so no PostgreSQL literal depends
// on that setting (bytea, E'\\x..'::bytea, likewise). Text cannot hold a NUL
// byte, so one is an error: pass such data as []byte. Invalid UTF-8 is an
// error, since the server rejects it (the Go drivers always speak UTF-8).
//
// MySQL and MariaDB: the backslash rule depends on NO_BACKSLASH_ESCAPES
// (Quoter.NoBackslashEscapes). Quotes are doubled, never written \', so the
// default-mode literals still end where they should in a
// NO_BACKSLASH_ESCAPES session: a wrong guess in that direction changes the
// value (doubled backslashes) but cannot inject. With a utf8mb4 connection
// (the default, Quoter.Charset) invalid UTF-8 is an error, since a column
// would reject or mangle it; utf8mb3 also refuses characters outside the
// BMP. In big5, cp932, gbk, sjis and gb18030 a multibyte character can end
// in the byte of a backslash or backtick and swallow an escape (the
// CVE-2006-2753 family): there, and in gb2312, which is refused with them,
// strings and identifiers holding non-ASCII bytes are refused with
// ErrUnsafeCharset. ASCII-only ones are safe, since every multibyte sequence
// of those charsets starts at 0x81 or above. Unknown charsets are treated
// the same way.
//
// SQLite: a raw NUL would end the statement text, so a string holding one is
// written in hex and cast to TEXT. SQLite does not check UTF-8 and returns
// the same bytes, so invalid UTF-8 is written as it is.
//
// # Other values
//
// See Quoter.Quote for the full list. Floats are written with the fewest
// digits that read back as the same value: PostgreSQL 0.1 (an exact numeric
// constant) and '-0'/'NaN'/'Infinity'/'-Infinity'::float8; MySQL always in
// exponent form, 1e-01, so that it is a DOUBLE and not a DECIMAL, with NaN
// and ±Inf an error (and -0 read as 0 by the server); SQLite 0.1, ±Inf as
// ±9e999, NaN an error. Times: PostgreSQL
// '2006-01-02 15:04:05.999999-07:00'::timestamptz; MySQL
// TIMESTAMP'2006-01-02 15:04:05.999999' in Quoter.Location (UTC by default);
// SQLite '2006-01-02 15:04:05.999999999-07:00' in Quoter.Location (UTC by
// default). PostgreSQL and MySQL store microseconds, and nanoseconds are
// truncated. []byte: E'\\x0102'::bytea (PostgreSQL), X'0102' (MySQL,
// SQLite); a nil []byte is NULL.
//
// # Errors
//
// Nothing is silently stringified. Every error wraps a sentinel (test with
// errors.Is); errors of Array, Hash and Assignments are *ArgError values that
// name the argument position, the :name or the map key.
package sanitize
