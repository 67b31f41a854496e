package sanitize

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/internal/testenv"
)

// The regression tests of finding 7: quoting through multibyte client
// encodings. Every statement is SELECT <literal> AS v, 1 AS marker; a literal
// that ends early lets the rest of the payload, ", 666 AS marker -- ", in.

// pgMultibyte are the PostgreSQL client encodings whose multibyte characters
// can hold a byte below 0x80 (all of PostgreSQL's client-only encodings; in
// JOHAB PostgreSQL accepts only trailing bytes of 0xA1 and above).
var pgMultibyte = []string{"SJIS", "SHIFT_JIS_2004", "BIG5", "GBK", "GB18030", "UHC", "JOHAB"}

// myMultibyte are the MySQL charsets whose trailing bytes include '\' and '`'.
var myMultibyte = []string{"gbk", "sjis", "big5", "cp932", "gb18030"}

const injected = " AS v, 666 AS marker -- "

// hostile is the corpus: the finding's payload, lead bytes alone and before
// a quote, a backslash, a backtick, an underscore (SHIFT_JIS_2004 reads 0x81
// 0x5F as a backslash) and a digit (GB18030 four-byte characters), and real
// characters whose trailing byte is 0x5C.
func hostile() []string {
	out := []string{
		`さ\'` + injected, `さ\\'` + injected, `さ'` + injected, "ぁ_'" + injected, `ぁ_\'` + injected,
		"\x95\x5c'" + injected, "\x83\x5c\\'" + injected, "\xa5\x5c'" + injected, "\x81\x5f'" + injected,
		"\x81\x5f\\'" + injected, "\x81\x30\x81\x30\\'" + injected, "\x81\x30\\'" + injected,
		"\x81\x5f", "\x81\x5f\x81\x5f", "plain", "O'Brien", `C:\dir\`, "",
	}
	for _, lead := range []byte{0x80, 0x81, 0x83, 0x8e, 0x8f, 0x95, 0x9f, 0xa0, 0xa1, 0xa5, 0xbf, 0xc0, 0xdf, 0xe0, 0xe3, 0xf9, 0xfc, 0xfe, 0xff} {
		l := string([]byte{lead})
		out = append(out, l, l+"'", l+`\`, l+"`", l+`\'`+injected, l+"'"+injected, l+`\\'`+injected,
			l+`\`+l+"'"+injected, l+"_'"+injected, l+"0"+l+"0"+`\'`+injected, l+"\x00", "a"+l)
	}
	return out
}

// randomHostile returns n strings made of lead bytes, trailing bytes that
// are ASCII specials, and ASCII specials; the seed is fixed.
func randomHostile(n int) []string {
	pieces := []string{"\x81", "\x83", "\x95", "\xa1", "\xa5", "\xbf", "\xe0", "\xfc", "\xfe", "\x80", "\xff",
		"\x5c", "\x5f", "'", "`", "\x40", "\x7e", "0", "9", "\xa1", "\xfe", `"`, "_", " ", "--", "/*", "a", "E'"}
	r := rand.New(rand.NewPCG(7, 5))
	out := make([]string, n)
	for i := range out {
		var b strings.Builder
		for k := 1 + r.IntN(8); k > 0; k-- {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		out[i] = b.String()
	}
	return out
}

// probe runs SELECT <lits[0]> AS v0, ..., 1 AS marker and returns the
// values, or the server's error. A statement whose shape changed fails the
// test: a literal that ended early let its payload's ", 666 AS marker -- "
// in, which changes the columns or the marker.
func probe(t *testing.T, conn *sql.Conn, lits ...string) ([][]byte, error) {
	t.Helper()
	var b strings.Builder
	b.WriteString("SELECT ")
	want := make([]string, 0, len(lits)+1)
	for i, lit := range lits {
		name := "v" + strconv.Itoa(i)
		fmt.Fprintf(&b, "%s AS %s, ", lit, name)
		want = append(want, name)
	}
	b.WriteString("1 AS marker")
	want = append(want, "marker")
	query := b.String()
	rows, err := conn.QueryContext(context.Background(), query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	require.NoError(t, err)
	require.Equal(t, want, cols, "injected: %q", query)
	vals := make([][]byte, len(lits))
	var marker, n int
	dest := make([]any, 0, len(lits)+1)
	for i := range vals {
		dest = append(dest, &vals[i])
	}
	dest = append(dest, &marker)
	for rows.Next() {
		require.NoError(t, rows.Scan(dest...))
		n++
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	require.Equal(t, 1, n, "injected: %q", query)
	require.Equal(t, 1, marker, "injected: %q", query)
	return vals, nil
}

// outcome is what one value did: refused by Quote, refused by the server, or
// returned.
type outcome struct {
	refused, failed, returned int
}

// runCorpus quotes every string with q and sends the literals to conn, all
// in one statement or, if the server refuses that, one by one. Every
// statement must keep its shape. With want (the values the session makes of
// the strings as bind parameters, nil where it refuses them) each literal
// must have exactly that value, and fail where the bind parameter fails;
// with strict, Quote may refuse only what the bind parameter fails on
// (PostgreSQL; MySQL takes any bytes as a bind parameter, where Quote
// refuses what is not well formed in the charset).
func runCorpus(t *testing.T, conn *sql.Conn, q Quoter, strs []string, want map[string]bindResult, strict bool) outcome {
	t.Helper()
	var o outcome
	var lits, sent []string
	for _, s := range strs {
		lit, err := q.Quote(s)
		if err != nil {
			require.True(t, errors.Is(err, ErrInvalidEncoding) || errors.Is(err, ErrInvalidUTF8) ||
				errors.Is(err, ErrNULInText), "%q: %v", s, err)
			if want != nil && strict {
				require.Error(t, want[s].err, "Quote refused %q, which the session takes as a bind parameter: %v", s, err)
			}
			o.refused++
			continue
		}
		lits, sent = append(lits, lit), append(sent, s)
	}
	check := func(i int, v []byte, err error) {
		if err != nil {
			o.failed++
			// MySQL refuses a hex literal that is not well formed in an
			// EUC charset, which Quote does not validate.
			if want != nil && !(q.enc().wide && strings.Contains(lits[i], " X'")) {
				require.Error(t, want[sent[i]].err, "the literal %q of %q failed: %v", lits[i], sent[i], err)
			}
			return
		}
		o.returned++
		if want != nil {
			w := want[sent[i]]
			require.NoError(t, w.err, "the literal %q of %q worked where the bind parameter failed", lits[i], sent[i])
			require.Equal(t, w.v, v, "the literal %q of %q", lits[i], sent[i])
		}
	}
	// Send the literals in one statement; where the server refuses it,
	// halve the batch until each refusal is pinned to its literal.
	var run func(lo, hi int)
	run = func(lo, hi int) {
		vals, err := probe(t, conn, lits[lo:hi]...)
		switch {
		case err == nil:
			for i, v := range vals {
				check(lo+i, v, nil)
			}
		case hi-lo == 1:
			check(lo, nil, err)
		default:
			mid := (lo + hi) / 2
			run(lo, mid)
			run(mid, hi)
		}
	}
	if len(lits) > 0 {
		run(0, len(lits))
	}
	return o
}

type bindResult struct {
	v   []byte
	err error
}

// bound is what the session makes of each string sent as a bind parameter:
// the value a literal of it must have.
func bound(conn *sql.Conn, query string, strs []string) map[string]bindResult {
	m := make(map[string]bindResult, len(strs))
	for _, s := range strs {
		var r bindResult
		r.err = conn.QueryRowContext(context.Background(), query, s).Scan(&r.v)
		m[s] = r
	}
	return m
}

func pgSession(t *testing.T, encoding string, setup ...string) *sql.Conn {
	cfg, err := pgx.ParseConfig(testenv.PostgresDSN(t))
	require.NoError(t, err)
	cfg.RuntimeParams["client_encoding"] = encoding
	conn := sessionConn(t, stdlib.OpenDB(*cfg), "")
	for _, s := range setup {
		_, err := conn.ExecContext(context.Background(), s)
		require.NoError(t, err, s)
	}
	return conn
}

func mySession(t *testing.T, charset string, setup ...string) *sql.Conn {
	cfg, err := mysql.ParseDSN(testenv.MySQLDSN(t))
	require.NoError(t, err)
	require.NoError(t, cfg.Apply(mysql.Charset(charset, "")))
	connector, err := mysql.NewConnector(cfg)
	require.NoError(t, err)
	conn := sessionConn(t, sql.OpenDB(connector), "")
	for _, s := range setup {
		_, err := conn.ExecContext(context.Background(), s)
		require.NoError(t, err, s)
	}
	return conn
}

// myCharsetSupported reports whether the server has charset cs.
func myCharsetSupported(t *testing.T, cs string) bool {
	conn := myConn(t, "", "")
	var n int
	require.NoError(t, conn.QueryRowContext(context.Background(),
		"SELECT COUNT(*) FROM information_schema.CHARACTER_SETS WHERE CHARACTER_SET_NAME = ?", cs).Scan(&n))
	return n == 1
}

// TestMultibytePostgres runs the corpus in every PostgreSQL client encoding
// whose characters can hold an ASCII byte, under every combination of
// standard_conforming_strings and backslash_quote: with the session's own
// Quoter (QuoterFor) each literal returns exactly what the bind parameter
// returns; with the default Quoter, which assumes UTF8 (the finding as
// reported), values may be read differently but no statement changes shape.
func TestMultibytePostgres(t *testing.T) {
	strs := append(hostile(), randomHostile(200)...)
	for _, enc := range append(pgMultibyte, "UTF8", "LATIN1", "EUC_JP") {
		t.Run(enc, func(t *testing.T) {
			t.Parallel()
			conn := pgSession(t, enc)
			want := bound(conn, "SELECT $1::text", strs)
			settings := []string{"on", "off", "safe_encoding"}
			if enc == "UTF8" || enc == "LATIN1" || enc == "EUC_JP" || enc == "JOHAB" {
				settings = settings[:1] // no character holds an ASCII byte
			}
			for _, scs := range []string{"on", "off"} {
				for _, bq := range settings {
					for _, s := range []string{"SET standard_conforming_strings = " + scs, "SET backslash_quote = " + bq} {
						_, err := conn.ExecContext(context.Background(), s)
						require.NoError(t, err)
					}
					q, err := QuoterFor(context.Background(), pg, conn)
					require.NoError(t, err)
					require.Equal(t, enc, q.ClientEncoding)
					own := runCorpus(t, conn, q, strs, want, true)
					def := runCorpus(t, conn, Quoter{Dialect: pg}, strs, nil, false)
					t.Logf("scs=%s backslash_quote=%s: own Quoter %+v; default Quoter %+v", scs, bq, own, def)
				}
			}
		})
	}
}

// TestMultibyteMySQL does the same for MySQL charsets, in both backslash
// modes; the charsets the server lacks (gb18030 before MariaDB 11) are
// skipped.
func TestMultibyteMySQL(t *testing.T) {
	strs := append(hostile(), randomHostile(200)...)
	for _, cs := range append(myMultibyte, "utf8mb4", "latin1", "gb2312", "euckr", "ujis") {
		t.Run(cs, func(t *testing.T) {
			t.Parallel()
			if !myCharsetSupported(t, cs) {
				t.Skipf("the server has no charset %s", cs)
			}
			conn := mySession(t, cs)
			want := bound(conn, "SELECT ?", strs)
			for _, mode := range []string{"", ",NO_BACKSLASH_ESCAPES", ",ANSI_QUOTES"} {
				_, err := conn.ExecContext(context.Background(), "SET SESSION sql_mode = 'STRICT_TRANS_TABLES"+mode+"'")
				require.NoError(t, err)
				q, err := QuoterFor(context.Background(), my, conn)
				require.NoError(t, err)
				require.Equal(t, cs, q.Charset)
				own := runCorpus(t, conn, q, strs, want, false)
				def := runCorpus(t, conn, Quoter{Dialect: my}, strs, nil, false)
				t.Logf("sql_mode +%q: own Quoter %+v; default Quoter %+v", mode, own, def)
			}
		})
	}
}
