package sharding

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// regions: (-inf, 1000) s0, [1000, 2000) s1, [2000, 5000) s2, [5000, +inf) s3
var testRegionRanges = []RangeSpec{
	{To: 1000, Database: "s0"},
	{From: 1000, To: 2000, Database: "s1"},
	{From: 2000, To: 5000, Database: "s2"},
	{From: 5000, Database: "s3"},
}

// testAsBytes in a resolveAllCases map stands for a []byte key (a map key cannot be
// a slice).
type testAsBytes string

func resolveAllCases(t *testing.T, r Resolver, cases map[any]string) {
	t.Helper()
	for v, want := range cases {
		if b, ok := v.(testAsBytes); ok {
			v = []byte(b)
		}
		db, err := r.Resolve(bg, KeyOf(v))
		if want == "" {
			require.ErrorIs(t, err, ErrNoShard, "%T %v", v, v)
			continue
		}
		require.NoError(t, err, "%T %v", v, v)
		assert.Equal(t, want, db, "%T %v", v, v)
	}
}

func TestRangeIntegerBoundaries(t *testing.T) {
	r := mustNewResolver(t, Spec{Type: "range", Ranges: testRegionRanges})
	resolveAllCases(t, r, map[any]string{
		int64(math.MinInt64): "s0", int64(-1): "s0", int64(0): "s0",
		int64(999): "s0", int64(1000): "s1", int64(1001): "s1",
		int64(1999): "s1", int64(2000): "s2", int64(2001): "s2",
		int64(4999): "s2", int64(5000): "s3", int64(5001): "s3",
		uint64(math.MaxUint64): "s3",
		"1000":                 "s1", float64(1999): "s1", uint16(2000): "s2",
	})
	assert.Equal(t, []string{"s0", "s1", "s2", "s3"}, r.Databases())
}

func TestRangeClosedEnds(t *testing.T) {
	r := mustNewResolver(t, Spec{Type: "range", Ranges: []RangeSpec{
		{From: 0, To: 1000, Database: "s0"},
		{From: 1000, To: 2000, Database: "s1"},
	}})
	resolveAllCases(t, r, map[any]string{
		int64(-1): "", int64(0): "s0", int64(1): "s0", int64(999): "s0",
		int64(1000): "s1", int64(1999): "s1", int64(2000): "", int64(2001): "",
	})
	_, err := r.Resolve(bg, KeyOf(int64(-1)))
	assert.EqualError(t, err, `sharding: resolver "r": key int64(-1): outside every range: below the first range, which starts at 0`)
	_, err = r.Resolve(bg, KeyOf(int64(2000)))
	assert.EqualError(t, err, `sharding: resolver "r": key int64(2000): outside every range: at or above the end of the last range, 2000 (exclusive)`)
	_, err = r.Resolve(bg, KeyOf("abc"))
	require.ErrorIs(t, err, ErrKeyType)
	assert.Contains(t, err.Error(), "an integer range needs an integer")
	_, err = r.Resolve(bg, KeyOf(nil))
	require.ErrorIs(t, err, ErrNullKey)
	_, err = r.Resolve(bg, CompositeKey(1, 2))
	require.ErrorIs(t, err, ErrKeyType)
}

func TestRangeSingle(t *testing.T) {
	r := mustNewResolver(t, Spec{Type: "range", Ranges: []RangeSpec{{From: 10, Database: "s0"}}})
	resolveAllCases(t, r, map[any]string{int64(9): "", int64(10): "s0", uint64(math.MaxUint64): "s0"})
	r = mustNewResolver(t, Spec{Type: "range", Ranges: []RangeSpec{{To: 10, Database: "s0"}}})
	resolveAllCases(t, r, map[any]string{int64(math.MinInt64): "s0", int64(9): "s0", int64(10): ""})
}

func TestRangeStrings(t *testing.T) {
	r := mustNewResolver(t, Spec{Type: "range", Ranges: []RangeSpec{
		{To: "h", Database: "s0"},
		{From: "h", To: "q", Database: "s1"},
		{From: "q", Database: "s2"},
	}})
	resolveAllCases(t, r, map[any]string{
		"": "s0", "a": "s0", "gzzz": "s0", "h": "s1", "h\x00": "s1", "ha": "s1",
		"pzz": "s1", "q": "s2", "qa": "s2", "zzz": "s2", testAsBytes("h"): "s1",
		"H": "s0", "é": "s2",
		int64(42): "s0", // "42" < "h"
	})
	_, err := r.Resolve(bg, KeyOf(time.Unix(0, 0)))
	require.ErrorIs(t, err, ErrKeyType)
}

func TestRangeTimes(t *testing.T) {
	d := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339Nano, s)
		require.NoError(t, err)
		return v
	}
	r := mustNewResolver(t, Spec{Type: "range", Ranges: []RangeSpec{
		{From: "2023-01-01T00:00:00Z", To: "2024-01-01T00:00:00Z", Database: "s0"},
		{From: d("2024-01-01T00:00:00Z"), To: "2025-01-01", Database: "s1"},
		{From: "2025-01-01T09:00:00+09:00", Database: "s2"},
	}})
	resolveAllCases(t, r, map[any]string{
		d("2022-12-31T23:59:59.999999999Z"): "",
		d("2023-01-01T00:00:00Z"):           "s0",
		d("2023-12-31T23:59:59.999999999Z"): "s0",
		d("2024-01-01T00:00:00Z"):           "s1",
		d("2024-01-01T09:00:00+09:00"):      "s1", // the same instant
		d("2024-01-01T08:59:59+09:00"):      "s0",
		d("2024-01-01T00:00:00.000000001Z"): "s1",
		d("2024-12-31T23:59:59.999999999Z"): "s1",
		d("2025-01-01T00:00:00Z"):           "s2",
		d("2999-01-01T00:00:00Z"):           "s2",
		"2024-06-01T00:00:00Z":              "s1",
		"2024-06-01":                        "s1",
		testAsBytes("2025-01-01T00:00:00Z"): "s2",
	})
	_, err := r.Resolve(bg, KeyOf("June 2024"))
	require.ErrorIs(t, err, ErrKeyType)
	assert.Contains(t, err.Error(), "RFC 3339")
	_, err = r.Resolve(bg, KeyOf(1700000000))
	require.ErrorIs(t, err, ErrKeyType)
}

func TestRangeKeyTypeOverride(t *testing.T) {
	// Date-like strings kept as strings.
	r := mustNewResolver(t, Spec{Type: "range", KeyType: "string", Ranges: []RangeSpec{
		{To: "2024-01-01", Database: "s0"}, {From: "2024-01-01", Database: "s1"},
	}})
	resolveAllCases(t, r, map[any]string{"2023-12-31": "s0", "2024-01-01": "s1", "2024": "s0"})
	// Quoted numbers read as integers.
	r = mustNewResolver(t, Spec{Type: "range", KeyType: "integer", Ranges: []RangeSpec{
		{To: "1000", Database: "s0"}, {From: "1000", Database: "s1"},
	}})
	resolveAllCases(t, r, map[any]string{int64(999): "s0", int64(1000): "s1", "99999": "s1"})
}

func TestRangeConfigValueTypes(t *testing.T) {
	// YAML gives int and uint64; JSON gives float64 or json.Number.
	for _, bounds := range [][2]any{
		{int(1000), uint64(2000)}, {float64(1000), float64(2000)},
		{json.Number("1000"), json.Number("2e3")}, {int64(1000), "2000"},
	} {
		spec := Spec{Type: "range", KeyType: "integer", Ranges: []RangeSpec{
			{From: bounds[0], To: bounds[1], Database: "s0"},
		}}
		if _, ok := bounds[1].(string); !ok {
			spec.KeyType = ""
		}
		r := mustNewResolver(t, spec)
		resolveAllCases(t, r, map[any]string{int64(999): "", int64(1000): "s0", int64(1999): "s0", int64(2000): ""})
	}
}

func TestResolveRange(t *testing.T) {
	r := mustNewResolver(t, Spec{Type: "range", Ranges: testRegionRanges}).(RangeResolver)
	in, ex := InclusiveBound, ExclusiveBound
	tests := []struct {
		name   string
		lo, hi Bound
		want   []string
	}{
		{"all", Bound{}, Bound{}, []string{"s0", "s1", "s2", "s3"}},
		{"between in one", in(1000), in(1999), []string{"s1"}},
		{"between across", in(999), in(2000), []string{"s0", "s1", "s2"}},
		{"key < 1000", Bound{}, ex(1000), []string{"s0"}},
		{"key <= 1000", Bound{}, in(1000), []string{"s0", "s1"}},
		{"key > 999", ex(999), Bound{}, []string{"s1", "s2", "s3"}},
		{"key >= 999", in(999), Bound{}, []string{"s0", "s1", "s2", "s3"}},
		{"key > 4999", ex(4999), Bound{}, []string{"s3"}},
		{"key >= 5000", in(5000), Bound{}, []string{"s3"}},
		{"key < 5000 and > 1999", ex(1999), ex(5000), []string{"s2"}},
		{"point", in(1500), in(1500), []string{"s1"}},
		{"empty reversed", in(3000), in(2000), []string{}},
		{"empty exclusive point", ex(5), ex(6), []string{}},
		{"empty half-open point", in(5), ex(5), []string{}},
		{"above max", ex(uint64(math.MaxUint64)), Bound{}, []string{}},
		{"up to max", Bound{}, in(uint64(math.MaxUint64)), []string{"s0", "s1", "s2", "s3"}},
		{"strings accepted", in("1000"), ex("2000"), []string{"s1"}},
	}
	for _, tt := range tests {
		got, err := r.ResolveRange(bg, tt.lo, tt.hi)
		require.NoError(t, err, tt.name)
		assert.Equal(t, tt.want, got, tt.name)
	}
	_, err := r.ResolveRange(bg, in("abc"), Bound{})
	require.ErrorIs(t, err, ErrKeyType)
	assert.Contains(t, err.Error(), `resolver "r": key string("abc")`)
	_, err = r.ResolveRange(bg, Bound{}, in(nil))
	require.ErrorIs(t, err, ErrNullKey)
}

func TestResolveRangeClosedAndRepeated(t *testing.T) {
	r := mustNewResolver(t, Spec{Type: "range", Ranges: []RangeSpec{
		{From: 0, To: 10, Database: "s0"},
		{From: 10, To: 20, Database: "s1"},
		{From: 20, To: 30, Database: "s0"},
	}}).(RangeResolver)
	in, ex := InclusiveBound, ExclusiveBound
	for _, tt := range []struct {
		lo, hi Bound
		want   []string
	}{
		{Bound{}, Bound{}, []string{"s0", "s1"}},
		{in(-100), ex(0), []string{}},
		{in(30), Bound{}, []string{}},
		{ex(29), Bound{}, []string{}},
		{in(29), Bound{}, []string{"s0"}},
		{in(5), in(25), []string{"s0", "s1"}},
		{in(-5), in(0), []string{"s0"}},
	} {
		got, err := r.ResolveRange(bg, tt.lo, tt.hi)
		require.NoError(t, err)
		assert.Equal(t, tt.want, got, "%v %v", tt.lo, tt.hi)
	}
	assert.Equal(t, []string{"s0", "s1"}, r.Databases())
}

func TestResolveRangeStringsAndTimes(t *testing.T) {
	s := mustNewResolver(t, Spec{Type: "range", Ranges: []RangeSpec{
		{To: "h", Database: "s0"}, {From: "h", To: "h\x00", Database: "s1"}, {From: "h\x00", Database: "s2"},
	}}).(RangeResolver)
	got, err := s.ResolveRange(bg, ExclusiveBound("h"), Bound{})
	require.NoError(t, err)
	assert.Equal(t, []string{"s2"}, got, `key > "h" excludes the range holding only "h"`)
	got, err = s.ResolveRange(bg, Bound{}, InclusiveBound("h"))
	require.NoError(t, err)
	assert.Equal(t, []string{"s0", "s1"}, got)

	tr := mustNewResolver(t, Spec{Type: "range", Ranges: []RangeSpec{
		{To: "2024-01-01", Database: "s0"}, {From: "2024-01-01", Database: "s1"},
	}}).(RangeResolver)
	jan1 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	got, err = tr.ResolveRange(bg, Bound{}, ExclusiveBound(jan1))
	require.NoError(t, err)
	assert.Equal(t, []string{"s0"}, got)
	got, err = tr.ResolveRange(bg, ExclusiveBound(jan1.Add(-time.Nanosecond)), Bound{})
	require.NoError(t, err)
	assert.Equal(t, []string{"s1"}, got)
}
