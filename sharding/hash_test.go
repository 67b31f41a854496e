package sharding

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// parseVectorKey reads the key notation of testdata/hash_vectors.txt: one or
// more type:value items separated by commas, a value either Go-quoted or
// bare. Types: int, int8..int64, uint..uint64, float32, float64, string,
// bytes, time (RFC 3339).
func parseVectorKey(s string) (Key, error) {
	var vals []any
	for s != "" {
		typ, rest, ok := strings.Cut(s, ":")
		if !ok {
			return Key{}, fmt.Errorf("no type in %q", s)
		}
		var text string
		if strings.HasPrefix(rest, `"`) {
			q, err := strconv.QuotedPrefix(rest)
			if err != nil {
				return Key{}, err
			}
			text, _ = strconv.Unquote(q)
			rest = rest[len(q):]
		} else {
			text, rest, _ = strings.Cut(rest, ",")
			rest = "," + rest
		}
		v, err := vectorValue(typ, text)
		if err != nil {
			return Key{}, err
		}
		vals = append(vals, v)
		s = strings.TrimPrefix(strings.TrimPrefix(rest, ","), " ")
	}
	return CompositeKey(vals...), nil
}

func vectorValue(typ, text string) (any, error) {
	if strings.HasPrefix(typ, "int") {
		bits, _ := strconv.Atoi(strings.TrimPrefix(typ, "int"))
		n, err := strconv.ParseInt(text, 10, max(bits, 64))
		switch typ {
		case "int":
			return int(n), err
		case "int8":
			return int8(n), err
		case "int16":
			return int16(n), err
		case "int32":
			return int32(n), err
		}
		return n, err
	}
	if strings.HasPrefix(typ, "uint") {
		n, err := strconv.ParseUint(text, 10, 64)
		switch typ {
		case "uint":
			return uint(n), err
		case "uint8":
			return uint8(n), err
		case "uint16":
			return uint16(n), err
		case "uint32":
			return uint32(n), err
		}
		return n, err
	}
	switch typ {
	case "float64":
		return strconv.ParseFloat(text, 64)
	case "float32":
		f, err := strconv.ParseFloat(text, 32)
		return float32(f), err
	case "string":
		return text, nil
	case "bytes":
		return []byte(text), nil
	case "time":
		return time.Parse(time.RFC3339Nano, text)
	}
	return nil, fmt.Errorf("unknown type %q", typ)
}

// vectorLine computes the line of testdata/hash_vectors.txt for key text k.
func vectorLine(t *testing.T, k string) string {
	key, err := parseVectorKey(k)
	require.NoError(t, err, k)
	enc, err := AppendCanonical(nil, key)
	require.NoError(t, err, k)
	h, err := Hash(key)
	require.NoError(t, err, k)
	mod := "-"
	if !key.IsComposite() {
		if s, err := keyScalarOf(key.one); err == nil {
			if n, ok := s.asInt(); ok && !n.neg {
				mod = strconv.FormatUint(n.mag%4, 10)
			}
		}
	}
	return fmt.Sprintf("%s | %x | %016x | %d | %s", k, enc, h, h%4, mod)
}

// TestHashVectors pins the canonical encoding, the hash, and the database
// index of hash and modulo over four databases. These values are a
// compatibility promise: existing lines never change.
func TestHashVectors(t *testing.T) {
	f, err := os.Open("testdata/hash_vectors.txt")
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	h4 := mustNewResolver(t, Spec{Type: "hash", Databases: []string{"d0", "d1", "d2", "d3"}})
	m4 := mustNewResolver(t, Spec{Type: "modulo", Databases: []string{"d0", "d1", "d2", "d3"}})
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		n++
		k, _, _ := strings.Cut(line, " | ")
		assert.Equal(t, line, vectorLine(t, k), "vector for %s", k)

		// The resolvers agree with the columns.
		fields := strings.Split(line, " | ")
		require.Len(t, fields, 5, line)
		key, _ := parseVectorKey(k)
		db, err := h4.Resolve(bg, key)
		require.NoError(t, err)
		assert.Equal(t, "d"+fields[3], db, line)
		db, err = m4.Resolve(bg, key)
		if fields[4] == "-" {
			assert.ErrorIs(t, err, ErrKeyType, line)
		} else {
			require.NoError(t, err, line)
			assert.Equal(t, "d"+fields[4], db, line)
		}
		// HashBytes of the encoding column is the hash column.
		enc, err := hex.DecodeString(fields[1])
		require.NoError(t, err)
		assert.Equal(t, fields[2], fmt.Sprintf("%016x", HashBytes(enc)), line)
	}
	require.NoError(t, sc.Err())
	assert.GreaterOrEqual(t, n, 40, "vectors")
}

// TestHashIsFNV1aThenMix checks the definition against hash/fnv.
func TestHashIsFNV1aThenMix(t *testing.T) {
	for _, s := range []string{"", "a", "42", "2024-01-02T00:00:00Z", "\x00\x00\x00\x011"} {
		f := fnv.New64a()
		f.Write([]byte(s))
		raw := f.Sum64()
		assert.Equal(t, raw, fnvAdd(fnvOffset64, s))
		assert.Equal(t, mix64(raw), HashBytes([]byte(s)))
	}
	// Published FNV-1a 64 test values.
	assert.Equal(t, uint64(0xcbf29ce484222325), fnvAdd(fnvOffset64, ""))
	assert.Equal(t, uint64(0xaf63dc4c8601ec8c), fnvAdd(fnvOffset64, "a"))
	assert.Equal(t, uint64(0x85944171f73967e8), fnvAdd(fnvOffset64, "foobar"))
}

func TestHashMatchesEncoding(t *testing.T) {
	keys := []Key{
		KeyOf(int64(-1)), KeyOf(uint64(math.MaxUint64)), KeyOf("x"), KeyOf([]byte{}),
		KeyOf(time.Unix(1700000000, 123).In(time.FixedZone("X", -3600))),
		CompositeKey(1, "a"), CompositeKey([]byte("a"), time.Unix(0, 0), int8(-3)),
	}
	for _, k := range keys {
		enc, err := AppendCanonical(nil, k)
		require.NoError(t, err)
		h, err := Hash(k)
		require.NoError(t, err)
		assert.Equal(t, HashBytes(enc), h, k.String())
	}
}

func TestHashDistributionSequentialIDs(t *testing.T) {
	for _, n := range []int{2, 3, 4, 8} {
		dbs := make([]string, n)
		for i := range dbs {
			dbs[i] = fmt.Sprintf("s%d", i)
		}
		r := mustNewResolver(t, Spec{Type: "hash", Databases: dbs})
		counts := map[string]int{}
		const total = 10000
		for id := int64(1); id <= total; id++ {
			db, err := r.Resolve(bg, KeyOf(id))
			require.NoError(t, err)
			counts[db]++
		}
		for _, db := range dbs {
			share := float64(counts[db]) / total * float64(n)
			assert.InDelta(t, 1, share, 0.2, "n=%d %s got %d", n, db, counts[db])
		}
	}
}

// TestHashSpreadsStringsOverPowersOfTwo guards the finalizer: these 49
// strings have bytes with equal low two bits, so raw FNV-1a modulo 4 would
// put all of them on one database.
func TestHashSpreadsStringsOverPowersOfTwo(t *testing.T) {
	r := mustNewResolver(t, Spec{Type: "hash", Databases: []string{"s0", "s1", "s2", "s3"}})
	letters := "aeimquy"
	counts := map[string]int{}
	raw := map[uint64]bool{}
	for _, a := range letters {
		for _, b := range letters {
			s := string(a) + string(b)
			db, err := r.Resolve(bg, KeyOf(s))
			require.NoError(t, err)
			counts[db]++
			raw[fnvAdd(fnvOffset64, s)%4] = true
		}
	}
	assert.Len(t, raw, 1, "raw FNV-1a")
	assert.Len(t, counts, 4)
	for db, n := range counts {
		assert.GreaterOrEqual(t, n, 5, db)
	}
}

func TestHashResolver(t *testing.T) {
	r := mustNewResolver(t, Spec{Type: "hash", Databases: []string{"s0", "s1", "s0", "s2"}})
	assert.Equal(t, []string{"s0", "s1", "s2"}, r.Databases())
	db1, err := r.Resolve(bg, CompositeKey(int64(7), "us"))
	require.NoError(t, err)
	db2, err := r.Resolve(bg, CompositeKey("7", []byte("us")))
	require.NoError(t, err)
	assert.Equal(t, db1, db2)

	_, err = r.Resolve(bg, KeyOf(nil))
	require.ErrorIs(t, err, ErrNullKey)
	assert.Contains(t, err.Error(), `resolver "r"`)
	_, err = r.Resolve(bg, CompositeKey(1, true))
	require.ErrorIs(t, err, ErrKeyType)
	assert.Contains(t, err.Error(), `key[1]: bool`)
	// Databases returns a copy.
	r.Databases()[0] = "changed"
	assert.Equal(t, "s0", r.Databases()[0])
}

func mustNewResolver(t testing.TB, spec Spec) Resolver {
	t.Helper()
	r, err := New("r", spec, nil)
	require.NoError(t, err)
	return r
}
