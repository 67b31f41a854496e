package sharding

import (
	"context"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func fuzzResolverSet(t testing.TB) map[string]Resolver {
	reg := NewRegistry()
	reg.RegisterFunc("first_byte", func(_ context.Context, k Key) (string, error) {
		b, err := AppendCanonical(nil, k)
		if err != nil || len(b) == 0 {
			return "s0", err
		}
		return testDatabases[int(b[0])%len(testDatabases)], nil
	})
	specs := map[string]Spec{
		"modulo": {Type: "modulo", Databases: testDatabases},
		"hash":   {Type: "hash", Databases: []string{"s0", "s1", "s2"}},
		"list":   {Type: "list", Values: map[string]string{"1": "s1", "us": "s2", "": "s3"}},
		"func":   {Type: "first_byte", Databases: testDatabases},
		"range_int": {Type: "range", Ranges: []RangeSpec{
			{From: -1000, To: 0, Database: "s0"}, {From: 0, To: 1000, Database: "s1"},
			{From: 1000, To: uint64(1 << 63), Database: "s2"}}},
		"range_string": {Type: "range", Ranges: []RangeSpec{
			{To: "g", Database: "s0"}, {From: "g", To: "p", Database: "s1"}, {From: "p", Database: "s2"}}},
		"range_time": {Type: "range", Ranges: []RangeSpec{
			{From: "1970-01-01", To: "2000-01-01", Database: "s0"}, {From: "2000-01-01", Database: "s1"}}},
	}
	out := map[string]Resolver{}
	for name, spec := range specs {
		r, err := reg.New(name, spec, testDatabases)
		require.NoError(t, err, name)
		out[name] = r
	}
	return out
}

func fuzzKeyValue(kind uint8, i int64, s string, f float64) any {
	switch kind % 12 {
	case 0:
		return i
	case 1:
		return uint64(i)
	case 2:
		return int8(i)
	case 3:
		return s
	case 4:
		return []byte(s)
	case 5:
		return f
	case 6:
		return time.Unix(i%(1<<40), int64(uint64(i)%1e9)).In(time.FixedZone("Z", int(i%50000)))
	case 7:
		return nil
	case 8:
		return strconv.FormatInt(i, 10)
	case 9:
		return i%2 == 0
	case 10:
		return &s
	}
	return float32(f)
}

func FuzzResolve(f *testing.F) {
	f.Add(uint8(0), int64(42), "42", 42.0, uint8(3), false)
	f.Add(uint8(3), int64(-1), "us", 0.5, uint8(4), true)
	f.Add(uint8(6), int64(1e12), "2024-01-01T00:00:00Z", math.Inf(1), uint8(8), false)
	f.Add(uint8(5), int64(math.MinInt64), "\xff\x00", math.NaN(), uint8(11), true)
	resolvers := fuzzResolverSet(f)
	f.Fuzz(func(t *testing.T, kind uint8, i int64, s string, fl float64, kind2 uint8, composite bool) {
		key := KeyOf(fuzzKeyValue(kind, i, s, fl))
		if composite {
			key = CompositeKey(fuzzKeyValue(kind, i, s, fl), fuzzKeyValue(kind2, ^i, s+"x", -fl))
		}
		for name, r := range resolvers {
			db1, err1 := r.Resolve(bg, key)
			db2, err2 := r.Resolve(bg, key)
			assert.Equal(t, db1, db2, name)
			if err1 != nil {
				require.Error(t, err2, name)
				assert.Equal(t, err1.Error(), err2.Error(), name)
				assert.Empty(t, db1)
				continue
			}
			assert.Contains(t, r.Databases(), db1, name)
			rr, ok := r.(RangeResolver)
			if !ok || composite {
				continue
			}
			got, err := rr.ResolveRange(bg, InclusiveBound(key.one), InclusiveBound(key.one))
			require.NoError(t, err, name)
			assert.Equal(t, []string{db1}, got, name)
			got, err = rr.ResolveRange(bg, InclusiveBound(key.one), Bound{})
			require.NoError(t, err, name)
			assert.Equal(t, db1, got[0], name)
			got, err = rr.ResolveRange(bg, Bound{}, InclusiveBound(key.one))
			require.NoError(t, err, name)
			assert.Equal(t, db1, got[len(got)-1], name)
		}
		// Integers and their decimal strings are one key.
		h1, err1 := Hash(KeyOf(i))
		h2, err2 := Hash(KeyOf(strconv.FormatInt(i, 10)))
		require.NoError(t, err1)
		require.NoError(t, err2)
		assert.Equal(t, h1, h2)
		// Hash is HashBytes of the encoding.
		if enc, err := AppendCanonical(nil, key); err == nil {
			h, err := Hash(key)
			require.NoError(t, err)
			assert.Equal(t, HashBytes(enc), h)
		}
		// Arbitrary intervals never panic and list databases in range order.
		for _, name := range []string{"range_int", "range_string", "range_time"} {
			rr := resolvers[name].(RangeResolver)
			lo := Bound{value: fuzzKeyValue(kind, i, s, fl), inclusive: composite, set: kind2%3 != 0}
			hi := Bound{value: fuzzKeyValue(kind2, i+int64(kind), s+s, fl), inclusive: !composite, set: kind2%5 != 0}
			got, err := rr.ResolveRange(bg, lo, hi)
			if err == nil {
				assert.Subset(t, rr.Databases(), got, name)
			}
		}
	})
}
