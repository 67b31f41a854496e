package analyze

import (
	"strings"

	"github.com/grantsql/grant/dialect"
)

// Lexer splits SQL text into tokens by the rules of one dialect. It never
// fails: a byte no rule accepts becomes a TokInvalid token, and a string,
// quoted identifier or comment without its closing delimiter runs to the end
// of the input with FlagUnterminated. The zero Lexer is unusable; call Reset.
// A Lexer used as a value allocates nothing, except that SQLite named
// parameters are remembered to number them as SQLite does.
//
// Dialect rules in short:
//   - PostgreSQL: '..' without backslash escapes (standard_conforming_strings
//     on, the default since 9.1), E'..' with them, U&'..', B'..', X'..', N'..',
//     $tag$..$tag$, "ident", U&"ident", nested /* */ comments, -- comments,
//     $n placeholders, :: casts, operators of several characters.
//   - MySQL: '..' and ".." strings with backslash escapes (the default
//     sql_mode; ANSI_QUOTES and NO_BACKSLASH_ESCAPES are not modelled),
//     `ident`, # comments, -- only when followed by a space or control
//     character, /* */ not nested, executable comments /*! .. */ and
//     /*M! .. */ whose content is lexed as code (FlagExec; a literal or
//     comment inside one that runs past a closing */ counts as Bad, since a
//     server skipping the comment would read the text otherwise),
//     ? placeholders, @user and @@system variables.
//   - SQLite: '..' strings, "ident", `ident`, [ident], X'..' blobs, -- and
//     /* */ comments, ?, ?NNN, :name, @name and $name parameters.
//
// On every dialect :name is read as a named placeholder (sqlx style) when a
// letter or '_' follows the colon, and a number running into identifier
// characters (1abc) is one identifier token (MySQL names may start with a
// digit; PostgreSQL and SQLite reject such text).
type Lexer struct {
	d    dialect.Dialect
	src  string
	pos  int
	exec bool // inside a MySQL executable comment

	maxOrd int32 // the largest ordinal given so far
	names  []string
	ords   []int32

	// Bad counts TokInvalid tokens, unterminated literals and comments, and
	// literals or comments that run past the end of an executable comment.
	Bad int
	// Exec reports that a MySQL executable comment was seen.
	Exec bool
}

// MaxOrdinal returns the largest placeholder ordinal seen so far: the number
// of parameters the statement takes when its placeholders are positional.
func (l *Lexer) MaxOrdinal() int { return int(l.maxOrd) }

// Reset prepares l to lex src by the rules of d, keeping its buffers.
func (l *Lexer) Reset(d dialect.Dialect, src string) {
	*l = Lexer{d: d, src: src, names: l.names[:0], ords: l.ords[:0]}
}

// Pos returns the byte offset the next token will be read from.
func (l *Lexer) Pos() int { return l.pos }

// Next returns the next token, comments included, or a TokEOF token whose
// Start and End are the length of the source.
func (l *Lexer) Next() Token {
	src := l.src
	for {
		for l.pos < len(src) && isSpace(src[l.pos]) {
			l.pos++
		}
		if l.pos >= len(src) {
			n := int32(len(src))
			return Token{Kind: TokEOF, Start: n, End: n}
		}
		// The end of an executable comment is not a token.
		if l.exec && src[l.pos] == '*' && l.pos+1 < len(src) && src[l.pos+1] == '/' {
			l.pos += 2
			l.exec = false
			continue
		}
		if l.d == dialect.MySQL && l.execStart() {
			continue
		}
		t := l.scan()
		if l.exec {
			t.Flags |= FlagExec
			if t.Kind != TokIdent && t.Kind != TokNumber && strings.Contains(src[t.Start:t.End], "*/") {
				// A literal or comment running past the end of an executable
				// comment: a server that skips the comment reads it otherwise.
				l.Bad++
			}
		}
		if t.Kind == TokInvalid || t.Flags&FlagUnterminated != 0 {
			l.Bad++
		}
		return t
	}
}

// scan reads one token starting at l.pos, which is not a space.
func (l *Lexer) scan() Token {
	src, start := l.src, l.pos
	c := src[start]
	next := byte(0)
	if start+1 < len(src) {
		next = src[start+1]
	}
	switch {
	case c == '\'':
		return l.quoted(start, start, '\'', TokString, l.d == dialect.MySQL)
	case c == '"':
		if l.d == dialect.MySQL {
			return l.quoted(start, start, '"', TokString, true)
		}
		return l.quoted(start, start, '"', TokQuotedIdent, false)
	case c == '`' && l.d != dialect.Postgres:
		return l.quoted(start, start, '`', TokQuotedIdent, false)
	case c == '[' && l.d == dialect.SQLite:
		return l.bracketIdent(start)
	case c == '-' && next == '-' && (l.d != dialect.MySQL || start+2 >= len(src) || isSpace(src[start+2]) || src[start+2] < 0x20 || src[start+2] == 0x7f):
		return l.lineComment(start)
	case c == '#' && l.d == dialect.MySQL:
		return l.lineComment(start)
	case c == '/' && next == '*':
		return l.blockComment(start)
	case c == '$':
		return l.dollar(start)
	case c == '?' && l.d != dialect.Postgres:
		return l.question(start)
	case c == ':':
		return l.colon(start, next)
	case c == '@' && l.d != dialect.Postgres:
		return l.at(start, next)
	case isDigit(c) || (c == '.' && isDigit(next)):
		return l.number(start)
	case isIdentStart(c):
		return l.word(start, c, next)
	case c == '(' || c == ')' || c == '[' || c == ']' || c == '{' || c == '}' || c == ',' || c == ';' || c == '.':
		l.pos++
		return tok(TokPunct, start, l.pos)
	case isOpChar(l.d, c):
		return l.operator(start)
	}
	l.pos++
	return tok(TokInvalid, start, l.pos)
}

func tok(k TokenKind, start, end int) Token {
	return Token{Kind: k, Start: int32(start), End: int32(end)}
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80
}

func isIdentChar(c byte) bool { return isIdentStart(c) || isDigit(c) || c == '$' }

// isOpChar reports whether c may be part of an operator in dialect d.
func isOpChar(d dialect.Dialect, c byte) bool {
	switch c {
	case '+', '-', '*', '/', '<', '>', '=', '~', '!', '%', '^', '&', '|':
		return true
	case '@', '#', '?', '`':
		return d == dialect.Postgres && c != '`'
	}
	return false
}

// word reads an identifier or keyword, or a prefixed string such as E'..'.
func (l *Lexer) word(start int, c, next byte) Token {
	src := l.src
	if next == '\'' {
		switch c | 0x20 {
		case 'e':
			if l.d == dialect.Postgres {
				return l.quoted(start, start+1, '\'', TokString, true)
			}
		case 'n':
			if l.d != dialect.SQLite {
				return l.quoted(start, start+1, '\'', TokString, l.d == dialect.MySQL)
			}
		case 'b', 'x':
			if l.d != dialect.SQLite || c|0x20 == 'x' {
				t := l.quoted(start, start+1, '\'', TokString, l.d == dialect.MySQL)
				t.Flags |= FlagBits
				return t
			}
		}
	}
	if c|0x20 == 'u' && next == '&' && l.d == dialect.Postgres && start+2 < len(src) && (src[start+2] == '\'' || src[start+2] == '"') {
		k := TokString
		if src[start+2] == '"' {
			k = TokQuotedIdent
		}
		t := l.quoted(start, start+2, src[start+2], k, false)
		t.Flags |= FlagUnicode
		return t
	}
	i := start + 1
	for i < len(src) && isIdentChar(src[i]) {
		i++
	}
	l.pos = i
	t := tok(TokIdent, start, i)
	t.Kw = LookupKeyword(src[start:i])
	return t
}
