package sanitize

import (
	"regexp"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// A model of how a server reads a string literal written for another
// encoding than its session's. The guarantee it checks: a literal of the
// default Quoter, or of any Quoter whose encoding is not a multibyte one
// with ASCII trailing bytes, ends exactly where it was written to end in a
// session of any encoding and any standard_conforming_strings or
// NO_BACKSLASH_ESCAPES setting (backslash_quote on, the most permissive):
// the value may be read differently, or the server may refuse the
// statement, but the literal never ends early. A Quoter of such a multibyte
// encoding gives that guarantee in its own encoding only.

var (
	pgSessionEncodings = []string{"UTF8", "LATIN1", "SJIS", "SHIFT_JIS_2004", "BIG5", "GBK", "GB18030", "UHC"}
	mySessionCharsets  = []string{"utf8mb4", "latin1", "gbk", "sjis", "big5", "cp932", "gb18030"}
	hexLiteral         = regexp.MustCompile(`^_[a-z0-9]+ X'[0-9a-f]*'$`)
)

// pgConvert returns the text PostgreSQL's lexer sees for lit sent by a
// session in sess, or ok false where the server refuses it: its verifier
// splits by lead byte (laxly for BIG5, GBK and UHC), then each character is
// converted; an ASCII byte stays itself, and a multibyte character becomes
// 0xFF but for SHIFT_JIS_2004's 0x81 0x5F and 0x81 0xB0, which become \ and ~.
func pgConvert(lit string, sess encoding) (string, bool) {
	switch sess.kind {
	case encUTF8:
		return lit, utf8.ValidString(lit)
	case encBytes:
		return lit, true
	}
	out := make([]byte, 0, len(lit))
	for i := 0; i < len(lit); {
		c := lit[i]
		if c < 0x80 {
			out = append(out, c)
			i++
			continue
		}
		n := 2
		switch {
		case sess.scheme == schemeSJIS && 0xA1 <= c && c <= 0xDF:
			n = 1
		case sess.scheme == schemeGB18030 && i+1 < len(lit) && 0x30 <= lit[i+1] && lit[i+1] <= 0x39:
			n = 4
		}
		if i+n > len(lit) || lit[i+1:i+n] != "" && lit[i+1] == 0 {
			return "", false
		}
		if sess.charLen(lit, i) != n { // PostgreSQL's stricter verifiers, or no mapping
			return "", false
		}
		switch {
		case sess.backslash815F && lit[i:i+2] == "\x81\x5f":
			out = append(out, '\\')
		case sess.backslash815F && lit[i:i+2] == "\x81\xb0":
			out = append(out, '~')
		default:
			out = append(out, 0xFF)
		}
		i += n
	}
	return string(out), true
}

// literalEnd lexes one string literal at the start of text, '...' or E'...',
// and returns its end, or -1 if it does not end.
func literalEnd(text string, escapes, mysql bool, sess encoding) int {
	i := 1
	if text[0] == 'E' {
		i, escapes = 2, true
	}
	for i < len(text) {
		c := text[i]
		switch {
		case mysql && c >= 0x80 && sess.kind == encMulti && sess.charLen(text, i) > 1:
			i += sess.charLen(text, i)
		case c == '\\' && escapes:
			i += 2
		case c == '\'' && i+1 < len(text) && text[i+1] == '\'':
			i += 2
		case c == '\'':
			return i + 1
		default:
			i++
		}
	}
	return -1
}

// checkMisread quotes s with q and reads the literal in every session the
// guarantee covers.
func checkMisread(t *testing.T, q Quoter, s string) {
	lit, err := q.QuoteString(s)
	if err != nil {
		return
	}
	own := q.enc()
	switch q.Dialect {
	case pg:
		for _, name := range pgSessionEncodings {
			sess := Quoter{Dialect: pg, ClientEncoding: name}.enc()
			if own.kind == encMulti && sess.name != own.name {
				continue
			}
			text, ok := pgConvert(lit, sess)
			if !ok {
				continue // the server refuses the statement
			}
			for _, scsOff := range []bool{false, true} {
				require.Equal(t, len(text), literalEnd(text, scsOff, false, sess),
					"%s read by a %s session (scs off: %v) as %q: %q", q.ClientEncoding, name, scsOff, text, s)
			}
		}
	case my:
		if hexLiteral.MatchString(lit) {
			return
		}
		for _, name := range mySessionCharsets {
			sess := Quoter{Dialect: my, Charset: name}.enc()
			if own.kind == encMulti && sess.name != own.name {
				continue
			}
			for _, nbe := range []bool{q.NoBackslashEscapes, true} {
				require.Equal(t, len(lit), literalEnd(lit, !nbe, true, sess),
					"%+v read by a %s session (NO_BACKSLASH_ESCAPES %v): %q", q, name, nbe, lit)
			}
		}
	}
}

var misreadQuoters = func() []Quoter {
	qs := []Quoter{{Dialect: pg}, {Dialect: pg, ClientEncoding: "LATIN1"}, {Dialect: my},
		{Dialect: my, Charset: "latin1"}, {Dialect: my, NoBackslashEscapes: true}}
	for _, name := range pgSessionEncodings[2:] {
		qs = append(qs, Quoter{Dialect: pg, ClientEncoding: name})
	}
	for _, name := range mySessionCharsets[2:] {
		qs = append(qs, Quoter{Dialect: my, Charset: name})
	}
	return qs
}()

func TestQuoteMisread(t *testing.T) {
	for _, s := range append(append(hostile(), randomHostile(3000)...), stringSeeds...) {
		for _, q := range misreadQuoters {
			checkMisread(t, q, s)
		}
	}
}

func FuzzQuoteMisread(f *testing.F) {
	for _, s := range append(hostile(), stringSeeds...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, q := range misreadQuoters {
			checkMisread(t, q, s)
		}
	})
}
