package sanitize

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEncodingNames(t *testing.T) {
	for name, want := range map[string]string{"": "UTF8", "utf-8": "UTF8", "Unicode": "UTF8", "Shift_JIS": "SJIS",
		"MS-Kanji": "SJIS", "WIN932": "SJIS", "Shift-JIS-2004": "SHIFT_JIS_2004", "windows-936": "GBK",
		"win949": "UHC", "WIN950": "BIG5", "gb-18030": "GB18030", "ISO-8859-1": "LATIN1", "iso_8859_16": "LATIN10",
		"euc_jp": "EUC_JP", "windows-1252": "WIN1252", "koi8": "KOI8R", "sql_ascii": "SQL_ASCII"} {
		assert.Equal(t, want, Quoter{Dialect: pg, ClientEncoding: name}.enc().name, name)
	}
	assert.Equal(t, encUnknown, Quoter{Dialect: pg, ClientEncoding: "klingon"}.enc().kind)
	assert.Equal(t, encUnknown, Quoter{Dialect: my, Charset: "utf16"}.enc().kind)
	assert.Equal(t, "gbk", Quoter{Dialect: my, Charset: "GBK"}.enc().name)
}

// pairs is every two-byte sequence with a lead byte of 0x80 or more, as
// SQL: a VALUES list of (hi, lo).
func pairs() string {
	var b strings.Builder
	for hi := 0x80; hi <= 0xFF; hi++ {
		for lo := 0x01; lo <= 0xFF; lo++ {
			if b.Len() > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "(%d,%d)", hi, lo)
		}
	}
	return b.String()
}

// TestEncodingsMatchPostgres asks PostgreSQL what it makes of every
// two-byte sequence in each multibyte client encoding (convert_from runs
// the same verification and conversion as client text) and checks the
// package against it: every sequence that converts to one character is one
// character to charLen, and the only ones converted to ASCII are 0x81 0x5F
// (a backslash) and 0x81 0xB0 (a tilde, harmless) in SHIFT_JIS_2004. It
// takes about a second per encoding on the server.
func TestEncodingsMatchPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("asks the server about 32640 sequences per encoding")
	}
	values := pairs()
	for _, name := range []string{"SJIS", "SHIFT_JIS_2004", "BIG5", "GBK", "GB18030", "UHC"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			conn := pgConn(t, "")
			ctx := context.Background()
			_, err := conn.ExecContext(ctx, `CREATE FUNCTION pg_temp.conv(b bytea, enc text) RETURNS text AS $$
				BEGIN RETURN convert_from(b, enc); EXCEPTION WHEN others THEN RETURN NULL; END $$ LANGUAGE plpgsql`)
			require.NoError(t, err)
			// split: the pair reads as its two bytes read one by one (a
			// SHIFT_JIS_2004 character can convert to two code points).
			rows, err := conn.QueryContext(ctx, `SELECT hi, lo, length(t) = 2 AND t IS NOT DISTINCT FROM
					pg_temp.conv(set_byte('\x00'::bytea, 0, hi), $1) || pg_temp.conv(set_byte('\x00'::bytea, 0, lo), $1),
				CASE WHEN t ~ '^[\x01-\x7f]$' THEN t END
				FROM (SELECT hi, lo, pg_temp.conv(set_byte(set_byte('\x0000'::bytea, 0, hi), 1, lo), $1) AS t
				FROM (VALUES `+values+`) AS v(hi, lo)) AS c WHERE t IS NOT NULL`, name)
			require.NoError(t, err)
			defer rows.Close()
			e := Quoter{Dialect: pg, ClientEncoding: name}.enc()
			chars, ascii := 0, map[string]string{}
			for rows.Next() {
				var hi, lo int
				var split bool
				var a *string
				require.NoError(t, rows.Scan(&hi, &lo, &split, &a))
				s := string([]byte{byte(hi), byte(lo)})
				if !split {
					chars++
					require.Equal(t, 2, e.charLen(s, 0), "%s converts % x to one character", name, s)
					if a != nil {
						ascii[fmt.Sprintf("%x", s)] = *a
					}
					assert.Equal(t, a != nil && *a == `\`, e.isBackslash815F(s, 0), "% x", s)
				} else {
					require.Equal(t, 1, e.charLen(s, 0), "%s reads % x as two characters", name, s)
				}
			}
			require.NoError(t, rows.Err())
			if e.backslash815F {
				assert.Equal(t, map[string]string{"815f": `\`, "81b0": "~"}, ascii)
			} else {
				assert.Empty(t, ascii)
			}
			t.Logf("%s: %d two-byte characters, all split as the server splits them", name, chars)
		})
	}
}

// TestEncodingsMatchMySQL asks the server how many characters each two-byte
// sequence is in each multibyte charset (CHAR_LENGTH counts with the
// my_ismbchar function the lexer uses) and checks that charLen agrees
// exactly: a disagreement either way could let a trailing byte be read as
// a quote, a backslash or a backtick.
func TestEncodingsMatchMySQL(t *testing.T) {
	conn := myConn(t, "", "")
	for _, cs := range myMultibyte {
		t.Run(cs, func(t *testing.T) {
			if !myCharsetSupported(t, cs) {
				t.Skipf("the server has no charset %s", cs)
			}
			rows, err := conn.QueryContext(context.Background(), `SELECT a.seq, b.seq FROM seq_128_to_255 a, seq_1_to_255 b
				WHERE CHAR_LENGTH(CONVERT(UNHEX(CONCAT(HEX(a.seq), LPAD(HEX(b.seq), 2, '0'))) USING `+cs+`)) = 1`)
			require.NoError(t, err)
			defer rows.Close()
			server := map[[2]byte]bool{}
			for rows.Next() {
				var hi, lo int
				require.NoError(t, rows.Scan(&hi, &lo))
				server[[2]byte{byte(hi), byte(lo)}] = true
			}
			require.NoError(t, rows.Err())
			e := Quoter{Dialect: my, Charset: cs}.enc()
			for hi := 0x80; hi <= 0xFF; hi++ {
				for lo := 0x01; lo <= 0xFF; lo++ {
					s := string([]byte{byte(hi), byte(lo)})
					require.Equal(t, server[[2]byte{byte(hi), byte(lo)}], e.charLen(s, 0) == 2, "%s: % x", cs, s)
				}
			}
			t.Logf("%s: %d two-byte characters, split as the server splits them", cs, len(server))
		})
	}
}
