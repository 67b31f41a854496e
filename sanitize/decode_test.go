package sanitize

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
)

// decodeLiteral reads a string literal back the way the server does, for the
// forms a plain string can take: backslash escapes (\\, \', \0 and the
// octal escapes \134 and \137 of PostgreSQL) and, in a multibyte encoding,
// characters whose bytes are copied whole.
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
	e := q.enc()
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case c >= utf8.RuneSelf && e.kind == encMulti:
			require.False(t, q.Dialect == dialect.Postgres && e.isBackslash815F(body, i), "0x81 0x5F in %q", lit)
			n := max(e.charLen(body, i), 1)
			b.WriteString(body[i : i+n])
			i += n - 1
			continue
		case c == '\'':
			require.True(t, i+1 < len(body) && body[i+1] == '\'', "lone quote in %q", lit)
			i++
		case c == '\\' && backslash:
			require.Less(t, i+1, len(body), "trailing backslash in %q", lit)
			i++
			switch body[i] {
			case '0':
				c = 0
				if q.Dialect == dialect.Postgres {
					t.Fatalf("octal NUL in %q", lit)
				}
			case '1':
				require.Less(t, i+2, len(body), lit)
				n, err := strconv.ParseUint(body[i:i+3], 8, 8)
				require.NoError(t, err, lit)
				c = byte(n)
				i += 2
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

// asBackslashes replaces the characters 0x81 0x5F of a SHIFT_JIS_2004
// string with the backslash PostgreSQL converts them to; a bind parameter
// reads the same.
func asBackslashes(q Quoter, s string) string {
	e := q.enc()
	if q.Dialect != dialect.Postgres || !e.backslash815F {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if e.isBackslash815F(s, i) {
			b.WriteByte('\\')
			i += 2
			continue
		}
		n := max(e.charLen(s, i), 1)
		b.WriteString(s[i : i+n])
		i += n
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
