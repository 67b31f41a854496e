package merge

import (
	"bytes"
	"database/sql/driver"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestCompareValues(t *testing.T) {
	num := rule{numText: true}
	fold := rule{text: textFold}
	sqlite := rule{blob: true}
	t0 := time.Date(2024, 1, 2, 3, 4, 5, 6, time.UTC)
	for _, c := range []struct {
		a, b driver.Value
		r    rule
		want int
	}{
		{int64(2), int64(10), rule{}, -1},
		{int64(3), 3.0, rule{}, 0},
		{int64(3), 3.5, rule{}, -1},
		{int64(-3), -3.5, rule{}, 1},
		{int64(math.MaxInt64), float64(math.MaxInt64), rule{}, -1}, // 2^63 as a float
		{uint64(math.MaxUint64), int64(-1), rule{}, 1},
		{uint64(5), 5.0, rule{}, 0},
		{math.NaN(), math.Inf(1), rule{}, 1},
		{math.NaN(), math.NaN(), rule{}, 0},
		{float32(1.5), 1.5, rule{}, 0},
		{true, false, rule{}, 1},
		{"10", "9", rule{}, -1},
		{"10", "9", num, 1},
		{[]byte("10.50"), []byte("10.5"), num, 0},
		{[]byte("-0.0"), []byte("0"), num, 0},
		{"-1.5", "-1.25", num, -1},
		{"1e3", "999", num, 1},
		{"NaN", "Infinity", num, 1},
		{"-Infinity", "-99999999999999999999", num, -1},
		{int64(10), []byte("9.99"), num, 1},
		{2.5, "2.50", num, 0},
		{"abc", "ABD", fold, -1},
		{"abc ", "ABC", fold, 0},
		{[]byte("Straße"), "STRASSE", fold, 1}, // no expansion of ß
		{"a", "_", fold, -1},
		{"a", "_", rule{}, 1},
		{"b", []byte("a"), rule{}, 1},
		{"b", []byte("a"), sqlite, -1}, // TEXT before BLOB
		{int64(5), "1", sqlite, -1},    // INTEGER before TEXT
		{t0, t0.Add(time.Nanosecond), rule{}, -1},
		{t0, t0.In(time.FixedZone("x", 3600)), rule{}, 0},
	} {
		assert.Equal(t, c.want, compareValues(c.a, c.b, c.r), "%#v vs %#v", c.a, c.b)
		assert.Equal(t, -c.want, compareValues(c.b, c.a, c.r), "%#v vs %#v", c.b, c.a)
	}
}

// TestKeysAgreeWithCompare: two values have equal keys exactly when they
// compare equal, over a pool of values built to collide.
func TestKeysAgreeWithCompare(t *testing.T) {
	pool := []driver.Value{
		nil, int64(0), int64(1), int64(-1), int64(3), uint64(3), 3.0, 0.0, math.Copysign(0, -1), 0.1, 2.5,
		math.NaN(), math.Inf(1), math.Inf(-1), true, false,
		"3", "3.00", "03", "-0", "0.10", "2.5", "NaN", "Infinity", "-inf", "1e2", "100",
		[]byte("3"), []byte("2.50"), []byte("abc"), "abc", "ABC", "abc  ", "Abd", "ß", "\xff", "\xfe", "",
		time.Unix(5, 0).UTC(), time.Unix(5, 0).In(time.FixedZone("x", 7200)), time.Unix(5, 1),
	}
	for _, r := range []rule{{}, {numText: true}, {text: textFold}, {blob: true}, {numText: true, text: textFold}, {text: textASCIIFold}, {text: textRTrim}, {text: textPad}} {
		for _, a := range pool {
			for _, b := range pool {
				ka, kb := appendKey(nil, a, r), appendKey(nil, b, r)
				equal := (a == nil && b == nil) || (a != nil && b != nil && compareValues(a, b, r) == 0)
				assert.Equal(t, equal, bytes.Equal(ka, kb), "rule %+v: %#v vs %#v", r, a, b)
			}
		}
	}
}

func TestCompareIsATotalOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	gen := func() driver.Value {
		switch rng.IntN(6) {
		case 0:
			return int64(rng.IntN(7) - 3)
		case 1:
			return float64(rng.IntN(13)-6) / 2
		case 2:
			return []byte([]string{"1", "1.50", "-2", "0.0", "abc"}[rng.IntN(5)])
		case 3:
			return []string{"a", "B", "b ", "C"}[rng.IntN(4)]
		case 4:
			return uint64(rng.IntN(4))
		}
		return time.Unix(int64(rng.IntN(3)), 0)
	}
	for _, r := range []rule{{}, {numText: true}, {text: textFold}, {blob: true}, {text: textASCIIFold}, {text: textRTrim}, {text: textPad}} {
		for range 3000 {
			a, b, c := gen(), gen(), gen()
			ab, bc, ac := compareValues(a, b, r), compareValues(b, c, r), compareValues(a, c, r)
			if ab <= 0 && bc <= 0 {
				assert.LessOrEqual(t, ac, 0, "%+v: %#v <= %#v <= %#v", r, a, b, c)
			}
			assert.Equal(t, ab, -compareValues(b, a, r))
		}
	}
}

func TestDecimalHelpers(t *testing.T) {
	for in, want := range map[string]string{
		"0": "0", "-0.000": "0", "007.50": "7.5", ".5": "0.5", "5.": "5", "+12": "12", "-12.340": "-12.34",
		"nan": "NaN", "-Infinity": "-Inf",
	} {
		d, ok := parseDecimal(in)
		assert.True(t, ok, in)
		assert.Equal(t, want, string(appendCanonical(nil, in, d)), in)
	}
	for _, bad := range []string{"", "-", ".", "1.2.3", "1e5", "abc", "1 "} {
		_, ok := parseDecimal(bad)
		assert.False(t, ok, bad)
	}
	z := new(big.Int)
	scale := setBig(z, "-1234567890123456789.50", mustParse(t, "-1234567890123456789.50"))
	assert.Equal(t, 2, scale)
	assert.Equal(t, "-1234567890123456789.50", formatBig(z, scale))
	assert.Equal(t, "0.05", formatBig(big.NewInt(5), 2))
	assert.Equal(t, "-0.005", formatBig(big.NewInt(-5), 3))
	// 1/8 = 0.125 rounds half away from zero.
	assert.Equal(t, "0.13", formatBig(divRound(big.NewInt(1), 0, big.NewInt(8), 2), 2))
	assert.Equal(t, "-0.13", formatBig(divRound(big.NewInt(-1), 0, big.NewInt(8), 2), 2))
	assert.Equal(t, "3", formatBig(divRound(big.NewInt(2500), 3, big.NewInt(1), 0), 0))
}

func mustParse(t *testing.T, s string) decimal {
	d, ok := parseDecimal(s)
	assert.True(t, ok)
	return d
}
