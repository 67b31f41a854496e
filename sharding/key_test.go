package sharding

import (
	"database/sql"
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type testCustomerID int64
type testRegionName string
type testRawBytes []byte

func canonicalOf(t *testing.T, k Key) string {
	t.Helper()
	b, err := AppendCanonical(nil, k)
	require.NoError(t, err)
	return string(b)
}

func TestCanonicalEquivalentValues(t *testing.T) {
	n := int64(42)
	same := []any{
		int(42), int8(42), int16(42), int32(42), int64(42),
		uint(42), uint8(42), uint16(42), uint32(42), uint64(42), uintptr(42),
		float32(42), float64(42), "42", []byte("42"),
		testCustomerID(42), testRegionName("42"), testRawBytes("42"), &n,
		sql.NullInt64{Int64: 42, Valid: true}, sql.NullString{String: "42", Valid: true},
		json.Number("42"),
	}
	want, err := Hash(KeyOf(int64(42)))
	require.NoError(t, err)
	for _, v := range same {
		k := KeyOf(v)
		assert.Equal(t, "42", canonicalOf(t, k), "%T", v)
		h, err := Hash(k)
		require.NoError(t, err, "%T", v)
		assert.Equal(t, want, h, "%T", v)
	}
}

func TestCanonicalForms(t *testing.T) {
	tests := []struct {
		v    any
		want string
	}{
		{int64(0), "0"},
		{int64(-7), "-7"},
		{int64(math.MinInt64), "-9223372036854775808"},
		{uint64(math.MaxUint64), "18446744073709551615"},
		{math.Copysign(0, -1), "0"},
		{float64(-3), "-3"},
		{float64(1 << 62), "4611686018427387904"},
		{"", ""},
		{"héllo", "héllo"},
		{[]byte{0, 0xff}, "\x00\xff"},
		{time.Date(2024, 1, 2, 3, 4, 5, 500_000_000, time.UTC), "2024-01-02T03:04:05.5Z"},
		{time.Date(2024, 1, 2, 12, 4, 5, 0, time.FixedZone("JST", 9*3600)), "2024-01-02T03:04:05Z"},
		{time.Date(2024, 1, 2, 3, 4, 5, 1, time.UTC), "2024-01-02T03:04:05.000000001Z"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, canonicalOf(t, KeyOf(tt.v)), "%T %v", tt.v, tt.v)
	}
}

func TestCanonicalComposite(t *testing.T) {
	assert.Equal(t, "\x00\x00\x00\x011\x00\x00\x00\x02us", canonicalOf(t, CompositeKey(int64(1), "us")))
	assert.NotEqual(t, canonicalOf(t, CompositeKey("a", "bc")), canonicalOf(t, CompositeKey("ab", "c")))
	assert.NotEqual(t, canonicalOf(t, CompositeKey("", "x")), canonicalOf(t, CompositeKey("x", "")))
	assert.Equal(t, canonicalOf(t, CompositeKey(1, "x")), canonicalOf(t, CompositeKey("1", []byte("x"))))
	// A tuple of one value is the single-value key.
	assert.Equal(t, KeyOf("x"), CompositeKey("x"))
	assert.Equal(t, "x", canonicalOf(t, CompositeKey("x")))
}

func TestKeyErrors(t *testing.T) {
	var nilPtr *int64
	tests := []struct {
		key  Key
		want error
		msg  string
	}{
		{Key{}, ErrNullKey, "key NULL: a NULL shard key is never routed"},
		{KeyOf(nil), ErrNullKey, "NULL"},
		{KeyOf(nilPtr), ErrNullKey, "nil *int64"},
		{KeyOf([]byte(nil)), ErrNullKey, "nil []byte"},
		{KeyOf(sql.NullInt64{}), ErrNullKey, "NULL"},
		{CompositeKey(int64(1), nil), ErrNullKey, "key (int64(1), NULL): key[1]: a NULL shard key"},
		{CompositeKey(), ErrKeyType, "empty composite key"},
		{KeyOf(true), ErrKeyType, "bool is not a shard key type"},
		{KeyOf(42.5), ErrKeyType, "float64 42.5 is not an integer"},
		{KeyOf(math.NaN()), ErrKeyType, "NaN"},
		{KeyOf(math.Inf(1)), ErrKeyType, "+Inf"},
		{KeyOf(1e30), ErrKeyType, "outside the integer key range"},
		{KeyOf(struct{}{}), ErrKeyType, "struct {} is not a shard key type"},
		{KeyOf([]int{1}), ErrKeyType, "[]int is not a shard key type"},
		{CompositeKey("a", 1.5), ErrKeyType, "key[1]: float64 1.5"},
	}
	for _, tt := range tests {
		_, err := AppendCanonical(nil, tt.key)
		require.ErrorIs(t, err, tt.want, tt.key.String())
		assert.Contains(t, err.Error(), tt.msg)
		_, err = Hash(tt.key)
		require.ErrorIs(t, err, tt.want, tt.key.String())
		var ke *KeyError
		require.ErrorAs(t, err, &ke)
		assert.Equal(t, tt.key.String(), ke.Key.String())
	}
}

func TestKeyAccessors(t *testing.T) {
	k := KeyOf(7)
	assert.Equal(t, 1, k.Len())
	assert.False(t, k.IsComposite())
	assert.Equal(t, 7, k.Value(0))
	assert.Panics(t, func() { k.Value(1) })

	c := CompositeKey(1, "a", nil)
	assert.Equal(t, 3, c.Len())
	assert.True(t, c.IsComposite())
	assert.Equal(t, "a", c.Value(1))
	assert.Equal(t, 0, CompositeKey().Len())
}

func TestKeyString(t *testing.T) {
	long := make([]byte, 100)
	for i := range long {
		long[i] = 'x'
	}
	tests := map[string]Key{
		"int64(42)":                       KeyOf(int64(42)),
		`string("us")`:                    KeyOf("us"),
		`[]byte("ab")`:                    KeyOf([]byte("ab")),
		"NULL":                            KeyOf(nil),
		"time.Time(2024-01-02T00:00:00Z)": KeyOf(time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)),
		`(int(1), string("a"), NULL)`:     CompositeKey(1, "a", nil),
		"sharding.testCustomerID(5)":      KeyOf(testCustomerID(5)),
		`[]byte("` + string(long[:64]) + `"...(100 bytes))`: KeyOf(long),
	}
	for want, k := range tests {
		assert.Equal(t, want, k.String())
	}
}

func TestParseCanonicalInt(t *testing.T) {
	ok := map[string]intKey{
		"0":                     {},
		"7":                     {mag: 7},
		"-7":                    {neg: true, mag: 7},
		"18446744073709551615":  {mag: math.MaxUint64},
		"-18446744073709551615": {neg: true, mag: math.MaxUint64},
	}
	for s, want := range ok {
		got, good := parseCanonicalInt(s)
		assert.True(t, good, s)
		assert.Equal(t, want, got, s)
	}
	for _, s := range []string{"", "-", "-0", "00", "042", "+42", " 42", "42 ", "4e1", "4.0", "18446744073709551616", "0x10", "１"} {
		_, good := parseCanonicalInt(s)
		assert.False(t, good, s)
	}
}

func TestIntKeyOrder(t *testing.T) {
	vals := []intKey{
		{neg: true, mag: math.MaxUint64}, intKeyOf(math.MinInt64), intKeyOf(-2), intKeyOf(-1),
		{}, intKeyOf(1), intKeyOf(math.MaxInt64), {mag: math.MaxUint64},
	}
	for i := range vals {
		for j := range vals {
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			assert.Equal(t, want, vals[i].compare(vals[j]), "%v vs %v", vals[i], vals[j])
		}
	}
	for i := 0; i+1 < len(vals); i++ {
		if n, ok := vals[i].next(); ok && vals[i+1].compare(n) == 0 {
			continue
		}
		n, _ := vals[i].next()
		assert.Equal(t, -1, vals[i].compare(n))
	}
	n, ok := intKeyOf(-1).next()
	assert.True(t, ok)
	assert.Equal(t, intKey{}, n)
	_, ok = intKey{mag: math.MaxUint64}.next()
	assert.False(t, ok)
}
