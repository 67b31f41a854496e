package sanitize

import "github.com/grantsql/grant/dialect"

// tokKind is the kind of one token of a template.
type tokKind uint8

const (
	tokEOF     tokKind = iota
	tokCode            // SQL outside literals and comments
	tokLiteral         // string literal, quoted identifier, dollar-quoted string or comment
	tokParam           // ? (positional form)
	tokEscaped         // ?? standing for one literal ? (positional form)
	tokName            // :name (named form); the name is src[start+1:end]
)

// lexer splits a template into tokens, knowing just enough of each dialect to
// tell code from literals and comments:
//
//   - all: '...' strings with doubled quotes inside, /* */ comments
//   - PostgreSQL: E'...' with backslash escapes, "..." identifiers,
//     $tag$...$tag$ strings, -- comments, nested /* */
//   - MySQL: '...' and "..." strings with backslash escapes unless
//     NO_BACKSLASH_ESCAPES, `...` identifiers, # comments, and -- comments
//     only when followed by a space or control character (5--1 is 5 - -1)
//   - SQLite: "...", `...` and [...] identifiers, -- comments
//
// The lexer never fails: an unterminated literal runs to the end.
type lexer struct {
	src   string
	pos   int
	d     dialect.Dialect
	bs    bool // MySQL: backslash escapes in '...' and "..."
	named bool // :name placeholders; ? is ordinary text
	// pgAmbiguous is set after a PostgreSQL '...' literal holding a
	// backslash, which reads differently with standard_conforming_strings
	// off.
	pgAmbiguous bool
}

func newLexer(q Quoter, src string, named bool) lexer {
	return lexer{src: src, d: q.Dialect, bs: q.Dialect == dialect.MySQL && !q.NoBackslashEscapes, named: named}
}

func isWord(c byte) bool {
	return c == '_' || c == '$' || c >= 0x80 || ('0' <= c && c <= '9') || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

func isNameStart(c byte) bool { return c == '_' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') }

// next returns the next token as a kind and the span src[start:end].
func (l *lexer) next() (kind tokKind, start, end int) {
	start = l.pos
	if start >= len(l.src) {
		return tokEOF, start, start
	}
	for i := start; i < len(l.src); i++ {
		if l.special(i) {
			if i > start {
				l.pos = i
				return tokCode, start, i
			}
			kind, l.pos = l.token(i)
			return kind, start, l.pos
		}
	}
	l.pos = len(l.src)
	return tokCode, start, l.pos
}

// special reports whether a token other than code starts at i.
func (l *lexer) special(i int) bool {
	s := l.src
	switch c := s[i]; c {
	case '\'', '"':
		return true
	case '`':
		return l.d != dialect.Postgres
	case '[':
		return l.d == dialect.SQLite
	case '#':
		return l.d == dialect.MySQL
	case '?':
		return !l.named
	case ':':
		return l.named && i+1 < len(s) && isNameStart(s[i+1]) && (i == 0 || s[i-1] != ':')
	case '-':
		if i+1 >= len(s) || s[i+1] != '-' {
			return false
		}
		if l.d != dialect.MySQL {
			return true
		}
		return i+2 >= len(s) || s[i+2] <= ' '
	case '/':
		return i+1 < len(s) && s[i+1] == '*'
	case 'e', 'E':
		return l.d == dialect.Postgres && i+1 < len(s) && s[i+1] == '\'' && (i == 0 || !isWord(s[i-1]))
	case '$':
		if l.d != dialect.Postgres || (i > 0 && isWord(s[i-1])) {
			return false
		}
		_, ok := dollarTag(s[i:])
		return ok
	}
	return false
}

// token scans the non-code token starting at i and returns its kind and end.
func (l *lexer) token(i int) (tokKind, int) {
	s := l.src
	switch c := s[i]; c {
	case '\'':
		backslash := l.bs
		end, sawBackslash := quoted(s, i+1, '\'', backslash)
		if l.d == dialect.Postgres && sawBackslash {
			l.pgAmbiguous = true
		}
		return tokLiteral, end
	case '"':
		end, _ := quoted(s, i+1, '"', l.bs)
		return tokLiteral, end
	case '`':
		end, _ := quoted(s, i+1, '`', false)
		return tokLiteral, end
	case '[':
		for j := i + 1; j < len(s); j++ {
			if s[j] == ']' {
				return tokLiteral, j + 1
			}
		}
		return tokLiteral, len(s)
	case 'e', 'E':
		end, _ := quoted(s, i+2, '\'', true)
		return tokLiteral, end
	case '$':
		tag, _ := dollarTag(s[i:])
		for j := i + len(tag); j+len(tag) <= len(s); j++ {
			if s[j] == '$' && s[j:j+len(tag)] == tag {
				return tokLiteral, j + len(tag)
			}
		}
		return tokLiteral, len(s)
	case '#', '-':
		for j := i + 1; j < len(s); j++ {
			if s[j] == '\n' {
				return tokLiteral, j + 1
			}
		}
		return tokLiteral, len(s)
	case '/':
		return tokLiteral, l.blockComment(i)
	case '?':
		if i+1 < len(s) && s[i+1] == '?' {
			return tokEscaped, i + 2
		}
		return tokParam, i + 1
	default: // ':'
		j := i + 1
		for j < len(s) && isWord(s[j]) && s[j] != '$' && s[j] < 0x80 {
			j++
		}
		return tokName, j
	}
}

// quoted returns the end of a literal whose body starts at i and that closes
// with q (doubled inside), and whether a backslash occurred in the body.
func quoted(s string, i int, q byte, backslash bool) (int, bool) {
	saw := false
	for ; i < len(s); i++ {
		switch s[i] {
		case '\\':
			saw = true
			if backslash {
				i++
			}
		case q:
			if i+1 < len(s) && s[i+1] == q {
				i++
				continue
			}
			return i + 1, saw
		}
	}
	return len(s), saw
}

// blockComment returns the end of the /* comment at i; PostgreSQL nests them.
func (l *lexer) blockComment(i int) int {
	s := l.src
	depth := 0
	for j := i; j+1 < len(s); j++ {
		switch {
		case s[j] == '/' && s[j+1] == '*':
			if depth == 0 || l.d == dialect.Postgres {
				depth++
			}
			j++
		case s[j] == '*' && s[j+1] == '/':
			depth--
			j++
			if depth == 0 {
				return j + 1
			}
		}
	}
	return len(s)
}

// dollarTag returns the opening tag ($$ or $name$) at the start of s.
func dollarTag(s string) (string, bool) {
	for j := 1; j < len(s); j++ {
		c := s[j]
		if c == '$' {
			return s[:j+1], true
		}
		if !(c == '_' || c >= 0x80 || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || (j > 1 && '0' <= c && c <= '9')) {
			return "", false
		}
	}
	return "", false
}
