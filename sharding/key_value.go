package sharding

import (
	"database/sql/driver"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"time"
)

// keyScalarKind is the canonical kind of one key value.
type keyScalarKind uint8

const (
	keyKindInt    keyScalarKind = iota + 1 // any integer type, or an integral float
	keyKindString                          // string or []byte
	keyKindTime                            // time.Time
)

// keyScalar is one key value reduced to its canonical kind. Strings and byte
// slices are kept as given (str or bytes), never copied.
type keyScalar struct {
	kind    keyScalarKind
	isBytes bool
	i       intKey
	str     string
	bytes   []byte
	t       time.Time
}

// intKey is an integer in [-(2^64-1), 2^64-1]: the magnitude and a sign. Zero
// is never negative, so equal integers have equal intKeys.
type intKey struct {
	neg bool
	mag uint64
}

func intKeyOf(v int64) intKey {
	if v < 0 {
		return intKey{neg: true, mag: uint64(-(v + 1)) + 1}
	}
	return intKey{mag: uint64(v)}
}

func (a intKey) compare(b intKey) int {
	switch {
	case a.neg != b.neg:
		if a.neg {
			return -1
		}
		return 1
	case a.mag == b.mag:
		return 0
	case (a.mag < b.mag) != a.neg:
		return -1
	}
	return 1
}

// next returns a+1; ok is false when a is the largest intKey.
func (a intKey) next() (intKey, bool) {
	switch {
	case a.neg && a.mag == 1:
		return intKey{}, true
	case a.neg:
		return intKey{neg: true, mag: a.mag - 1}, true
	case a.mag == math.MaxUint64:
		return a, false
	}
	return intKey{mag: a.mag + 1}, true
}

// appendDecimal appends the canonical decimal form: an optional '-', then
// digits without leading zeros.
func (a intKey) appendDecimal(dst []byte) []byte {
	if a.neg {
		dst = append(dst, '-')
	}
	return strconv.AppendUint(dst, a.mag, 10)
}

func (a intKey) String() string { return string(a.appendDecimal(nil)) }

// parseCanonicalInt reads s as an integer only when s is exactly the canonical
// decimal form of one: "0", or an optional '-' and digits with no leading zero,
// within [-(2^64-1), 2^64-1]. "042", "+42", "-0", " 42" and "4e1" are not.
func parseCanonicalInt[T ~string | ~[]byte](s T) (intKey, bool) {
	var k intKey
	i := 0
	if len(s) > 0 && s[0] == '-' {
		k.neg = true
		i = 1
	}
	if i == len(s) || len(s)-i > 20 || (s[i] == '0' && len(s) > 1) {
		return intKey{}, false
	}
	for ; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return intKey{}, false
		}
		d := uint64(c - '0')
		if k.mag > (math.MaxUint64-d)/10 {
			return intKey{}, false
		}
		k.mag = k.mag*10 + d
	}
	return k, true
}

// asInt returns the integer a keyScalar stands for: an integer, or a string in
// canonical decimal form.
func (s *keyScalar) asInt() (intKey, bool) {
	switch {
	case s.kind == keyKindInt:
		return s.i, true
	case s.kind != keyKindString:
		return intKey{}, false
	case s.isBytes:
		return parseCanonicalInt(s.bytes)
	}
	return parseCanonicalInt(s.str)
}

// fastIntKey is the fast path for the common integer key types; ok is false for
// every other value, which goes through keyScalarOf.
func fastIntKey(v any) (intKey, bool) {
	switch x := v.(type) {
	case int64:
		return intKeyOf(x), true
	case int:
		return intKeyOf(int64(x)), true
	case int32:
		return intKeyOf(int64(x)), true
	case uint64:
		return intKey{mag: x}, true
	}
	return intKey{}, false
}

// maxValuerDepth bounds driver.Valuer and pointer unwrapping.
const maxValuerDepth = 4

// keyScalarOf reduces one key value to its canonical kind. The error, when not
// nil, is a *KeyError without a resolver name.
func keyScalarOf(v any) (keyScalar, error) {
	for depth := 0; ; depth++ {
		switch x := v.(type) {
		case nil:
			return keyScalar{}, &KeyError{Err: ErrNullKey, Reason: "a NULL shard key is never routed"}
		case int64:
			return keyScalar{kind: keyKindInt, i: intKeyOf(x)}, nil
		case string:
			return keyScalar{kind: keyKindString, str: x}, nil
		case []byte:
			if x == nil {
				return keyScalar{}, &KeyError{Err: ErrNullKey, Reason: "a nil []byte is NULL, and a NULL shard key is never routed"}
			}
			return keyScalar{kind: keyKindString, isBytes: true, bytes: x}, nil
		case int:
			return keyScalar{kind: keyKindInt, i: intKeyOf(int64(x))}, nil
		case int32:
			return keyScalar{kind: keyKindInt, i: intKeyOf(int64(x))}, nil
		case uint64:
			return keyScalar{kind: keyKindInt, i: intKey{mag: x}}, nil
		case time.Time:
			return keyScalar{kind: keyKindTime, t: x}, nil
		case float64:
			return keyScalarOfFloat(x, "float64")
		case float32:
			return keyScalarOfFloat(float64(x), "float32")
		case bool:
			return keyScalar{}, &KeyError{Err: ErrKeyType, Reason: "bool is not a shard key type"}
		case driver.Valuer:
			if depth >= maxValuerDepth {
				return keyScalar{}, &KeyError{Err: ErrKeyType, Reason: fmt.Sprintf("%T: driver.Valuer nested too deeply", v)}
			}
			dv, err := x.Value()
			if err != nil {
				return keyScalar{}, &KeyError{Err: ErrKeyType, Reason: fmt.Sprintf("%T.Value: %v", v, err)}
			}
			v = dv
			continue
		}
		s, next, err := keyScalarOfReflect(v)
		if next == nil || err != nil {
			return s, err
		}
		if depth >= maxValuerDepth {
			return keyScalar{}, &KeyError{Err: ErrKeyType, Reason: fmt.Sprintf("%T: pointer nested too deeply", v)}
		}
		v = next
	}
}

// keyScalarOfReflect handles the other integer widths and named types whose
// underlying kind is an integer, float, string or []byte. A non-nil pointer
// returns its element as next, to be reduced in turn.
func keyScalarOfReflect(v any) (s keyScalar, next any, err error) {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return keyScalar{kind: keyKindInt, i: intKeyOf(rv.Int())}, nil, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return keyScalar{kind: keyKindInt, i: intKey{mag: rv.Uint()}}, nil, nil
	case reflect.Float32, reflect.Float64:
		s, err := keyScalarOfFloat(rv.Float(), rv.Type().String())
		return s, nil, err
	case reflect.String:
		return keyScalar{kind: keyKindString, str: rv.String()}, nil, nil
	case reflect.Slice:
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			if rv.IsNil() {
				return keyScalar{}, nil, &KeyError{Err: ErrNullKey, Reason: "a nil byte slice is NULL, and a NULL shard key is never routed"}
			}
			return keyScalar{kind: keyKindString, isBytes: true, bytes: rv.Bytes()}, nil, nil
		}
	case reflect.Pointer:
		if rv.IsNil() {
			return keyScalar{}, nil, &KeyError{Err: ErrNullKey, Reason: fmt.Sprintf("a nil %T is NULL, and a NULL shard key is never routed", v)}
		}
		return keyScalar{}, rv.Elem().Interface(), nil
	case reflect.Bool:
		return keyScalar{}, nil, &KeyError{Err: ErrKeyType, Reason: fmt.Sprintf("%T (a bool) is not a shard key type", v)}
	}
	return keyScalar{}, nil, &KeyError{Err: ErrKeyType, Reason: fmt.Sprintf("%T is not a shard key type", v)}
}

// keyScalarOfFloat accepts a float only when it holds an integer exactly, and
// then treats it as that integer: float64(42) is the key 42.
func keyScalarOfFloat(f float64, typ string) (keyScalar, error) {
	switch {
	case math.IsNaN(f) || math.IsInf(f, 0):
		return keyScalar{}, &KeyError{Err: ErrKeyType, Reason: fmt.Sprintf("%s %v is not an integer", typ, f)}
	case f != math.Trunc(f):
		return keyScalar{}, &KeyError{Err: ErrKeyType, Reason: fmt.Sprintf("%s %v is not an integer; a float is a shard key only when integral", typ, f)}
	case f >= 1<<64 || f <= -(1<<64):
		return keyScalar{}, &KeyError{Err: ErrKeyType, Reason: fmt.Sprintf("%s %v is outside the integer key range", typ, f)}
	case f < 0:
		return keyScalar{kind: keyKindInt, i: intKey{neg: true, mag: uint64(-f)}}, nil
	}
	return keyScalar{kind: keyKindInt, i: intKey{mag: uint64(f)}}, nil
}
