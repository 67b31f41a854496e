package sanitize

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestQuoteMySQLSessions(t *testing.T) {
	nbe := Quoter{Dialect: my, NoBackslashEscapes: true}
	for _, tc := range []struct{ in, want string }{
		{"O'Brien", "'O''Brien'"},
		{`C:\dir\`, `'C:\dir\'`},
		{`\'`, `'\'''`},
		{"a\x00b", "_utf8mb4 X'610062'"},
		{"日本", "'日本'"},
	} {
		got, err := nbe.Quote(tc.in)
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
	}
	latin1 := Quoter{Dialect: my, NoBackslashEscapes: true, Charset: "latin1"}
	got, err := latin1.Quote("\xe9\x00")
	require.NoError(t, err)
	assert.Equal(t, "_latin1 X'e900'", got)
	got, err = Quoter{Dialect: my, Charset: "latin1"}.Quote("caf\xe9") // any byte is a latin1 character
	require.NoError(t, err)
	assert.Equal(t, "'caf\xe9'", got)

	mb3 := Quoter{Dialect: my, Charset: "utf8mb3"}
	_, err = mb3.Quote("😀")
	require.ErrorIs(t, err, ErrInvalidUTF8)
	got, err = mb3.Quote("日本")
	require.NoError(t, err)
	assert.Equal(t, "'日本'", got)

	// 0xbf 0x5c is one character in big5, gbk and gb18030; in sjis and
	// cp932 0xbf is a character of its own, and the backslash after it is
	// written in hex, as in gb2312, which is not split into characters.
	const p = "\xbf\\' OR 1=1 -- "
	for _, tc := range []struct{ cs, lit, ident string }{
		{"big5", "'\xbf\\'' OR 1=1 -- '", "`t\xbf``"},
		{"gbk", "'\xbf\\'' OR 1=1 -- '", "`t\xbf``"},
		{"GBK", "'\xbf\\'' OR 1=1 -- '", "`t\xbf``"},
		{"gb18030", "'\xbf\\'' OR 1=1 -- '", "`t\xbf``"},
		{"sjis", "_sjis X'bf5c27204f5220313d31202d2d20'", "`t\xbf```"},
		{"cp932", "_cp932 X'bf5c27204f5220313d31202d2d20'", "`t\xbf```"},
		{"gb2312", "'\xbf\\\\'' OR 1=1 -- '", "!ErrUnsafeCharset"},
		{"klingon", "!ErrUnsafeCharset", "!ErrUnsafeCharset"},
	} {
		q := Quoter{Dialect: my, Charset: tc.cs}
		got, err := q.Quote(p)
		checkQuote(t, got, err, tc.lit)
		got, err = q.QuoteIdent("t\xbf`")
		checkQuote(t, got, err, tc.ident)
		got, err = q.Quote(`it's \ ok`) // ASCII only: safe in every one of them
		require.NoError(t, err, tc.cs)
		assert.Equal(t, `'it''s \\ ok'`, got)
	}
	_, err = Quoter{Dialect: my, Charset: "gbk"}.Quote("\xbf'")
	require.ErrorIs(t, err, ErrInvalidEncoding)
	assert.Contains(t, err.Error(), "gbk")
}

// TestQuotePostgresEncodings shows the literal forms in each kind of client
// encoding. A backslash right after a byte of 0x80 or more is \134, and
// outside the multibyte encodings an underscore right after 0x81 is \137, so
// that a session in another encoding cannot read the literal as ending early.
func TestQuotePostgresEncodings(t *testing.T) {
	for _, tc := range []struct{ enc, in, want string }{
		{"", `C:\dir`, `E'C:\\dir'`},
		{"", `さ\'`, `E'さ\134'''`},         // さ is E3 81 95; SJIS reads 95 5C as one character
		{"", "ぁ_'", `E'ぁ\137'''`},         // ぁ is E3 81 81; SHIFT_JIS_2004 reads 81 5F as a backslash
		{"", "a\xffb", "!ErrInvalidUTF8"}, // the session's encoding is UTF8
		{"SJIS", "\x83\x5c'", "'\x83\x5c'''"},
		{"SJIS", "\x83\x5c\\", "E'\x83\x5c\\\\'"},
		{"SJIS", "\x82\xa0\\", `E'` + "\x82\xa0" + `\134'`},
		{"SJIS", "\x81\x5f", "'\x81\x5f'"}, // a fullwidth backslash in SJIS
		{"SJIS", "\xb1", "'\xb1'"},         // a half-width katakana
		{"SJIS", "\x81'", "!ErrInvalidEncoding"},
		{"SJIS", "\x81", "!ErrInvalidEncoding"},
		{"SHIFT_JIS_2004", "\x81\x5f'", `E'\134'''`}, // converted to a backslash by the server
		{"BIG5", "\xa5\x5c\\'", "E'\xa5\x5c\\\\'''"},
		{"GBK", "\x81\x40\x81\x5c", "'\x81\x40\x81\x5c'"},
		{"GB18030", "\x81\x30\x81\x30\\", `E'` + "\x81\x30\x81\x30" + `\\'`},
		{"GB18030", "\x81\x30\\", "!ErrInvalidEncoding"},
		{"UHC", "\xb0\x41'", "'\xb0\x41'''"},
		{"LATIN1", "\xe9\\", `E'` + "\xe9" + `\134'`},
		{"LATIN1", "\x81_", `E'` + "\x81" + `\137'`},
		{"EUC_JP", "\xa4\xa2", "'\xa4\xa2'"},
		{"klingon", "\xa4\xa2", "!ErrUnsafeCharset"},
		{"klingon", `it's \ ok`, `E'it''s \\ ok'`},
	} {
		q := Quoter{Dialect: pg, ClientEncoding: tc.enc}
		got, err := q.Quote(tc.in)
		t.Run(tc.enc+"/"+tc.in, func(t *testing.T) { checkQuote(t, got, err, tc.want) })
	}
}

// TestQuoteMySQLDefaultOnMultibyte: the utf8mb4 Quoter writes a backslash
// that follows a non-ASCII byte in hex, which no charset can misread.
func TestQuoteMySQLDefaultOnMultibyte(t *testing.T) {
	got, err := Quote(my, `さ\'`)
	require.NoError(t, err)
	assert.Equal(t, "_utf8mb4 X'e381955c27'", got)
	got, err = Quoter{Dialect: my, NoBackslashEscapes: true}.Quote(`さ\'`)
	require.NoError(t, err)
	assert.Equal(t, `'さ\'''`, got) // no escapes in that mode: nothing to absorb
	_, err = QuoteIdent(my, "さ`")
	require.ErrorIs(t, err, ErrUnsafeCharset)
	got, err = QuoteIdent(my, "さ `")
	require.NoError(t, err)
	assert.Equal(t, "`さ ```", got)
}
