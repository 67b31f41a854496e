package sharding

import (
	"encoding/binary"
	"fmt"
	"math"
	"time"
)

// canonicalTimeLayout is the layout of a time.Time in the canonical encoding,
// always formatted in UTC: RFC 3339 with the fraction of a second trimmed of
// trailing zeros, as in 2024-01-02T03:04:05.5Z.
const canonicalTimeLayout = time.RFC3339Nano

// AppendCanonical appends the canonical encoding of key to dst and returns the
// extended slice. The encoding is what the hash and list resolvers see:
//
//   - an integer (any Go integer type, or an integral float): its decimal
//     digits in ASCII, with a leading '-' when negative and no leading zeros;
//   - a string: its bytes as given; a []byte: its bytes;
//   - a time.Time: its instant in UTC formatted as RFC 3339 with nanoseconds,
//     trailing zeros of the fraction removed (2024-01-02T03:04:05.5Z);
//   - a composite key of two or more values: for each value in order, the
//     length of its encoding as a 4-byte big-endian unsigned integer, then
//     the encoding.
//
// So int64(42), uint8(42), float64(42), "42" and []byte("42") all encode as the
// two bytes "42". A NULL value is an ErrNullKey error; a bool, a non-integral
// float or any other type is an ErrKeyType error.
func AppendCanonical(dst []byte, key Key) ([]byte, error) {
	if key.multi == nil {
		s, err := keyScalarOf(key.one)
		if err != nil {
			return dst, withKeyError(err, "", key)
		}
		return s.appendCanonical(dst), nil
	}
	if err := checkCompositeKey(key); err != nil {
		return dst, err
	}
	for i, v := range key.multi {
		s, err := keyScalarOf(v)
		if err != nil {
			return dst, withKeyErrorAt(err, "", key, i)
		}
		at := len(dst)
		dst = append(dst, 0, 0, 0, 0)
		dst = s.appendCanonical(dst)
		n := len(dst) - at - 4
		if uint64(n) > math.MaxUint32 {
			return dst[:at], &KeyError{Key: key, Err: ErrKeyType, Reason: "a composite key value is longer than 4 GiB"}
		}
		binary.BigEndian.PutUint32(dst[at:], uint32(n))
	}
	return dst, nil
}

func checkCompositeKey(key Key) error {
	if len(key.multi) == 0 {
		return &KeyError{Key: key, Err: ErrKeyType, Reason: "an empty composite key"}
	}
	return nil
}

func (s *keyScalar) appendCanonical(dst []byte) []byte {
	switch s.kind {
	case keyKindInt:
		return s.i.appendDecimal(dst)
	case keyKindTime:
		return s.t.UTC().AppendFormat(dst, canonicalTimeLayout)
	case keyKindString:
		if s.isBytes {
			return append(dst, s.bytes...)
		}
		return append(dst, s.str...)
	}
	panic(fmt.Sprintf("sharding: keyScalar of kind %d", s.kind))
}

// withKeyError fills in the resolver name and the whole key of a *KeyError made
// while reducing one of the key's values.
func withKeyError(err error, resolver string, key Key) error {
	if ke, ok := err.(*KeyError); ok {
		ke.Resolver = resolver
		ke.Key = key
	}
	return err
}

// withKeyErrorAt is withKeyError for the error of the i-th value of a composite key.
func withKeyErrorAt(err error, resolver string, key Key, i int) error {
	if ke, ok := err.(*KeyError); ok {
		ke.Reason = fmt.Sprintf("key[%d]: %s", i, ke.Reason)
	}
	return withKeyError(err, resolver, key)
}
