// Package analyze is Grant's statement analyzer: one dialect-aware lexer
// and one structural parser for the subset of SQL that read/write routing,
// sharding and locking need. It imports nothing that does I/O.
//
// # Entry points
//
//	st := analyze.Analyze(dialect.Postgres, sql) // fresh, owned by the caller
//	c := analyze.NewCache(0)                      // bounded, concurrent, 0-alloc hits
//	st = c.Analyze(dialect.Postgres, sql)         // shared: never modify it
//
// Analyze never fails and never panics. What it does not understand is
// classified conservatively: Read is false (the primary) with a Reason, and
// Full is false with NotFull saying why.
//
// # Lexer
//
// Lexer follows each dialect's quoting and comment rules (see its doc
// comment). Keywords are recognised case-insensitively through a small
// open-addressing hash table, without allocating. MySQL executable comments
// (/*! .. */, /*M! .. */) are lexed as code, whatever their version number:
// a keyword inside one counts for classification, and a statement holding
// one is never Full, so sharding never rewrites around them.
//
// # Classification (what routing reads)
//
// Kind comes from the leading words. Read is true only for reading kinds
// (SELECT, VALUES, TABLE, WITH .. SELECT, SHOW, DESCRIBE, EXPLAIN of a read,
// PRAGMA reports) with none of: a locking clause anywhere, a data-modifying
// CTE, SELECT .. INTO, a call listed in Functions, NEXT VALUE FOR,
// @@identity, a session-pinning effect, an unterminated literal, or a bare
// word of WriteKeywords (the safety net). EXPLAIN is a read only when the
// explained statement is one, with or without ANALYZE. A text with several
// statements is a read only when all are.
//
// Pins marks statements that leave state on the physical connection: SET
// (except PostgreSQL SET LOCAL / SET CONSTRAINTS / SET TRANSACTION and MySQL
// SET TRANSACTION / SET GLOBAL), RESET, DISCARD, temporary tables (CREATE
// TEMP, DROP TEMPORARY, SELECT INTO TEMP, SQLite temp.x), LOCK TABLES /
// UNLOCK TABLES, USE, SQL-level PREPARE / EXECUTE / DEALLOCATE, LISTEN /
// UNLISTEN, cursors, HANDLER, ATTACH, PRAGMA settings, MySQL user variables
// (SET @x, @x :=, SELECT .. INTO @x), SQL_CALC_FOUND_ROWS and the pinning
// entries of Functions (session advisory locks, GET_LOCK, set_config).
// A pinning statement is never a read. PostgreSQL LOCK TABLE is a write
// that does not pin (it only means something inside a transaction).
//
// # Structural parse (what sharding and locking read)
//
// SELECT (with set operations, CTEs, joins, subqueries), INSERT / REPLACE,
// UPDATE and DELETE are parsed into Select, Insert, Update and Delete, with
// byte spans into the original text so a rewriter can splice without losing
// comments or style. Full is true only when every token was accounted for.
//
// Expressions are parsed shallowly on purpose: the operator chain at the
// top of an expression is parsed (its extent, alias, top-level AND / OR),
// while the inside of parentheses, brackets and CASE .. END is consumed as
// balanced tokens, except that subqueries there are parsed in full and
// aggregate calls and window functions are noted. WHERE and ON conditions
// are split at top-level AND (parenthesised groups without OR are
// flattened; any top-level OR, XOR or MySQL || makes the whole condition one
// opaque conjunct), and each conjunct is recognised as col = v, v = col,
// col IN (v, ..), col BETWEEN v AND v, col <op> v, col IS [NOT] NULL or
// col = col, where v is a literal or placeholder (with an optional
// PostgreSQL cast).
//
// Not understood (Full is false, classification still holds): MySQL
// multi-table UPDATE and DELETE, PostgreSQL UPDATE .. SET (a, b) = (..),
// WHERE CURRENT OF, recursive CTE SEARCH / CYCLE clauses, SELECT .. INTO
// OUTFILE options, typed literals of several words (timestamp with time zone '..'), any statement with a MySQL
// executable comment, and every statement that is not DML (transaction
// statements are Full when their options were all understood).
//
// Bare identifiers are folded to lower case on PostgreSQL (as the server
// does) and kept as written on MySQL and SQLite; quoted identifiers are
// exact.
//
// # Assumptions
//
// PostgreSQL runs with standard_conforming_strings on (off only makes its
// strings longer than the lexer believes, which errs towards the primary).
// MySQL runs without ANSI_QUOTES or NO_BACKSLASH_ESCAPES (the defaults); a
// MySQL ".." is read as a string. Where those modes would end a string
// earlier than the lexer does (a backslash before the string's own quote,
// FlagBackslashQuote), the statement is not a read. Likewise, inside a
// MySQL executable comment a literal or comment that runs past a closing
// */ makes the text not understood, since a server that skips the comment
// (a version number above its own) would read the rest otherwise.
package analyze
