package merge

import (
	"bytes"
	"cmp"
	"database/sql/driver"
)

// compareASCIIFold compares bytes with A-Z folded to a-z, as SQLite's
// NOCASE does.
func compareASCIIFold[A, B text](a A, b B) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if x, y := lowerASCII(a[i]), lowerASCII(b[i]); x != y {
			return cmp.Compare(x, y)
		}
	}
	return cmp.Compare(len(a), len(b))
}

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// comparePadded compares bytes as if the shorter text were padded with
// spaces (PAD SPACE).
func comparePadded[A, B text](a A, b B) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return cmp.Compare(a[i], b[i])
		}
	}
	for i := n; i < len(a); i++ {
		if a[i] != ' ' {
			return cmp.Compare(a[i], ' ')
		}
	}
	for i := n; i < len(b); i++ {
		if b[i] != ' ' {
			return cmp.Compare(' ', b[i])
		}
	}
	return 0
}

// compareWeights compares two weight strings; with pad (the weight of a
// space) as if the shorter were padded with it.
func compareWeights(a, b, pad []byte) int {
	n := min(len(a), len(b))
	if c := bytes.Compare(a[:n], b[:n]); c != 0 {
		return c
	}
	switch {
	case len(a) == len(b):
		return 0
	case len(pad) == 0:
		return cmp.Compare(len(a), len(b))
	case len(a) > n:
		return comparePadRest(a[n:], pad)
	}
	return -comparePadRest(b[n:], pad)
}

// comparePadRest compares rest with as many repetitions of pad.
func comparePadRest(rest, pad []byte) int {
	for i := 0; i < len(rest); i += len(pad) {
		chunk := rest[i:min(i+len(pad), len(rest))]
		if c := bytes.Compare(chunk, pad[:len(chunk)]); c != 0 {
			return c
		}
	}
	return 0
}

// trimPad drops the trailing weights of spaces from a weight string, so
// that weights equal under padding are equal bytes.
func trimPad(w, pad []byte) []byte {
	if len(pad) == 0 || len(w)%len(pad) != 0 {
		return w
	}
	for len(w) >= len(pad) && bytes.Equal(w[len(w)-len(pad):], pad) {
		w = w[:len(w)-len(pad)]
	}
	return w
}

// isText reports whether v is a text value the column's collation orders
// (not decimal text, which compares as a number).
func (r *rule) isText(v driver.Value) bool {
	switch v.(type) {
	case string, []byte:
		return !r.numText
	}
	return false
}

// weights returns the weights of column col's values in rows a and b when
// both are text with non-NULL weights.
func (r *rule) weights(a, b []driver.Value, col int) (x, y driver.Value, ok bool) {
	if !r.weighted || !r.isText(a[col]) || !r.isText(b[col]) {
		return nil, nil, false
	}
	x, y = a[r.weight], b[r.weight]
	return x, y, x != nil && y != nil
}

// compareWeightValues compares two weights: byte strings (with padding),
// or numbers (an ENUM's index).
func compareWeightValues(x, y driver.Value, pad []byte) int {
	if bx, ok := x.([]byte); ok {
		if by, ok := y.([]byte); ok {
			return compareWeights(bx, by, pad)
		}
	}
	return compareValues(x, y, rule{})
}

// compareCells compares the non-NULL values of column col in rows a and
// b: by their weights when the column has them, else by value.
func compareCells(a, b []driver.Value, col int, r *rule) int {
	if x, y, ok := r.weights(a, b, col); ok {
		return compareWeightValues(x, y, r.pad)
	}
	return compareValues(a[col], b[col], *r)
}

// appendWeightKey appends the key of a weight: equal exactly when the
// weights compare equal.
func appendWeightKey(buf []byte, w driver.Value, pad []byte) []byte {
	if b, ok := w.([]byte); ok {
		b = trimPad(b, pad)
		buf = append(buf, 'w', byte(len(b)>>24), byte(len(b)>>16), byte(len(b)>>8), byte(len(b)))
		return append(buf, b...)
	}
	return appendKey(buf, w, rule{})
}
