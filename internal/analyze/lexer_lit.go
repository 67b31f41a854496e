package analyze

import (
	"strings"

	"github.com/grantsql/grant/dialect"
)

// quoted reads a literal whose opening quote q is at qpos (a prefix such as
// E or U& may sit between start and qpos). A doubled quote stands for itself;
// with backslash set, a backslash escapes the byte after it.
func (l *Lexer) quoted(start, qpos int, q byte, k TokenKind, backslash bool) Token {
	src := l.src
	var flags TokenFlags
	if backslash {
		flags = FlagBackslash
	}
	i := qpos + 1
	for i < len(src) {
		if !backslash {
			j := strings.IndexByte(src[i:], q)
			if j < 0 {
				break
			}
			i += j
		}
		c := src[i]
		if c == '\\' && backslash {
			if i+1 < len(src) && src[i+1] == q {
				flags |= FlagBackslashQuote
			}
			i += 2
			continue
		}
		if c == q {
			if i+1 < len(src) && src[i+1] == q {
				i += 2
				continue
			}
			l.pos = i + 1
			t := tok(k, start, l.pos)
			t.Flags = flags
			return t
		}
		i++
	}
	l.pos = len(src)
	t := tok(k, start, len(src))
	t.Flags = flags | FlagUnterminated
	return t
}

// bracketIdent reads a SQLite [identifier]; there is no escape inside.
func (l *Lexer) bracketIdent(start int) Token {
	j := strings.IndexByte(l.src[start+1:], ']')
	if j < 0 {
		l.pos = len(l.src)
		t := tok(TokQuotedIdent, start, l.pos)
		t.Flags = FlagUnterminated
		return t
	}
	l.pos = start + 1 + j + 1
	return tok(TokQuotedIdent, start, l.pos)
}

// lineComment reads a comment that runs to the end of the line.
func (l *Lexer) lineComment(start int) Token {
	j := strings.IndexByte(l.src[start:], '\n')
	if j < 0 {
		l.pos = len(l.src)
	} else {
		l.pos = start + j
	}
	return tok(TokComment, start, l.pos)
}

// blockComment reads /* .. */; PostgreSQL comments nest, the others do not.
func (l *Lexer) blockComment(start int) Token {
	src := l.src
	if l.d != dialect.Postgres {
		j := strings.Index(src[start+2:], "*/")
		if j >= 0 {
			l.pos = start + 2 + j + 2
			return tok(TokComment, start, l.pos)
		}
	} else {
		depth := 1
		for i := start + 2; i+1 < len(src); i++ {
			if src[i] == '/' && src[i+1] == '*' {
				depth++
				i++
			} else if src[i] == '*' && src[i+1] == '/' {
				depth--
				i++
				if depth == 0 {
					l.pos = i + 1
					return tok(TokComment, start, l.pos)
				}
			}
		}
	}
	l.pos = len(src)
	t := tok(TokComment, start, l.pos)
	t.Flags = FlagUnterminated
	return t
}

// execStart consumes the opening of a MySQL executable comment, /*! or
// /*M!, with its optional version number, and reports whether it did.
func (l *Lexer) execStart() bool {
	rest := l.src[l.pos:]
	n := 0
	switch {
	case strings.HasPrefix(rest, "/*!"):
		n = 3
	case strings.HasPrefix(rest, "/*M!"):
		n = 4
	default:
		return false
	}
	for d := 0; d < 6 && n < len(rest) && isDigit(rest[n]); d++ {
		n++
	}
	l.pos += n
	l.exec, l.Exec = true, true
	return true
}

// dollar reads what starts with '$': a PostgreSQL $n placeholder or
// $tag$ string, a SQLite $name parameter, or a MySQL identifier.
func (l *Lexer) dollar(start int) Token {
	src := l.src
	i := start + 1
	switch l.d {
	case dialect.Postgres:
		if i < len(src) && isDigit(src[i]) {
			t := l.positional(start, i)
			if j := l.pos; j < len(src) && isIdentChar(src[j]) {
				// $1abc: PostgreSQL rejects it; so do we.
				for j < len(src) && isIdentChar(src[j]) {
					j++
				}
				l.pos = j
				return tok(TokInvalid, start, j)
			}
			return t
		}
		for i < len(src) && (isIdentStart(src[i]) || (i > start+1 && isDigit(src[i]))) {
			i++
		}
		if i < len(src) && src[i] == '$' {
			tag := src[start : i+1]
			body := i + 1
			t := tok(TokString, start, len(src))
			t.Flags = FlagDollar
			if j := strings.Index(src[body:], tag); j >= 0 {
				t.End = int32(body + j + len(tag))
			} else {
				t.Flags |= FlagUnterminated
			}
			l.pos = int(t.End)
			return t
		}
	case dialect.SQLite:
		for i < len(src) && isIdentChar(src[i]) && src[i] != '$' {
			i++
		}
		if i > start+1 {
			return l.named(start, i)
		}
	default: // MySQL: '$' may start an identifier
		for i < len(src) && isIdentChar(src[i]) {
			i++
		}
		l.pos = i
		return tok(TokIdent, start, i)
	}
	l.pos = start + 1
	return tok(TokInvalid, start, l.pos)
}

// positional reads the digits of $n or ?n starting at i.
func (l *Lexer) positional(start, i int) Token {
	src := l.src
	n := int64(0)
	for i < len(src) && isDigit(src[i]) {
		if n < 1<<31 {
			n = n*10 + int64(src[i]-'0')
		}
		i++
	}
	if n >= 1<<31 {
		n = 1<<31 - 1
	}
	l.pos = i
	t := tok(TokPlaceholder, start, i)
	t.Ord = int32(n)
	if t.Ord > l.maxOrd {
		l.maxOrd = t.Ord
	}
	return t
}

// question reads ? (MySQL, SQLite) or ?NNN (SQLite).
func (l *Lexer) question(start int) Token {
	if l.d == dialect.SQLite && start+1 < len(l.src) && isDigit(l.src[start+1]) {
		return l.positional(start, start+1)
	}
	l.pos = start + 1
	t := tok(TokPlaceholder, start, l.pos)
	if l.maxOrd < 1<<31-1 {
		l.maxOrd++
	}
	t.Ord = l.maxOrd
	return t
}

// named finishes a named placeholder spanning [start, end). SQLite numbers a
// name (with its sigil: :a and @a differ) the first time it appears; other
// dialects leave it unnumbered.
func (l *Lexer) named(start, end int) Token {
	l.pos = end
	t := tok(TokPlaceholder, start, end)
	if l.d != dialect.SQLite {
		return t
	}
	name := l.src[start:end]
	for i, n := range l.names {
		if n == name {
			t.Ord = l.ords[i]
			return t
		}
	}
	if l.maxOrd < 1<<31-1 {
		l.maxOrd++
	}
	t.Ord = l.maxOrd
	l.names = append(l.names, name)
	l.ords = append(l.ords, t.Ord)
	return t
}

// colon reads ::, :=, a :name placeholder or a lone ':'.
func (l *Lexer) colon(start int, next byte) Token {
	switch {
	case next == ':' && l.d == dialect.Postgres, next == '=':
		l.pos = start + 2
		return tok(TokOperator, start, l.pos)
	case isIdentStart(next):
		i := start + 2
		for i < len(l.src) && isIdentChar(l.src[i]) && l.src[i] != '$' {
			i++
		}
		return l.named(start, i)
	}
	l.pos = start + 1
	return tok(TokPunct, start, l.pos)
}

// at reads a SQLite @name parameter or a MySQL @user / @@system variable.
func (l *Lexer) at(start int, next byte) Token {
	src := l.src
	i := start + 1
	if l.d == dialect.SQLite {
		for i < len(src) && isIdentChar(src[i]) && src[i] != '$' {
			i++
		}
		if i > start+1 {
			return l.named(start, i)
		}
		l.pos = i
		return tok(TokInvalid, start, i)
	}
	if next == '\'' || next == '"' || next == '`' {
		t := l.quoted(start, start+1, next, TokVariable, next != '`')
		return t
	}
	if next == '@' {
		i++
	}
	for i < len(src) && (isIdentChar(src[i]) || src[i] == '.') {
		i++
	}
	l.pos = i
	if i == start+1 {
		return tok(TokInvalid, start, i)
	}
	return tok(TokVariable, start, i)
}
