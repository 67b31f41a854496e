package sanitize

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"time"

	"github.com/grantsql/grant/dialect"
)

// Quote returns the SQL literal of v:
//
//   - nil, a nil pointer, a nil []byte and a nil json.RawMessage: NULL
//   - bool: TRUE/FALSE (SQLite: 1/0, since TRUE there can name a column)
//   - every int and uint size, uint64 above math.MaxInt64 included (an error
//     on SQLite, which would read it as a float)
//   - float32, float64: the shortest text that reads back as the same value;
//     see the package documentation for NaN, ±Inf and -0
//   - string: the dialect's string literal (see QuoteString)
//   - []byte: PostgreSQL E'\\x..'::bytea, MySQL and SQLite X'..'
//   - time.Time: a timestamp literal (see the package documentation)
//   - json.RawMessage: a string literal of the JSON text, after checking it
//   - driver.Valuer: the literal of the value its Value method returns
//   - a pointer: the literal of what it points to
//   - a named type of one of these kinds (type UserID int64)
//   - fmt.Stringer: its String result, only with AllowStringer
//
// Anything else is an error wrapping ErrUnsupportedType; nothing is ever
// formatted with %v.
func (q Quoter) Quote(v any) (string, error) {
	if s, ok := v.(string); ok {
		return q.QuoteString(s)
	}
	// The common types are written into a stack buffer; appendBasic does not
	// recurse, so the buffer stays on the stack and only the result string
	// is allocated.
	var stack [64]byte
	b, ok, err := q.appendBasic(stack[:0], v)
	if !ok {
		b, err = q.appendValue(nil, v, 0)
	}
	if err != nil {
		return "", top(err)
	}
	return string(b), nil
}

// AppendQuote appends the SQL literal of v (see Quote) to dst and returns the
// extended slice; with a large enough dst it does not allocate.
func (q Quoter) AppendQuote(dst []byte, v any) ([]byte, error) {
	b, err := q.appendValue(dst, v, 0)
	if err != nil {
		return dst, top(err)
	}
	return b, nil
}

// maxDepth bounds pointer and Valuer chains.
const maxDepth = 8

var valuerType = reflect.TypeFor[driver.Valuer]()

func (q Quoter) appendValue(dst []byte, v any, depth int) ([]byte, error) {
	if b, ok, err := q.appendBasic(dst, v); ok {
		return b, err
	}
	if depth >= maxDepth {
		return dst, errorf(ErrUnsupportedType, fmt.Sprintf("%T: pointers or Valuers nested more than %d deep", v, maxDepth))
	}
	if vr, ok := v.(driver.Valuer); ok {
		return q.appendValuer(dst, vr, depth)
	}
	return q.appendReflect(dst, v, depth)
}

// appendBasic writes the types that need no reflection; ok is false for the
// others.
func (q Quoter) appendBasic(dst []byte, v any) (b []byte, ok bool, err error) {
	if err := q.checkDialect(); err != nil {
		return dst, true, err
	}
	switch x := v.(type) {
	case nil:
		return append(dst, "NULL"...), true, nil
	case string:
		f, _, err := q.stringForm(x)
		if err != nil {
			return dst, true, err
		}
		return q.appendString(dst, x, f), true, nil
	case []byte:
		b, err = q.appendBytes(dst, x)
	case bool:
		b = q.appendBool(dst, x)
	case int:
		b = strconv.AppendInt(dst, int64(x), 10)
	case int8:
		b = strconv.AppendInt(dst, int64(x), 10)
	case int16:
		b = strconv.AppendInt(dst, int64(x), 10)
	case int32:
		b = strconv.AppendInt(dst, int64(x), 10)
	case int64:
		b = strconv.AppendInt(dst, x, 10)
	case uint:
		b, err = q.appendUint(dst, uint64(x))
	case uint8:
		b = strconv.AppendUint(dst, uint64(x), 10)
	case uint16:
		b = strconv.AppendUint(dst, uint64(x), 10)
	case uint32:
		b = strconv.AppendUint(dst, uint64(x), 10)
	case uint64:
		b, err = q.appendUint(dst, x)
	case float64:
		b, err = q.appendFloat(dst, x, 64)
	case float32:
		b, err = q.appendFloat(dst, float64(x), 32)
	case time.Time:
		b, err = q.appendTime(dst, x)
	case json.RawMessage:
		b, err = q.appendJSON(dst, x)
	default:
		return dst, false, nil
	}
	return b, true, err
}

func (q Quoter) appendValuer(dst []byte, vr driver.Valuer, depth int) ([]byte, error) {
	// A nil pointer whose element type has a value-receiver Value method
	// cannot be called; database/sql reads it as NULL, and so do we.
	if rv := reflect.ValueOf(vr); rv.Kind() == reflect.Pointer && rv.IsNil() &&
		rv.Type().Elem().Implements(valuerType) {
		return append(dst, "NULL"...), nil
	}
	val, err := vr.Value()
	if err != nil {
		return dst, fmt.Errorf("%T.Value: %w", vr, err)
	}
	switch val.(type) {
	case nil, int64, float64, bool, []byte, string, time.Time:
	default:
		return dst, errorf(ErrUnsupportedType, fmt.Sprintf("%T.Value returned %T, not a driver.Value", vr, val))
	}
	return q.appendValue(dst, val, depth+1)
}

// appendReflect handles pointers, named types of supported kinds and
// fmt.Stringer.
func (q Quoter) appendReflect(dst []byte, v any, depth int) ([]byte, error) {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer:
		if rv.IsNil() {
			return append(dst, "NULL"...), nil
		}
		return q.appendValue(dst, rv.Elem().Interface(), depth+1)
	case reflect.String:
		return q.appendValue(dst, rv.String(), depth)
	case reflect.Bool:
		return q.appendBool(dst, rv.Bool()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.AppendInt(dst, rv.Int(), 10), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return q.appendUint(dst, rv.Uint())
	case reflect.Float32:
		return q.appendFloat(dst, rv.Float(), 32)
	case reflect.Float64:
		return q.appendFloat(dst, rv.Float(), 64)
	case reflect.Slice:
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			return q.appendBytes(dst, rv.Bytes())
		}
	}
	if q.AllowStringer {
		if s, ok := v.(fmt.Stringer); ok {
			return q.appendValue(dst, s.String(), depth)
		}
	}
	return dst, errorf(ErrUnsupportedType, fmt.Sprintf("%T", v))
}

func (q Quoter) appendBool(dst []byte, b bool) []byte {
	if q.Dialect == dialect.SQLite {
		if b {
			return append(dst, '1')
		}
		return append(dst, '0')
	}
	if b {
		return append(dst, "TRUE"...)
	}
	return append(dst, "FALSE"...)
}

func (q Quoter) appendUint(dst []byte, u uint64) ([]byte, error) {
	if q.Dialect == dialect.SQLite && u > 1<<63-1 {
		return dst, errorf(ErrUnsupportedValue, "SQLite integers are 64-bit signed; "+
			strconv.FormatUint(u, 10)+" would be read as a float")
	}
	return strconv.AppendUint(dst, u, 10), nil
}

func (q Quoter) appendJSON(dst []byte, m json.RawMessage) ([]byte, error) {
	if m == nil {
		return append(dst, "NULL"...), nil
	}
	if !json.Valid(m) {
		return dst, errorf(ErrInvalidJSON, "json.RawMessage of "+strconv.Itoa(len(m))+" bytes")
	}
	s := string(m)
	f, _, err := q.stringForm(s)
	if err != nil {
		return dst, err
	}
	return q.appendString(dst, s, f), nil
}
