package wire

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"reflect"
	"time"
)

const (
	kindNull byte = iota
	kindInt
	kindFloat
	kindString
	kindBytes
	kindFalse
	kindTrue
	kindTime
)

// ErrType is the error of a key value whose type a plugin cannot receive.
var ErrType = errors.New("unsupported key value type")

// ErrMalformed is the error of decoding bytes that are not a batch.
var ErrMalformed = errors.New("malformed key batch")

// Normalize returns v as a plugin receives it: int64, float64, string,
// []byte, bool, time.Time or nil. Other integer and float types (and types
// defined on them) are converted; an unsigned integer above math.MaxInt64
// and a value of any other type are an error wrapping ErrType.
func Normalize(v any) (any, error) {
	switch x := v.(type) {
	case nil, int64, float64, string, []byte, bool, time.Time:
		return v, nil
	case int:
		return int64(x), nil
	case int32:
		return int64(x), nil
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int(), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if u := rv.Uint(); u <= math.MaxInt64 {
			return int64(u), nil
		}
		return nil, fmt.Errorf("%w: integer %d is beyond the int64 range", ErrType, rv.Uint())
	case reflect.Float32, reflect.Float64:
		return rv.Float(), nil
	case reflect.String:
		return rv.String(), nil
	case reflect.Bool:
		return rv.Bool(), nil
	case reflect.Slice:
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			return rv.Bytes(), nil
		}
	}
	return nil, fmt.Errorf("%w %T", ErrType, v)
}

// AppendValue appends the encoding of v, normalized as by Normalize.
func AppendValue(dst []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case int64:
		return binary.AppendVarint(append(dst, kindInt), x), nil
	case string:
		return appendString(append(dst, kindString), x), nil
	case nil:
		return append(dst, kindNull), nil
	case float64:
		return binary.LittleEndian.AppendUint64(append(dst, kindFloat), math.Float64bits(x)), nil
	case []byte:
		return appendString(append(dst, kindBytes), x), nil
	case bool:
		if x {
			return append(dst, kindTrue), nil
		}
		return append(dst, kindFalse), nil
	case time.Time:
		b, err := x.MarshalBinary()
		if err != nil {
			return dst, fmt.Errorf("%w: %v", ErrType, err)
		}
		return appendString(append(dst, kindTime), b), nil
	}
	n, err := Normalize(v)
	if err != nil {
		return dst, err
	}
	return AppendValue(dst, n)
}

// appendString appends s with its length before it.
func appendString[T string | []byte](dst []byte, s T) []byte {
	return append(binary.AppendUvarint(dst, uint64(len(s))), s...)
}

// AppendCount appends n, the number of keys of a batch or of values of a
// key.
func AppendCount(dst []byte, n int) []byte { return binary.AppendUvarint(dst, uint64(n)) }

// Decode reads a batch: the values of each key.
func Decode(b []byte) ([][]any, error) {
	d := decoder{b: b}
	n := d.count()
	keys := make([][]any, 0, min(n, len(b)))
	for i := 0; i < n && d.err == nil; i++ {
		m := d.count()
		key := make([]any, 0, min(m, len(d.b)))
		for j := 0; j < m && d.err == nil; j++ {
			key = append(key, d.value())
		}
		keys = append(keys, key)
	}
	if d.err == nil && len(d.b) > 0 {
		d.fail("trailing bytes")
	}
	if d.err != nil {
		return nil, d.err
	}
	return keys, nil
}

type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(why string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s", ErrMalformed, why)
	}
	d.b = nil
}

func (d *decoder) count() int {
	u, n := binary.Uvarint(d.b)
	if n <= 0 || u > uint64(len(d.b)) {
		d.fail("bad count")
		return 0
	}
	d.b = d.b[n:]
	return int(u)
}

func (d *decoder) bytes() []byte {
	u, n := binary.Uvarint(d.b)
	if n <= 0 || u > uint64(len(d.b)-n) {
		d.fail("bad length")
		return nil
	}
	out := d.b[n : n+int(u) : n+int(u)]
	d.b = d.b[n+int(u):]
	return out
}

func (d *decoder) value() any {
	if len(d.b) == 0 {
		d.fail("missing value")
		return nil
	}
	kind := d.b[0]
	d.b = d.b[1:]
	switch kind {
	case kindNull:
		return nil
	case kindInt:
		v, n := binary.Varint(d.b)
		if n <= 0 {
			d.fail("bad integer")
			return nil
		}
		d.b = d.b[n:]
		return v
	case kindFloat:
		if len(d.b) < 8 {
			d.fail("short float")
			return nil
		}
		v := math.Float64frombits(binary.LittleEndian.Uint64(d.b))
		d.b = d.b[8:]
		return v
	case kindString:
		return string(d.bytes())
	case kindBytes:
		return append([]byte{}, d.bytes()...)
	case kindFalse, kindTrue:
		return kind == kindTrue
	case kindTime:
		var t time.Time
		if err := t.UnmarshalBinary(d.bytes()); err != nil && d.err == nil {
			d.fail("bad time")
		}
		return t
	}
	d.fail(fmt.Sprintf("unknown kind %d", kind))
	return nil
}
