package analyze

import (
	"strings"

	"github.com/grantsql/grant/dialect"
)

// This file is a second, independent reading of the quoting rules, written
// byte by byte without the lexer, for the fuzz invariant: it lists the bare
// words of a text, i.e. the words outside strings, quoted identifiers,
// comments, placeholders and variables.

// bareWord is one bare word with what surrounds it.
type bareWord struct {
	text        string
	afterDot    bool // the previous significant character is '.'
	beforeParen bool // the next significant character is '('
}

func wsIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80
}

func wsIdentChar(c byte) bool {
	return wsIdentStart(c) || c >= '0' && c <= '9' || c == '$'
}

func wsDigit(c byte) bool { return c >= '0' && c <= '9' }

// wordScanner walks a text by one dialect's quoting rules.
type wordScanner struct {
	d     dialect.Dialect
	s     string
	i     int
	exec  bool
	words []bareWord
	// lastSig is the last significant byte seen outside comments.
	lastSig byte
}

// bareWords returns the bare words of s in dialect d.
func bareWords(d dialect.Dialect, s string) []bareWord {
	w := &wordScanner{d: d, s: s}
	w.run()
	return w.words
}

func (w *wordScanner) has(prefix string) bool { return strings.HasPrefix(w.s[w.i:], prefix) }

func (w *wordScanner) at(k int) byte {
	if w.i+k < len(w.s) {
		return w.s[w.i+k]
	}
	return 0
}

func (w *wordScanner) run() {
	for w.i < len(w.s) {
		if w.skipComment() {
			continue
		}
		c := w.s[w.i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			w.i++
			continue
		case c == '\'':
			w.skipQuote('\'', w.d == dialect.MySQL)
		case c == '"':
			w.skipQuote('"', w.d == dialect.MySQL)
		case c == '`' && w.d != dialect.Postgres:
			w.skipQuote('`', false)
		case c == '[' && w.d == dialect.SQLite:
			if j := strings.IndexByte(w.s[w.i:], ']'); j >= 0 {
				w.i += j + 1
			} else {
				w.i = len(w.s)
			}
		case c == '$':
			w.dollar()
		case c == '?' && w.d != dialect.Postgres:
			w.i++
			if w.d == dialect.SQLite {
				for w.i < len(w.s) && wsDigit(w.s[w.i]) {
					w.i++
				}
			}
		case c == ':':
			w.colon()
		case c == '@' && w.d != dialect.Postgres:
			w.atSign()
		case wsDigit(c) || (c == '.' && wsDigit(w.at(1))):
			w.number()
		case wsIdentStart(c):
			w.word()
			continue
		default:
			w.i++
		}
		w.lastSig = c
	}
}

// skipComment skips a comment (or a MySQL executable-comment marker) at i.
func (w *wordScanner) skipComment() bool {
	my := w.d == dialect.MySQL
	switch {
	case my && w.exec && w.has("*/"):
		w.i += 2
		w.exec = false
	case my && (w.has("/*!") || w.has("/*M!")):
		if w.has("/*M!") {
			w.i++
		}
		w.i += 3
		for n := 0; n < 6 && w.i < len(w.s) && wsDigit(w.s[w.i]); n++ {
			w.i++
		}
		w.exec = true
	case w.has("--") && (!my || w.i+2 >= len(w.s) || w.s[w.i+2] <= ' ' || w.s[w.i+2] == 0x7f),
		my && w.has("#"):
		if j := strings.IndexByte(w.s[w.i:], '\n'); j >= 0 {
			w.i += j
		} else {
			w.i = len(w.s)
		}
	case w.has("/*"):
		w.i += 2
		depth := 1
		for w.i < len(w.s) && depth > 0 {
			switch {
			case w.has("*/"):
				depth--
				w.i += 2
			case w.d == dialect.Postgres && w.has("/*"):
				depth++
				w.i += 2
			default:
				w.i++
			}
		}
	default:
		return false
	}
	return true
}

// skipQuote skips a quoted run opened at i with q.
func (w *wordScanner) skipQuote(q byte, backslash bool) {
	w.i++
	for w.i < len(w.s) {
		c := w.s[w.i]
		if backslash && c == '\\' {
			w.i += 2
			continue
		}
		w.i++
		if c == q {
			if w.i < len(w.s) && w.s[w.i] == q {
				w.i++
				continue
			}
			return
		}
	}
	w.i = len(w.s)
}

func (w *wordScanner) dollar() {
	switch w.d {
	case dialect.Postgres:
		if wsDigit(w.at(1)) {
			w.i++
			for w.i < len(w.s) && wsIdentChar(w.s[w.i]) {
				w.i++
			}
			return
		}
		j := w.i + 1
		if j < len(w.s) && wsIdentStart(w.s[j]) {
			for j < len(w.s) && wsIdentChar(w.s[j]) && w.s[j] != '$' {
				j++
			}
		}
		if j < len(w.s) && w.s[j] == '$' {
			tag := w.s[w.i : j+1]
			if k := strings.Index(w.s[j+1:], tag); k >= 0 {
				w.i = j + 1 + k + len(tag)
			} else {
				w.i = len(w.s)
			}
			return
		}
		w.i++
	case dialect.SQLite:
		w.i++
		for w.i < len(w.s) && wsIdentChar(w.s[w.i]) && w.s[w.i] != '$' {
			w.i++
		}
	default:
		w.word() // a MySQL identifier may start with '$'
	}
}

func (w *wordScanner) colon() {
	switch {
	case w.at(1) == ':' && w.d == dialect.Postgres, w.at(1) == '=':
		w.i += 2
	case wsIdentStart(w.at(1)):
		w.i += 2
		for w.i < len(w.s) && wsIdentChar(w.s[w.i]) && w.s[w.i] != '$' {
			w.i++
		}
	default:
		w.i++
	}
}

func (w *wordScanner) atSign() {
	w.i++
	if w.d == dialect.SQLite {
		for w.i < len(w.s) && wsIdentChar(w.s[w.i]) && w.s[w.i] != '$' {
			w.i++
		}
		return
	}
	switch c := w.at(0); {
	case c == '\'' || c == '"':
		w.skipQuote(c, true)
		return
	case c == '`':
		w.skipQuote(c, false)
		return
	case c == '@':
		w.i++
	}
	for w.i < len(w.s) && (wsIdentChar(w.s[w.i]) || w.s[w.i] == '.') {
		w.i++
	}
}

// number skips a numeric literal and any identifier characters glued to it.
func (w *wordScanner) number() {
	for w.i < len(w.s) && (wsDigit(w.s[w.i]) || w.s[w.i] == '_') {
		w.i++
	}
	if w.at(0) == '.' && w.at(1) != '.' {
		w.i++
	}
	for w.i < len(w.s) && wsIdentChar(w.s[w.i]) {
		w.i++
	}
	if (w.at(0) == '+' || w.at(0) == '-') && w.i > 0 && (w.s[w.i-1] == 'e' || w.s[w.i-1] == 'E') && wsDigit(w.at(1)) {
		w.i++
		for w.i < len(w.s) && wsIdentChar(w.s[w.i]) {
			w.i++
		}
	}
}

// word reads a bare word, or a prefixed string such as E'..'.
func (w *wordScanner) word() {
	c := w.s[w.i]
	if w.at(1) == '\'' {
		switch c | 0x20 {
		case 'e':
			if w.d == dialect.Postgres {
				w.i++
				w.skipQuote('\'', true)
				w.lastSig = '\''
				return
			}
		}
	}
	start := w.i
	for w.i < len(w.s) && wsIdentChar(w.s[w.i]) {
		w.i++
	}
	w.words = append(w.words, bareWord{text: w.s[start:w.i], afterDot: w.lastSig == '.'})
	w.lastSig = 'a'
	// Look ahead for '(' past spaces and comments.
	save, saveExec := w.i, w.exec
	for w.i < len(w.s) {
		if w.skipComment() {
			continue
		}
		if c := w.s[w.i]; c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' {
			w.i++
			continue
		}
		break
	}
	w.words[len(w.words)-1].beforeParen = w.i < len(w.s) && w.s[w.i] == '('
	w.i, w.exec = save, saveExec
}
