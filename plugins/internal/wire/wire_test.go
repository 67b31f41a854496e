package wire

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// encode encodes keys as a batch.
func encode(t testing.TB, keys ...[]any) []byte {
	b := AppendCount(nil, len(keys))
	for _, k := range keys {
		b = AppendCount(b, len(k))
		for _, v := range k {
			var err error
			b, err = AppendValue(b, v)
			require.NoError(t, err)
		}
	}
	return b
}

func TestRoundTrip(t *testing.T) {
	when := time.Date(2024, 2, 29, 13, 4, 5, 123456789, time.FixedZone("x", 3600))
	keys := [][]any{
		{int64(42)}, {int64(math.MinInt64)}, {int64(math.MaxInt64)}, {-1.5}, {math.Inf(1)},
		{"DE"}, {""}, {[]byte("raw")}, {true}, {false}, {when}, {nil},
		{"us", int64(7), when}, {},
	}
	got, err := Decode(encode(t, keys...))
	require.NoError(t, err)
	require.Len(t, got, len(keys))
	for i := range keys {
		require.Len(t, got[i], len(keys[i]))
		for j, want := range keys[i] {
			if w, ok := want.(time.Time); ok {
				assert.True(t, w.Equal(got[i][j].(time.Time)))
				continue
			}
			assert.Equal(t, want, got[i][j])
		}
	}
}

func TestNormalize(t *testing.T) {
	type id int32
	type name string
	for in, want := range map[any]any{
		int(7): int64(7), int8(-3): int64(-3), uint16(9): int64(9), uint64(math.MaxInt64): int64(math.MaxInt64),
		float32(1.5): 1.5, id(5): int64(5), name("x"): "x",
	} {
		got, err := Normalize(in)
		require.NoError(t, err)
		assert.Equal(t, want, got, "%T", in)
	}
	_, err := Normalize(uint64(math.MaxInt64 + 1))
	require.ErrorIs(t, err, ErrType)
	_, err = Normalize(struct{}{})
	require.ErrorIs(t, err, ErrType)
	_, err = AppendValue(nil, []int{1})
	require.ErrorIs(t, err, ErrType)
	a, _ := AppendValue(nil, int(3))
	b, _ := AppendValue(nil, int64(3))
	assert.Equal(t, b, a, "equal keys encode alike")
}

func TestDecodeMalformed(t *testing.T) {
	for _, b := range [][]byte{
		nil, {1}, {1, 1}, {1, 1, 9}, {1, 1, kindFloat, 0}, {1, 1, kindString, 5, 'a'},
		{1, 1, kindTime, 2, 0, 0}, {200, 1}, {1, 0, 0},
	} {
		_, err := Decode(b)
		assert.ErrorIs(t, err, ErrMalformed, "%v", b)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(encode(f, []any{"DE"}, []any{int64(1), 2.5, true, []byte{0}}))
	f.Add([]byte{1, 1, kindTime, 15})
	f.Fuzz(func(t *testing.T, b []byte) {
		keys, err := Decode(b)
		if err != nil {
			return
		}
		again, err := Decode(encode(t, keys...))
		require.NoError(t, err)
		require.Equal(t, len(keys), len(again))
	})
}
