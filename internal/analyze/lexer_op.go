package analyze

import (
	"strings"

	"github.com/grantsql/grant/dialect"
)

// number reads a numeric literal: decimal with optional fraction and
// exponent, or 0x / 0b / 0o integers. PostgreSQL allows '_' between digits.
// A literal that runs into identifier characters (1abc, 0x1g) is read as one
// identifier: MySQL names may start with digits, and PostgreSQL (15+) and
// SQLite reject such text, so it is never a keyword in any dialect.
func (l *Lexer) number(start int) Token {
	src := l.src
	i := start
	digits := func(ok func(byte) bool) {
		for i < len(src) && (ok(src[i]) || (src[i] == '_' && l.d == dialect.Postgres && i+1 < len(src) && ok(src[i+1]))) {
			i++
		}
	}
	if src[i] == '0' && i+1 < len(src) {
		base := src[i+1] | 0x20
		var ok func(byte) bool
		switch {
		case base == 'x' && i+2 < len(src) && isHex(src[i+2]):
			ok = isHex
		case base == 'b' && l.d != dialect.SQLite && i+2 < len(src) && (src[i+2] == '0' || src[i+2] == '1'):
			ok = func(c byte) bool { return c == '0' || c == '1' }
		case base == 'o' && l.d == dialect.Postgres && i+2 < len(src) && src[i+2] >= '0' && src[i+2] <= '7':
			ok = func(c byte) bool { return c >= '0' && c <= '7' }
		}
		if ok != nil {
			i += 2
			digits(ok)
			return l.numberEnd(start, i)
		}
	}
	digits(isDigit)
	if i < len(src) && src[i] == '.' && !(i+1 < len(src) && src[i+1] == '.') {
		i++
		digits(isDigit)
	}
	if i < len(src) && src[i]|0x20 == 'e' {
		j := i + 1
		if j < len(src) && (src[j] == '+' || src[j] == '-') {
			j++
		}
		if j < len(src) && isDigit(src[j]) {
			i = j
			digits(isDigit)
		}
	}
	return l.numberEnd(start, i)
}

func (l *Lexer) numberEnd(start, i int) Token {
	src := l.src
	if i < len(src) && isIdentChar(src[i]) {
		for i < len(src) && isIdentChar(src[i]) {
			i++
		}
		l.pos = i
		return tok(TokIdent, start, i)
	}
	l.pos = i
	return tok(TokNumber, start, i)
}

func isHex(c byte) bool {
	return isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'f')
}

// mysqlOps are the operators of more than one character MySQL and SQLite
// know, longest first.
var mysqlOps = [...]string{"<=>", "->>", "<=", ">=", "<>", "!=", "==", "<<", ">>", "||", "&&", "->"}

// operator reads an operator. PostgreSQL operators are any run of operator
// characters, cut before "--" or "/*", and without a trailing + or - unless
// the operator holds one of ~!@#%^&|`? (the server's own rule).
func (l *Lexer) operator(start int) Token {
	src := l.src
	if l.d != dialect.Postgres {
		rest := src[start:]
		for _, op := range mysqlOps {
			if strings.HasPrefix(rest, op) {
				l.pos = start + len(op)
				return tok(TokOperator, start, l.pos)
			}
		}
		l.pos = start + 1
		return tok(TokOperator, start, l.pos)
	}
	i := start
	for i < len(src) && isOpChar(l.d, src[i]) {
		if i > start && (src[i] == '-' && src[i-1] == '-' || src[i] == '*' && src[i-1] == '/') {
			i--
			break
		}
		i++
	}
	if i-start > 1 && (src[i-1] == '+' || src[i-1] == '-') && !strings.ContainsAny(src[start:i], "~!@#%^&|`?") {
		for i-start > 1 && (src[i-1] == '+' || src[i-1] == '-') {
			i--
		}
	}
	if i <= start {
		i = start + 1
	}
	l.pos = i
	return tok(TokOperator, start, i)
}
