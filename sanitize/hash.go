package sanitize

import (
	"fmt"
	"slices"
	"unsafe"
)

// Hash builds the conditions of m, the Go form of Rails' sanitize_sql_hash,
// with the keys sorted so the output is stable and each key quoted with
// QuoteIdent (a key may be qualified, "users.id"):
//
//	{"a": 1, "b": nil, "c": []int{1, 2}}  ->  "a" = 1 AND "b" IS NULL AND "c" IN (1, 2)
//
// A value whose literal is NULL (nil, a nil pointer, a Valuer returning nil)
// gives IS NULL. A slice or array gives IN (...), with its NULL elements
// moved to an OR ... IS NULL, ("c" IN (1) OR "c" IS NULL); an empty one
// gives 1=0, which matches nothing, as Rails does. An empty map is an error
// (ErrEmpty) rather than a condition that matches every row. Errors are
// *ArgError values naming the key.
func (q Quoter) Hash(m map[string]any) (string, error) {
	return q.pairs(m, " AND ", true)
}

// Assignments builds the SET list of m: "a" = 1, "b" = 'x', keys sorted and
// quoted. nil gives = NULL; a slice (other than []byte) is an error, since a
// list cannot be assigned. An empty map is an error (ErrEmpty).
func (q Quoter) Assignments(m map[string]any) (string, error) {
	return q.pairs(m, ", ", false)
}

func (q Quoter) pairs(m map[string]any, sep string, conditions bool) (string, error) {
	if err := q.checkDialect(); err != nil {
		return "", top(err)
	}
	if len(m) == 0 {
		return "", top(ErrEmpty)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	buf := make([]byte, 0, 24*len(m))
	for i, k := range keys {
		if i > 0 {
			buf = append(buf, sep...)
		}
		var err error
		if conditions {
			buf, err = q.appendCondition(buf, k, m[k])
		} else {
			buf, err = q.appendAssignment(buf, k, m[k])
		}
		if err != nil {
			return "", &ArgError{Name: k, Err: err}
		}
	}
	return unsafe.String(unsafe.SliceData(buf), len(buf)), nil
}

func (q Quoter) appendAssignment(buf []byte, key string, v any) ([]byte, error) {
	if _, ok := listValue(v); ok {
		return buf, errorf(ErrUnsupportedType, fmt.Sprintf("%T: a list cannot be assigned", v))
	}
	buf, err := q.appendQuotedIdent(buf, key)
	if err != nil {
		return buf, err
	}
	buf = append(buf, " = "...)
	return q.appendValue(buf, v, 0)
}

func (q Quoter) appendCondition(buf []byte, key string, v any) ([]byte, error) {
	col, err := q.appendQuotedIdent(nil, key)
	if err != nil {
		return buf, err
	}
	rv, ok := listValue(v)
	if !ok {
		mark := len(buf)
		buf = append(buf, col...)
		buf = append(buf, " = "...)
		lit := len(buf)
		if buf, err = q.appendValue(buf, v, 0); err != nil {
			return buf, err
		}
		if string(buf[lit:]) == "NULL" {
			buf = append(buf[:mark], col...)
			buf = append(buf, " IS NULL"...)
		}
		return buf, nil
	}
	// The IN list, leaving out NULLs, which IN never matches.
	var list []byte
	items, nulls := 0, false
	for i := range rv.Len() {
		mark := len(list)
		if items > 0 {
			list = append(list, ", "...)
		}
		start := len(list)
		if list, err = q.appendValue(list, rv.Index(i).Interface(), 0); err != nil {
			return buf, fmt.Errorf("element %d: %w", i, err)
		}
		if string(list[start:]) == "NULL" {
			list, nulls = list[:mark], true
			continue
		}
		items++
	}
	switch {
	case items == 0 && !nulls:
		return append(buf, "1=0"...), nil
	case items == 0:
		buf = append(buf, col...)
		return append(buf, " IS NULL"...), nil
	}
	if nulls {
		buf = append(buf, '(')
	}
	buf = append(buf, col...)
	buf = append(buf, " IN ("...)
	buf = append(buf, list...)
	buf = append(buf, ')')
	if nulls {
		buf = append(buf, " OR "...)
		buf = append(buf, col...)
		buf = append(buf, " IS NULL)"...)
	}
	return buf, nil
}
