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
//   - PostgreSQL: E'...' with backslash escapes, '...' with them when
//     standard_conforming_strings is off, "..." identifiers,
//     $tag$...$tag$ strings, -- comments, nested /* */
//   - MySQL: '...' and "..." strings with backslash escapes unless
//     NO_BACKSLASH_ESCAPES ("..." is an identifier with ANSI_QUOTES),
//     `...` identifiers, # comments, and -- comments only when followed by
//     a space or control character (5--1 is 5 - -1)
//   - SQLite: "...", `...` and [...] identifiers, -- comments
//
// In a multibyte encoding whose characters can end in an ASCII byte
// (encMulti) it steps over whole characters, as the server does: PostgreSQL
// converts the text before lexing it, and MySQL's lexer skips multibyte
// characters, except the one byte after a backslash, which it skips alone.
// The lexer never fails: an unterminated literal runs to the end.
type lexer struct {
	src   string
	pos   int
	d     dialect.Dialect
	bs    bool // MySQL: backslash escapes in '...' and "..."
	named bool // :name placeholders; ? is ordinary text
	enc   encoding
	multi bool // enc is encMulti: step over multibyte characters
	// prevWide: the character before pos is a multibyte one (a word
	// character, whatever its last byte).
	prevWide bool
	// tokAfterWide: the last token other than code follows a multibyte
	// character.
	tokAfterWide bool
	scs          Setting // PostgreSQL standard_conforming_strings
	ansi         bool    // MySQL ANSI_QUOTES: "..." is an identifier
	// pgAmbiguous is set after a PostgreSQL '...' literal holding a
	// backslash when standard_conforming_strings is not known, as it then
	// reads differently with the setting on and off.
	pgAmbiguous bool
}

func newLexer(q Quoter, src string, named bool) lexer {
	e := q.enc()
	return lexer{src: src, d: q.Dialect, bs: q.Dialect == dialect.MySQL && !q.NoBackslashEscapes, named: named,
		enc: e, multi: e.kind == encMulti && q.Dialect != dialect.SQLite, scs: q.StandardConformingStrings,
		ansi: q.Dialect == dialect.MySQL && q.ANSIQuotes}
}

func isWord(c byte) bool {
	return c == '_' || c == '$' || c >= 0x80 || ('0' <= c && c <= '9') || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

func isNameStart(c byte) bool { return c == '_' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') }

// width is the length of the character at i: 1 but for a multibyte
// character of an encMulti set (an invalid byte counts as one, as MySQL
// counts it; PostgreSQL refuses such text).
func (l *lexer) width(i int) int {
	if l.multi && l.src[i] >= 0x80 {
		return max(l.enc.charLen(l.src, i), 1)
	}
	return 1
}

// backslashAt returns the length of the backslash at i (2 for 0x81 0x5F in
// SHIFT_JIS_2004, which PostgreSQL converts to one), or 0.
func (l *lexer) backslashAt(i int) int {
	switch {
	case l.src[i] == '\\':
		return 1
	case l.multi && l.d == dialect.Postgres && l.enc.isBackslash815F(l.src, i):
		return 2
	}
	return 0
}

// next returns the next token as a kind and the span src[start:end].
func (l *lexer) next() (kind tokKind, start, end int) {
	start = l.pos
	if start >= len(l.src) {
		return tokEOF, start, start
	}
	prevWide := l.prevWide
	for i := start; i < len(l.src); {
		if l.special(i, prevWide) {
			if i > start {
				l.pos, l.prevWide = i, prevWide
				return tokCode, start, i
			}
			l.tokAfterWide = prevWide
			kind, l.pos = l.token(i)
			l.prevWide = false
			return kind, start, l.pos
		}
		w := l.width(i)
		prevWide = w > 1
		i += w
	}
	l.pos = len(l.src)
	return tokCode, start, l.pos
}

// special reports whether a token other than code starts at i; prevWide
// says that the character before i is a multibyte one.
func (l *lexer) special(i int, prevWide bool) bool {
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
		return l.d == dialect.Postgres && i+1 < len(s) && s[i+1] == '\'' && !l.afterWord(i, prevWide)
	case '$':
		if l.d != dialect.Postgres || l.afterWord(i, prevWide) {
			return false
		}
		_, ok := l.dollarTag(i)
		return ok
	}
	return false
}

// afterWord reports whether the character before i is a word character.
func (l *lexer) afterWord(i int, prevWide bool) bool {
	return i > 0 && (prevWide || isWord(l.src[i-1]))
}

// token scans the non-code token starting at i and returns its kind and end.
func (l *lexer) token(i int) (tokKind, int) {
	s := l.src
	switch c := s[i]; c {
	case '\'':
		if l.d == dialect.Postgres {
			end, sawBackslash := l.quoted(i+1, '\'', l.scs == Off)
			if sawBackslash && l.scs == Unknown {
				l.pgAmbiguous = true
			}
			return tokLiteral, end
		}
		end, _ := l.quoted(i+1, '\'', l.bs)
		return tokLiteral, end
	case '"':
		end, _ := l.quoted(i+1, '"', l.bs && !l.ansi)
		return tokLiteral, end
	case '`':
		end, _ := l.quoted(i+1, '`', false)
		return tokLiteral, end
	case '[':
		for j := i + 1; j < len(s); j++ {
			if s[j] == ']' {
				return tokLiteral, j + 1
			}
		}
		return tokLiteral, len(s)
	case 'e', 'E':
		end, _ := l.quoted(i+2, '\'', true)
		return tokLiteral, end
	case '$':
		tag, _ := l.dollarTag(i)
		for j := i + len(tag); j+len(tag) <= len(s); j += l.width(j) {
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
// With escapes a backslash escapes what follows: one byte for MySQL, whose
// lexer skips one byte, one character for PostgreSQL, which lexes the
// converted text.
func (l *lexer) quoted(i int, q byte, escapes bool) (int, bool) {
	s := l.src
	saw := false
	for i < len(s) {
		if n := l.backslashAt(i); n > 0 {
			saw = true
			i += n
			if escapes && i < len(s) {
				if l.d == dialect.MySQL {
					i++
				} else {
					i += l.width(i)
				}
			}
			continue
		}
		if s[i] == q {
			if i+1 < len(s) && s[i+1] == q {
				i += 2
				continue
			}
			return i + 1, saw
		}
		i += l.width(i)
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

// dollarTag returns the opening tag ($$ or $name$) at s[i]; a multibyte
// character is a letter of a tag.
func (l *lexer) dollarTag(i int) (string, bool) {
	s := l.src
	for j := i + 1; j < len(s); {
		c := s[j]
		if c == '$' {
			return s[i : j+1], true
		}
		if !(c == '_' || c >= 0x80 || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || (j > i+1 && '0' <= c && c <= '9')) {
			return "", false
		}
		j += l.width(j)
	}
	return "", false
}
