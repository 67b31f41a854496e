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
	{Dialect: my},
	{Dialect: my, NoBackslashEscapes: true},
	{Dialect: my, Charset: "latin1"},
	{Dialect: my, Charset: "gbk"},
	{Dialect: sq},
}

var stringSeeds = []string{
	"", "plain", "O'Brien", `\`, `\'`, `'\`, "''", `\\'`, "a\x00b", "\x00", "\xff", "\xc3", "\xbf'", "\xbf\\'",
	"\xbf\x5c' OR 1=1 -- ", "日本語", "😀", "é", "\ufffe", "-- comment", "/* c */", "*/", "#x", "$$", "$a$ ? $a$",
	"?", ":name", "::int", `"`, "`", "[x]", "\r\n\t\x1a", "'; DROP TABLE users; --", "\\0", "%_",
}

// wantStringErr is the documented rule for which strings a session refuses.
func wantStringErr(q Quoter, s string) error {
	high := strings.ContainsFunc(s, func(r rune) bool { return r >= utf8.RuneSelf })
	for i := 0; i < len(s) && !high; i++ {
		high = s[i] >= utf8.RuneSelf
	}
	switch q.Dialect {
	case dialect.Postgres:
		if strings.IndexByte(s, 0) >= 0 {
			return ErrNULInText
		}
		if !utf8.ValidString(s) {
			return ErrInvalidUTF8
		}
	case dialect.MySQL:
		switch q.Charset {
		case "gbk":
			if high {
				return ErrUnsafeCharset
			}
		case "":
			if !utf8.ValidString(s) {
				return ErrInvalidUTF8
			}
		}
	}
	return nil
}

// decodeLiteral reads a string literal back the way the server does, for the
// forms a plain string can take.
func decodeLiteral(t *testing.T, q Quoter, lit string) string {
	t.Helper()
	switch {
	case strings.HasPrefix(lit, "CAST(X'") && strings.HasSuffix(lit, "' AS TEXT)"):
		return decodeHex(t, lit[len("CAST(X'"):len(lit)-len("' AS TEXT)")])
	case strings.HasPrefix(lit, "_") && strings.Contains(lit, " X'"):
		i := strings.Index(lit, " X'")
		require.Equal(t, q.introducer(), lit[:i])
		return decodeHex(t, strings.TrimSuffix(lit[i+3:], "'"))
	}
	backslash := q.Dialect == dialect.MySQL && !q.NoBackslashEscapes
	if strings.HasPrefix(lit, "E'") {
		require.Equal(t, dialect.Postgres, q.Dialect, lit)
		lit, backslash = lit[1:], true
	}
	require.True(t, len(lit) >= 2 && lit[0] == '\'' && lit[len(lit)-1] == '\'', lit)
	body := lit[1 : len(lit)-1]
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case c == '\'':
			require.True(t, i+1 < len(body) && body[i+1] == '\'', "lone quote in %q", lit)
			i++
		case c == '\\' && backslash:
			require.Less(t, i+1, len(body), "trailing backslash in %q", lit)
			i++
			switch body[i] {
			case '0':
				c = 0
			case '\\', '\'':
				c = body[i]
			default:
				t.Fatalf("unexpected escape \\%c in %q", body[i], lit)
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

func decodeHex(t *testing.T, h string) string {
	t.Helper()
	require.Zero(t, len(h)%2)
	b := make([]byte, len(h)/2)
	for i := range b {
		hi, lo := strings.IndexByte(hexDigits, h[2*i]), strings.IndexByte(hexDigits, h[2*i+1])
		require.True(t, hi >= 0 && lo >= 0, h)
		b[i] = byte(hi<<4 | lo)
	}
	return string(b)
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
			require.Equal(t, s, decodeLiteral(t, q, lit), "%+v", q)
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

func FuzzArray(f *testing.F) {
	for _, s := range []string{
		"SELECT ?", "a = ? AND b IN (?)", "SELECT '?', \"?\", `?`, [?], ?", "SELECT ? -- ?\n, ?", "SELECT /* ? /* ? */ ? */ ?",
		"SELECT $$?$$, $t$ ? $t$, ?", "SELECT E'\\'?', ?", "SELECT '\\'?', ?", "SELECT 5--?", "SELECT x?y", "SELECT ?'x'",
		"SELECT ??, ???, ????", "SELECT e?", "SELECT $?", "SELECT ?::int", "# ?\n?", "SELECT 'abc", "SELECT \"abc ?",
		"SELECT ?.5", "?", "'", "/*", "$a$", ":a ?",
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
				for i := range args {
					args[i] = payload
				}
				out, err := q.Array(tmpl, args...)
				if errors.Is(err, ErrAmbiguousLiteral) && d == dialect.Postgres {
					continue
				}
				require.NoError(t, err, "%+v %q", q, tmpl)
				// Each placeholder became exactly one literal, and nothing
				// else about the statement changed.
				require.Equal(t, skeleton(q, tmpl, "L", "?"), skeleton(q, out, "?", "??"), "%+v\n%q\n%q", q, tmpl, out)
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
