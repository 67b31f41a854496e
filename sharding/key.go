package sharding

import (
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"
)

// Key is a shard key: one value, or an ordered tuple of values (a composite
// key, for a table sharded by several columns). The zero Key is a single NULL
// value, which every resolver rejects with ErrNullKey.
//
// A Key is a small value type; build one with KeyOf or CompositeKey and pass
// it by value. Making a single-value Key does not allocate.
type Key struct {
	one   any
	multi []any // non-nil only for a composite key of zero or two or more values
}

// KeyOf returns the single-value Key v. v is a database/sql driver value or a
// Go value; see the package documentation for the accepted types.
func KeyOf(v any) Key { return Key{one: v} }

// CompositeKey returns the ordered tuple of values as one Key. A tuple of one
// value is the same Key as KeyOf(values[0]); an empty tuple is a Key every
// resolver rejects. The Key refers to the values slice, which must not be
// modified while the Key is in use.
func CompositeKey(values ...any) Key {
	switch len(values) {
	case 1:
		return Key{one: values[0]}
	case 0:
		return Key{multi: []any{}}
	}
	return Key{multi: values}
}

// Len returns the number of values in k: 1 for a single-value key.
func (k Key) Len() int {
	if k.multi != nil {
		return len(k.multi)
	}
	return 1
}

// Int64 returns the integer a single key value stands for: a Go integer
// that fits in an int64, an integral float, or a string or []byte in
// canonical decimal form ("42", not "042"), as the resolvers read it.
func (k Key) Int64() (int64, bool) {
	if k.multi != nil {
		return 0, false
	}
	if _, isBool := k.one.(bool); isBool {
		return 0, false
	}
	s, err := keyScalarOf(k.one)
	if err != nil {
		return 0, false
	}
	n, ok := s.asInt()
	switch {
	case !ok:
		return 0, false
	case n.mag == 0:
		return 0, true
	case n.neg && n.mag <= 1<<63:
		return -int64(n.mag-1) - 1, true
	case !n.neg && n.mag <= math.MaxInt64:
		return int64(n.mag), true
	}
	return 0, false
}

// IsComposite reports whether k is a tuple of other than exactly one value.
func (k Key) IsComposite() bool { return k.multi != nil }

// Value returns the i-th value of k, counting from 0. It panics if i is out of
// range, like a slice index.
func (k Key) Value(i int) any {
	if k.multi != nil {
		return k.multi[i]
	}
	if i != 0 {
		panic(fmt.Sprintf("sharding: Key.Value(%d) on a single-value key", i))
	}
	return k.one
}

// String formats k for error messages: a value as its Go type and value, such
// as int64(42) or string("us"), NULL for nil, and a composite key as a
// parenthesized list. Long strings and byte slices are shortened.
func (k Key) String() string {
	if k.multi == nil {
		return formatKeyValue(k.one)
	}
	var b strings.Builder
	b.WriteByte('(')
	for i, v := range k.multi {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(formatKeyValue(v))
	}
	b.WriteByte(')')
	return b.String()
}

// maxKeyShown is how many bytes of a string or []byte value error messages show.
const maxKeyShown = 64

func formatKeyValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case string:
		return "string(" + quoteKeyShort(x) + ")"
	case []byte:
		return "[]byte(" + quoteKeyShort(string(x)) + ")"
	case time.Time:
		return "time.Time(" + x.Format(time.RFC3339Nano) + ")"
	}
	return fmt.Sprintf("%T(%v)", v, v)
}

func quoteKeyShort(s string) string {
	if len(s) <= maxKeyShown {
		return fmt.Sprintf("%q", s)
	}
	cut := maxKeyShown
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%q...(%d bytes)", s[:cut], len(s))
}
