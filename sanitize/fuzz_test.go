package sanitize

import (
	"database/sql"
	"errors"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"

	"github.com/grantsql/grant/dialect"
)

// fuzzQuoters are the sessions the fuzz targets check.
var fuzzQuoters = []Quoter{
	{Dialect: pg},
	{Dialect: pg, ClientEncoding: "SJIS", StandardConformingStrings: On},
	{Dialect: pg, ClientEncoding: "SHIFT_JIS_2004", StandardConformingStrings: Off},
	{Dialect: pg, ClientEncoding: "BIG5"},
	{Dialect: pg, ClientEncoding: "GBK"},
	{Dialect: pg, ClientEncoding: "GB18030", StandardConformingStrings: Off},
	{Dialect: pg, ClientEncoding: "UHC"},
	{Dialect: pg, ClientEncoding: "LATIN1", StandardConformingStrings: On},
	{Dialect: my},
	{Dialect: my, NoBackslashEscapes: true},
	{Dialect: my, ANSIQuotes: true},
	{Dialect: my, Charset: "latin1"},
	{Dialect: my, Charset: "gbk"},
	{Dialect: my, Charset: "sjis", NoBackslashEscapes: true},
	{Dialect: my, Charset: "big5", ANSIQuotes: true},
	{Dialect: my, Charset: "gb18030"},
	{Dialect: sq},
}

var stringSeeds = []string{
	"", "plain", "O'Brien", `\`, `\'`, `'\`, "''", `\\'`, "a\x00b", "\x00", "\xff", "\xc3", "\xbf'", "\xbf\\'",
	"\xbf\x5c' OR 1=1 -- ", "さ\\' AS v, 666 AS marker -- ", "ぁ_'", "\x81\x5f'", "\x95\x5c\\'", "\x81\x30\x81\x30\\'", "日本語", "😀", "é", "\ufffe", "-- comment", "/* c */", "*/", "#x", "$$", "$a$ ? $a$",
	"?", ":name", "::int", `"`, "`", "[x]", "\r\n\t\x1a", "'; DROP TABLE users; --", "\\0", "%_",
}

// wantStringErr is the documented rule for which strings a session refuses.
func wantStringErr(q Quoter, s string) error {
	high := false
	for i := 0; i < len(s); i++ {
		high = high || s[i] >= utf8.RuneSelf
	}
	e := q.enc()
	switch q.Dialect {
	case dialect.Postgres:
		if strings.IndexByte(s, 0) >= 0 {
			return ErrNULInText
		}
	case dialect.MySQL:
		if e.kind == encUTF8MB3 && high && strings.ContainsFunc(s, func(r rune) bool { return r > 0xFFFF }) {
			return ErrInvalidUTF8
		}
	default:
		return nil
	}
	switch {
	case !high:
	case e.kind == encUTF8 || e.kind == encUTF8MB3:
		if !utf8.ValidString(s) {
			return ErrInvalidUTF8
		}
	case e.kind == encMulti:
		for i := 0; i < len(s); i += max(e.charLen(s, i), 1) {
			if e.charLen(s, i) == 0 {
				return ErrInvalidEncoding
			}
		}
	case e.kind == encUnknown:
		return ErrUnsafeCharset
	}
	return nil
}

var (
	fuzzSQLiteOnce sync.Once
	fuzzSQLite     *sql.DB
)

func sqliteMemory(t *testing.T) *sql.DB {
	fuzzSQLiteOnce.Do(func() {
		db, err := sql.Open("sqlite", ":memory:")
		if err == nil {
			db.SetMaxOpenConns(1)
			fuzzSQLite = db
		}
	})
	require.NotNil(t, fuzzSQLite)
	return fuzzSQLite
}

func FuzzQuoteString(f *testing.F) {
	for _, s := range stringSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, q := range fuzzQuoters {
			lit, err := q.QuoteString(s)
			if want := wantStringErr(q, s); want != nil {
				require.ErrorIs(t, err, want, "%+v %q", q, s)
				continue
			}
			require.NoError(t, err, "%+v %q", q, s)
			require.Equal(t, asBackslashes(q, s), decodeLiteral(t, q, lit), "%+v", q)
			// The literal is one token: the lexer sees code, the literal, code.
			if !strings.HasPrefix(lit, "CAST(") && !strings.HasPrefix(lit, "_") {
				l := newLexer(q, "SELECT "+lit+", 1", false)
				kinds, texts := lexAll(&l)
				require.Equal(t, []tokKind{tokCode, tokLiteral, tokCode}, kinds, "%+v %q", q, lit)
				require.Equal(t, lit, texts[1])
			}
			if q.Dialect == dialect.SQLite {
				var got string
				require.NoError(t, sqliteMemory(t).QueryRow("SELECT "+lit).Scan(&got), lit)
				require.Equal(t, s, got)
			}
		}
	})
}

func lexAll(l *lexer) ([]tokKind, []string) {
	var kinds []tokKind
	var texts []string
	for {
		k, start, end := l.next()
		if k == tokEOF {
			return kinds, texts
		}
		kinds = append(kinds, k)
		texts = append(texts, l.src[start:end])
	}
}

// skeleton is what a statement is made of, literals aside: its code without
// white space, each literal or comment as L, each placeholder as given.
func skeleton(q Quoter, src string, param, escaped string) string {
	l := newLexer(q, src, false)
	var b strings.Builder
	for {
		k, start, end := l.next()
		switch k {
		case tokEOF:
			return b.String()
		case tokCode:
			for _, c := range []byte(src[start:end]) {
				if c > ' ' {
					b.WriteByte(c)
				}
			}
		case tokLiteral:
			b.WriteByte('L')
		case tokParam:
			b.WriteString(param)
		case tokEscaped:
			b.WriteString(escaped)
		}
	}
}

// payload is what FuzzArray substitutes: a string that tries every way out
// of a literal.
const payload = "x'); -- ? /* \\' $$ ` \" ] # :a"

// mbPayload adds characters whose trailing bytes are a backslash and a
// backtick in SJIS, GBK and BIG5, for the Quoters that take it.
const mbPayload = payload + " \xa5\x5c' \xa5\x60` \\"

func FuzzArray(f *testing.F) {
	for _, s := range []string{
		"SELECT ?", "a = ? AND b IN (?)", "SELECT '?', \"?\", `?`, [?], ?", "SELECT ? -- ?\n, ?", "SELECT /* ? /* ? */ ? */ ?",
		"SELECT $$?$$, $t$ ? $t$, ?", "SELECT E'\\'?', ?", "SELECT '\\'?', ?", "SELECT 5--?", "SELECT x?y", "SELECT ?'x'",
		"SELECT ??, ???, ????", "SELECT e?", "SELECT $?", "SELECT ?::int", "# ?\n?", "SELECT 'abc", "SELECT \"abc ?",
		"SELECT ?.5", "?", "'", "/*", "$a$", ":a ?", "SELECT E'\x83\x5c', ?", "SELECT $\x81\x40$ ? $\x81\x40$, ?",
		"SELECT `\x81\x60`, ?", "SELECT '\\\x81\x5c', ?", "SELECT '\x81\x5f', ?", "SELECT \x81\x40E'\\', ?",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tmpl string) {
		for _, q := range fuzzQuoters {
			{
				d := q.Dialect
				l := newLexer(q, tmpl, false)
				kinds, _ := lexAll(&l)
				n := 0
				for _, k := range kinds {
					if k == tokParam {
						n++
					}
				}
				args := make([]any, n)
				p := any(payload)
				if _, err := q.Quote(mbPayload); err == nil {
					p = mbPayload
				}
				for i := range args {
					args[i] = p
				}
				out, err := q.Array(tmpl, args...)
				if errors.Is(err, ErrAmbiguousLiteral) && d == dialect.Postgres {
					continue
				}
				require.NoError(t, err, "%+v %q", q, tmpl)
				// Each placeholder became exactly one literal, and nothing
				// else about the statement changed.
				// One literal: L, or _charset X L for a MySQL hex string.
				lit, err := q.Quote(p)
				require.NoError(t, err)
				one := skeleton(q, lit, "?", "??")
				require.Equal(t, skeleton(q, tmpl, one, "?"), skeleton(q, out, "?", "??"), "%+v\n%q\n%q", q, tmpl, out)
				// One argument too many or too few is an error.
				_, err = q.Array(tmpl, append(args, 1)...)
				require.ErrorIs(t, err, ErrArgCount)
				if n > 0 {
					_, err = q.Array(tmpl, args[1:]...)
					require.ErrorIs(t, err, ErrArgCount)
				}
			}
		}
	})
}
