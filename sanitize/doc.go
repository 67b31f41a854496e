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
// How a literal reads depends on the session: its encoding and the settings
// that change string syntax. A Quoter describes one session; QuoterFor reads
// it from a live one (client_encoding and standard_conforming_strings;
// sql_mode and character_set_client), so that the two cannot disagree. The
// package-level functions use the dialect's default session, UTF8 or
// utf8mb4 in the default modes: Quote(d, v) is Quoter{Dialect: d}.Quote(v).
//
// A string is a sequence of bytes in the session's encoding, as a bind
// parameter is: the session reads a literal of s exactly as it reads s sent
// as a parameter. (A Go string of UTF-8 text sent to an SJIS session is read
// as SJIS either way.)
//
// # String literals
//
// Single quotes are doubled in every dialect, and never written \', so
// backslash_quote does not matter; what else happens depends on the dialect
// and session:
//
//	value        PostgreSQL        MySQL default        MySQL NO_BACKSLASH_ESCAPES  SQLite
//	O'Brien      'O''Brien'        'O''Brien'           'O''Brien'                  'O''Brien'
//	C:\dir       E'C:\\dir'        'C:\\dir'            'C:\dir'                    'C:\dir'
//	é\           E'é\134'          _utf8mb4 X'c3a95c'   'é\'                        'é\'
//	a<NUL>b      ErrNULInText      'a\0b'               _utf8mb4 X'610062'          CAST(X'610062' AS TEXT)
//	bad UTF-8    ErrInvalidUTF8    ErrInvalidUTF8       ErrInvalidUTF8              the bytes as they are
//
// PostgreSQL: a string holding a backslash is written as an escape string,
// E'...', which reads the same whether standard_conforming_strings is on or
// off, so no literal depends on that setting (bytea, E'\\x..'::bytea,
// likewise; templates do, see Quoter.Array). Text cannot hold a NUL byte,
// so one is an error: pass such data as []byte. In UTF8 invalid UTF-8 is an
// error, since the server rejects it.
//
// MySQL and MariaDB: the backslash rule depends on NO_BACKSLASH_ESCAPES
// (Quoter.NoBackslashEscapes). Quotes are doubled, so the default-mode
// literals still end where they should in a NO_BACKSLASH_ESCAPES session: a
// wrong guess in that direction changes the value (doubled backslashes) but
// cannot inject. With utf8mb4 (the default, Quoter.Charset) invalid UTF-8 is
// an error, since a column would reject or mangle it; utf8mb3 also refuses
// characters outside the BMP.
//
// SQLite: a raw NUL would end the statement text, so a string holding one is
// written in hex and cast to TEXT. SQLite does not check UTF-8 and returns
// the same bytes, so invalid UTF-8 is written as it is.
//
// # Multibyte encodings
//
// In some encodings the second byte of a character can be an ASCII byte, and
// a literal written byte by byte can then end early (the CVE-2006-2753
// family). Measured on PostgreSQL 15 and MariaDB 10.11:
//
//   - PostgreSQL converts the statement from client_encoding to the
//     database encoding before its lexer runs, character by character as
//     its verifier splits them. A valid character never becomes a stray
//     backslash, except SHIFT_JIS_2004's 0x81 0x5F, which converts to one.
//     The attack is bytes quoted for one encoding and read in another: in
//     SJIS, SHIFT_JIS_2004, BIG5, GBK and GB18030 a byte 0x5C after a lead
//     byte is part of a character. Quoted for UTF8 by doubling, the
//     string さ\' (bytes E3 81 95 5C 27) became E3 81 95 5C 5C 27 27 inside
//     E'...'; an SJIS session reads the character 95 5C, then 5C 27, an
//     escaped quote, then 27, the end of the string, and the rest of the
//     value is SQL when backslash_quote is on. (The default, safe_encoding,
//     refuses \' in these encodings: the statement fails.) In UHC
//     characters can end in ASCII letters only; in PostgreSQL's JOHAB, the
//     EUC encodings and the single-byte ones no character holds an ASCII
//     byte.
//   - MySQL lexes the statement in character_set_client, stepping over
//     each multibyte character; after a backslash it skips one byte. In
//     big5, cp932, gbk, gb18030 and sjis a character can end in a
//     backslash or a backtick.
//
// What is guaranteed:
//
//   - With the session's own Quoter (from QuoterFor, or with ClientEncoding
//     or Charset and the modes set to match), under every setting of
//     standard_conforming_strings, backslash_quote, NO_BACKSLASH_ESCAPES and
//     ANSI_QUOTES, Quote either refuses a string or writes a literal whose
//     value is exactly the value of the string as a bind parameter. In the
//     encodings above strings are split into characters as the server
//     splits them, and a byte sequence that is not a character is refused
//     with ErrInvalidEncoding; SHIFT_JIS_2004's 0x81 0x5F is written as the
//     backslash it is. Non-ASCII text in an encoding this package does not
//     know is refused with ErrUnsafeCharset. (One exception in MySQL: in
//     NO_BACKSLASH_ESCAPES mode a NUL byte can only be written in hex, and in
//     ujis, eucjpms, euckr and gb2312, which are not validated here, the
//     server refuses a hex string that is not well formed: the statement
//     fails.)
//   - With a Quoter that does not match the session, a literal of the
//     default Quoter, or of one whose encoding is UTF-8, single-byte or EUC,
//     never ends early in a session of any encoding and setting (but the
//     reverse mistake of NoBackslashEscapes); the value may be read
//     differently, or the statement refused. To that end a backslash right
//     after a byte of 0x80 or more is written \134 in PostgreSQL (if a
//     character absorbs the backslash, only the digits remain) and the whole
//     string in hex in MySQL's default mode, and an underscore right after
//     0x81 is written \137 in PostgreSQL; a MySQL identifier holding a
//     backtick right after such a byte is refused with ErrUnsafeCharset. A
//     Quoter for one of the encodings whose characters can hold an ASCII
//     byte writes those characters as they are, and is safe in a session of
//     that encoding only.
//   - Templates (Quoter.Array) are lexed in the Quoter's encoding and
//     settings, so for them the Quoter must match the session.
//
// A Quoter from QuoterFor describes that session only: use it with the
// *sql.Conn or *sql.Tx it was read from, since a *sql.DB may run the next
// statement on another connection.
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
