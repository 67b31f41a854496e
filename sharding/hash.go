package sharding

import (
	"context"
	"encoding/binary"
	"math"
)

// FNV-1a 64-bit parameters (http://www.isthe.com/chongo/tech/comp/fnv/).
const (
	fnvOffset64 uint64 = 14695981039346656037
	fnvPrime64  uint64 = 1099511628211
)

func fnvAdd[T ~string | ~[]byte](h uint64, b T) uint64 {
	for i := 0; i < len(b); i++ {
		h ^= uint64(b[i])
		h *= fnvPrime64
	}
	return h
}

// mix64 is the 64-bit finalizer of MurmurHash3 (fmix64). The low k bits of a
// raw FNV-1a hash depend only on the low k bits of each input byte, so raw FNV
// modulo a power of two would put "a", "e", "i", "m" ... on one database;
// the finalizer spreads every input bit over every output bit.
func mix64(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}

// HashBytes returns the shard hash of an already encoded key:
// mix64(FNV-1a-64(b)), where mix64 is the MurmurHash3 fmix64 finalizer:
//
//	h ^= h >> 33; h *= 0xff51afd7ed558ccd
//	h ^= h >> 33; h *= 0xc4ceb9fe1a85ec53
//	h ^= h >> 33
//
// HashBytes(AppendCanonical(nil, k)) == Hash(k) for every valid key k.
func HashBytes(b []byte) uint64 { return mix64(fnvAdd(fnvOffset64, b)) }

// Hash returns the shard hash of key: HashBytes of its canonical encoding (see
// AppendCanonical), computed without building the encoding. The hash resolver
// places key on databases[Hash(key) % len(databases)]. The values are pinned by
// sharding/testdata/hash_vectors.txt and never change between releases.
func Hash(key Key) (uint64, error) {
	if key.multi == nil {
		if n, ok := fastIntKey(key.one); ok {
			return mix64(n.fnv(fnvOffset64)), nil
		}
		if v, ok := key.one.(string); ok {
			return mix64(fnvAdd(fnvOffset64, v)), nil
		}
		s, err := keyScalarOf(key.one)
		if err != nil {
			return 0, withKeyError(err, "", key)
		}
		return mix64(s.fnv(fnvOffset64, false)), nil
	}
	if err := checkCompositeKey(key); err != nil {
		return 0, err
	}
	h := fnvOffset64
	for i, v := range key.multi {
		if n, ok := fastIntKey(v); ok {
			var buf [24]byte
			h = fnvFramed(h, n.appendDecimal(buf[:0]), true)
			continue
		}
		if str, ok := v.(string); ok && uint64(len(str)) <= math.MaxUint32 {
			h = fnvFramed(h, str, true)
			continue
		}
		s, err := keyScalarOf(v)
		if err != nil {
			return 0, withKeyErrorAt(err, "", key, i)
		}
		if s.kind == keyKindString && uint64(len(s.str)+len(s.bytes)) > math.MaxUint32 {
			return 0, &KeyError{Key: key, Err: ErrKeyType, Reason: "a composite key value is longer than 4 GiB"}
		}
		h = s.fnv(h, true)
	}
	return mix64(h), nil
}

// fnv folds the canonical encoding of s into h; framed prefixes it with its
// 4-byte big-endian length, as in a composite key.
func (s *keyScalar) fnv(h uint64, framed bool) uint64 {
	var buf [48]byte
	switch s.kind {
	case keyKindInt:
		if !framed {
			return s.i.fnv(h)
		}
		return fnvFramed(h, s.i.appendDecimal(buf[:0]), framed)
	case keyKindTime:
		return fnvFramed(h, s.t.UTC().AppendFormat(buf[:0], canonicalTimeLayout), framed)
	case keyKindString:
		if s.isBytes {
			return fnvFramed(h, s.bytes, framed)
		}
		return fnvFramed(h, s.str, framed)
	}
	panic("sharding: hash of an invalid keyScalar")
}

func fnvFramed[T ~string | ~[]byte](h uint64, b T, framed bool) uint64 {
	if framed {
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], uint32(len(b)))
		h = fnvAdd(h, n[:])
	}
	return fnvAdd(h, b)
}

// fnv folds the canonical decimal form of n into h.
func (n intKey) fnv(h uint64) uint64 {
	var buf [20]byte
	i := len(buf)
	for m := n.mag; ; m /= 10 {
		i--
		buf[i] = byte('0' + m%10)
		if m < 10 {
			break
		}
	}
	if n.neg {
		h = (h ^ '-') * fnvPrime64
	}
	return fnvAdd(h, buf[i:])
}

// hashResolver is the "hash" type: databases[Hash(key) % len(databases)].
type hashResolver struct{ slots }

func newHashResolver(name string, spec Spec) (Resolver, error) {
	s, err := newSlots(name, spec)
	if err != nil {
		return nil, err
	}
	return &hashResolver{s}, nil
}

// Resolve places any valid key, single or composite, by its hash.
func (r *hashResolver) Resolve(_ context.Context, key Key) (string, error) {
	h, err := Hash(key)
	if err != nil {
		return "", withKeyError(err, r.name, key)
	}
	return r.dbs[h%uint64(len(r.dbs))], nil
}
