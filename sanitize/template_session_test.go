package sanitize

import (
	"context"
	"database/sql"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lexCase is a template and what Array makes of it with one argument, 1.
type lexCase struct {
	name string
	q    Quoter
	tmpl string
	want string // "!" + sentinel for an error
}

var (
	sjisQ     = Quoter{Dialect: pg, ClientEncoding: "SJIS", StandardConformingStrings: On}
	sjis2004Q = Quoter{Dialect: pg, ClientEncoding: "SHIFT_JIS_2004"}
	gbkPG     = Quoter{Dialect: pg, ClientEncoding: "GBK", StandardConformingStrings: On}
	gbkMy     = Quoter{Dialect: my, Charset: "gbk"}
)

// The templates are read as the session reads them: multibyte characters
// whole (0x83 0x5C is one SJIS character, not a backslash), the settings the
// Quoter knows.
var lexCases = []lexCase{
	{"sjis character ending in 0x5c", sjisQ, "SELECT E'\x83\x5c', ?", "SELECT E'\x83\x5c', 1"},
	{"sjis backslash after a character", sjisQ, "SELECT E'\x83\x5c\\', ?, '", "!ErrArgCount"},
	{"shift_jis_2004 0x81 0x5f escapes", sjis2004Q, "SELECT E'\x81\x5f', ?, '", "!ErrArgCount"},
	{"shift_jis_2004 0x81 0x5f in '' is ambiguous", sjis2004Q, "SELECT '\x81\x5f', ?", "!ErrAmbiguousLiteral"},
	{"shift_jis_2004 0x81 0x5f, scs on", Quoter{Dialect: pg, ClientEncoding: "SHIFT_JIS_2004", StandardConformingStrings: On},
		"SELECT '\x81\x5f', ?", "SELECT '\x81\x5f', 1"},
	{"shift_jis_2004 0x81 0x5f, scs off", Quoter{Dialect: pg, ClientEncoding: "SHIFT_JIS_2004", StandardConformingStrings: Off},
		"SELECT '\x81\x5f', ?, '", "!ErrArgCount"},
	{"gbk dollar tag", gbkPG, "SELECT $\x81\x40$ ? $\x81\x40$, ?", "SELECT $\x81\x40$ ? $\x81\x40$, 1"},
	{"big5 value after a character ending in a backtick", Quoter{Dialect: pg, ClientEncoding: "BIG5"},
		"SELECT \xd1`?", "SELECT \xd1` 1"},
	{"gbk E after a character is a word", gbkPG, "SELECT \x81\x40E'\\', ?", "SELECT \x81\x40E'\\', 1"},
	{"scs on: '' has no escapes", Quoter{Dialect: pg, StandardConformingStrings: On}, `SELECT '\', ?`, `SELECT '\', 1`},
	{"scs off: '' has escapes", Quoter{Dialect: pg, StandardConformingStrings: Off}, `SELECT '\'', ?`, `SELECT '\'', 1`},
	{"scs unknown: ambiguous", Quoter{Dialect: pg}, `SELECT '\', ?`, "!ErrAmbiguousLiteral"},
	{"mysql gbk backtick trail", gbkMy, "SELECT `\x81\x60`, ?", "SELECT `\x81\x60`, 1"},
	{"mysql gbk backslash trail", gbkMy, "SELECT '\x81\x5c', ?", "SELECT '\x81\x5c', 1"},
	{"mysql escape skips one byte", gbkMy, "SELECT '\\\x81\x5c', ?, '", "!ErrArgCount"},
	{"mysql ansi quotes", Quoter{Dialect: my, ANSIQuotes: true}, `SELECT "a\", ?`, `SELECT "a\", 1`},
	{"mysql ansi quotes, no escapes either way", Quoter{Dialect: my, ANSIQuotes: true, NoBackslashEscapes: true},
		`SELECT "a\", ?`, `SELECT "a\", 1`},
	{"mysql double quotes are strings", Quoter{Dialect: my}, `SELECT "a\", ?`, "!ErrArgCount"},
}

func TestArraySessionLexing(t *testing.T) {
	for _, tc := range lexCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.q.Array(tc.tmpl, 1)
			checkQuote(t, got, err, tc.want)
		})
	}
}

// TestArrayMultibyteSessions runs templates whose lexing depends on the
// session's encoding against sessions in that encoding, with the session's
// Quoter: each keeps its shape and returns the payload exactly. The first
// would let the payload out if 0x81 0x40 were not read as a letter of the
// dollar tag, the others if 0x83 0x5C or 0x81 0x5F were read as bytes.
func TestArrayMultibyteSessions(t *testing.T) {
	const payload = "$\x81\x40$' AS v, 666 AS marker -- "
	for _, tc := range []struct {
		enc  string
		tmpl string
	}{
		{"GBK", "SELECT $\x81\x40$ ? $\x81\x40$ AS a, ? AS v0, 1 AS marker"},
		{"SJIS", "SELECT E'\x83\x5c' AS a, ? AS v0, 1 AS marker"},
		{"SHIFT_JIS_2004", "SELECT E'\x81\x5f'' AS a, ? AS v0, 1 AS marker"},
	} {
		t.Run(tc.enc, func(t *testing.T) {
			conn := pgSession(t, tc.enc, "SET backslash_quote = on")
			q, err := QuoterFor(context.Background(), pg, conn)
			require.NoError(t, err)
			stmt, err := q.Array(tc.tmpl, payload)
			require.NoError(t, err)
			assertRow(t, conn, stmt, payload)
		})
	}
	t.Run("mysql/gbk", func(t *testing.T) {
		conn := mySession(t, "gbk")
		q, err := QuoterFor(context.Background(), my, conn)
		require.NoError(t, err)
		stmt, err := q.Array("SELECT '\x81\x5c' AS a, ? AS v0, 1 AS `\x81\x60`", "x\x81\x60' AS v, 666 AS `\x81\x60` -- ")
		require.NoError(t, err)
		var a, v string
		var marker int
		require.NoError(t, conn.QueryRowContext(context.Background(), stmt).Scan(&a, &v, &marker), stmt)
		assert.Equal(t, "x\x81\x60' AS v, 666 AS `\x81\x60` -- ", v)
		assert.Equal(t, 1, marker)
	})
}

// assertRow runs a statement of the columns a, v0 and marker and checks v0
// and the marker.
func assertRow(t *testing.T, conn *sql.Conn, stmt, want string) {
	t.Helper()
	var a, v []byte
	var marker int
	require.NoError(t, conn.QueryRowContext(context.Background(), stmt).Scan(&a, &v, &marker), stmt)
	assert.Equal(t, want, string(v), stmt)
	assert.Equal(t, 1, marker, stmt)
}

func TestArrayUnknownEncoding(t *testing.T) {
	q := Quoter{Dialect: pg, ClientEncoding: "klingon"}
	_, err := q.Array("SELECT '\x83\x5c', ?", 1)
	require.ErrorIs(t, err, ErrUnsafeCharset)
	got, err := q.Array("SELECT 'x', ?", 1)
	require.NoError(t, err)
	assert.Equal(t, "SELECT 'x', 1", got)
}
