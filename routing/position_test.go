package routing

import (
	"encoding/base64"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLSN(t *testing.T) {
	for s, want := range map[string]LSN{
		"0/0":               0,
		"0/16B3748":         0x16B3748,
		"16/B374D848":       0x16_B374D848,
		"FFFFFFFF/FFFFFFFF": ^LSN(0),
		"a/b":               0xA_0000000B,
	} {
		got, err := ParseLSN(s)
		require.NoError(t, err, s)
		assert.Equal(t, want, got, s)
		assert.Equal(t, strings.ToUpper(s), got.String())
	}
	for _, bad := range []string{"", "0", "/1", "1/", "0/-1", "0/+1", "G/0", "100000000/0", "0/1/2", " 0/1"} {
		_, err := ParseLSN(bad)
		assert.Error(t, err, bad)
	}
	a, b := lsn("0/FFFFFFFF"), lsn("1/0")
	assert.True(t, b.Covers(&a), "X/Y compares as one 64-bit number")
	assert.False(t, a.Covers(&b))
}

func TestWALInsertEnd(t *testing.T) {
	const page = 8192
	assert.Equal(t, LSN(3*page), walInsertEnd(3*page+24, page), "after a short page header")
	assert.Equal(t, LSN(2048*page), walInsertEnd(2048*page+40, page), "after a long page header")
	assert.Equal(t, LSN(3*page+48), walInsertEnd(3*page+48, page))
	assert.Equal(t, LSN(3*page+24), walInsertEnd(3*page+24, 0), "block size unknown")
}

func TestGTIDSet(t *testing.T) {
	s, err := ParseGTIDSet(" 1-2-7,\n0-1-42 ")
	require.NoError(t, err)
	assert.Equal(t, GTIDSet{{0, 1, 42}, {1, 2, 7}}, s, "sorted by domain")
	assert.Equal(t, "0-1-42,1-2-7", s.String())
	s, err = ParseGTIDSet("0-1-42,0-2-40")
	require.NoError(t, err)
	assert.Equal(t, GTIDSet{{0, 1, 42}}, s, "the highest sequence of a domain")
	s, err = ParseGTIDSet("")
	require.NoError(t, err)
	assert.Empty(t, s)
	for _, bad := range []string{"0-1", "0-1-x", "a-1-2", "0-1-2-3", "-1-2-3", "0-1-+2", "4294967296-1-1", ",", "0-1-2,"} {
		_, err := ParseGTIDSet(bad)
		assert.Error(t, err, bad)
	}

	replica := GTIDSet{{0, 1, 100}, {2, 3, 5}}
	assert.True(t, replica.Covers(GTIDSet{{0, 9, 100}}), "the server id does not matter")
	assert.True(t, replica.Covers(GTIDSet{{0, 1, 99}, {2, 3, 5}}))
	assert.True(t, replica.Covers(nil))
	assert.False(t, replica.Covers(GTIDSet{{0, 1, 101}}))
	assert.False(t, replica.Covers(GTIDSet{{1, 1, 1}}), "a domain the replica never saw")
	assert.False(t, replica.Covers(GTIDSet{{2, 3, 5}, {3, 1, 1}}))

	m := GTIDSet{{0, 1, 5}}.Merge(GTIDSet{{1, 2, 3}, {0, 2, 4}})
	assert.Equal(t, GTIDSet{{0, 1, 5}, {1, 2, 3}}, m)
}

func TestPosition(t *testing.T) {
	for _, s := range []string{"", "pg:0/16B3748", "gtid:0-1-42,1-2-7"} {
		p, err := ParsePosition(s)
		require.NoError(t, err, s)
		assert.Equal(t, s, p.String())
		assert.Equal(t, s == "", p.IsZero())
	}
	for _, bad := range []string{"pg:", "pg:0", "gtid:", "gtid:x", "lsn:0/1", "0/1"} {
		_, err := ParsePosition(bad)
		assert.Error(t, err, bad)
	}
	pg, my, zero := lsn("0/10"), gtid("0-1-1"), Position{}
	assert.True(t, pg.Covers(&zero))
	assert.True(t, zero.Covers(&zero))
	assert.False(t, zero.Covers(&pg))
	assert.False(t, pg.Covers(&my), "different kinds never cover each other")
	assert.False(t, my.Covers(&pg))
	assert.Equal(t, "pg:0/20", lsn("0/20").Merge(lsn("0/10")).String())
	assert.Equal(t, "pg:0/20", lsn("0/10").Merge(lsn("0/20")).String())
	assert.Equal(t, "pg:0/10", pg.Merge(zero).String())
	assert.Equal(t, "gtid:0-1-1", pg.Merge(my).String(), "the later kind wins")
	l, ok := pg.LSN()
	assert.True(t, ok)
	assert.Equal(t, LSN(0x10), l)
	g, ok := my.GTIDs()
	assert.True(t, ok)
	assert.Equal(t, GTIDSet{{0, 1, 1}}, g)
	assert.True(t, GTIDPosition(nil).IsZero())
}

func TestTokenRoundTrip(t *testing.T) {
	s := NewSession()
	at := time.Date(2026, 5, 1, 12, 0, 0, 123_456_789, time.UTC).UnixNano()
	s.note("main", at, lsn("0/16B3748"))
	s.note("shop", at, gtid("0-1-42,1-2-7"))
	s.note("logs", at, Position{}) // position unknown
	tok := s.Token()
	text := tok.String()
	assert.True(t, strings.HasPrefix(text, "g1."))

	back, err := ParseToken(text)
	require.NoError(t, err)
	assert.Equal(t, text, back.String())
	assert.Equal(t, "pg:0/16B3748", back.Position("main").String())
	assert.Equal(t, "gtid:0-1-42,1-2-7", back.Position("shop").String())
	assert.True(t, back.Position("logs").IsZero())
	assert.True(t, back.Position("nope").IsZero())
	// Times are kept to the millisecond, rounded up so a window never ends early.
	assert.Equal(t, time.Unix(0, at).Truncate(time.Millisecond).Add(time.Millisecond), back.LastWrite("main"))
	assert.True(t, back.LastWrite("nope").IsZero())

	b, err := tok.MarshalText()
	require.NoError(t, err)
	var u Token
	require.NoError(t, u.UnmarshalText(b))
	assert.Equal(t, text, u.String())

	empty, err := ParseToken("")
	require.NoError(t, err)
	assert.True(t, empty.IsZero())
	assert.Empty(t, NewSession().Token().String())
}

func TestParseTokenErrors(t *testing.T) {
	enc := func(s string) string { return "g1." + base64.RawURLEncoding.EncodeToString([]byte(s)) }
	cases := map[string]string{
		"v0.abc":                                "version prefix",
		"g1.@@@":                                "not base64url",
		enc("main"):                             "want database=position@time",
		enc("main=pg:0/1"):                      "want database=position@time",
		enc("ma in=pg:0/1@1"):                   "want database=position@time",
		enc("main=pg:zz@1"):                     "database main: invalid LSN",
		enc("main=gtid:0-1@1"):                  "database main: invalid GTID position",
		enc("main=pg:0/1@soon"):                 "invalid time",
		enc("main=pg:0/1@1!x"):                  "invalid time",
		enc("main=pg:0/1@99999999999999999999"): "invalid time",
		enc("main=@1;main=@2"):                  "listed twice",
		enc(manyDBs(65)):                        "more than 64 databases",
		"g1." + strings.Repeat("A", 9000):       "longer than",
	}
	for in, want := range cases {
		_, err := ParseToken(in)
		require.ErrorIs(t, err, ErrInvalidToken, in)
		assert.Contains(t, err.Error(), want, in)
	}
}

func manyDBs(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = "db" + strconv.Itoa(i) + "=@1"
	}
	return strings.Join(parts, ";")
}

func FuzzParseToken(f *testing.F) {
	s := NewSession()
	s.note("main", 1, lsn("0/1"))
	s.note("b", 2, gtid("0-1-2"))
	f.Add(s.Token().String())
	f.Add("g1.")
	f.Add("")
	f.Fuzz(func(t *testing.T, in string) {
		tok, err := ParseToken(in)
		if err != nil {
			return
		}
		again, err := ParseToken(tok.String())
		if err != nil {
			t.Fatalf("re-parse of %q: %v", tok.String(), err)
		}
		if again.String() != tok.String() {
			t.Fatalf("round trip changed %q to %q", tok.String(), again.String())
		}
	})
}
