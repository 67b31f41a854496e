package merge

import (
	"cmp"
	"database/sql/driver"
	"math"
	"strconv"
)

// num is a numeric value in one of four shapes.
type num struct {
	kind byte // 'i' int64, 'u' uint64, 'f' float64, 's' text in s, 'b' text in b
	i    int64
	u    uint64
	f    float64
	s    string
	b    []byte
}

func toNum(v driver.Value) num {
	switch x := v.(type) {
	case int64:
		return num{kind: 'i', i: x}
	case float64:
		return num{kind: 'f', f: x}
	case string:
		return num{kind: 's', s: x}
	case []byte:
		return num{kind: 'b', b: x}
	case bool:
		return num{kind: 'i', i: int64(b2i(x))}
	case int:
		return num{kind: 'i', i: int64(x)}
	case int32:
		return num{kind: 'i', i: int64(x)}
	case int16:
		return num{kind: 'i', i: int64(x)}
	case int8:
		return num{kind: 'i', i: int64(x)}
	case uint64:
		return num{kind: 'u', u: x}
	case uint32:
		return num{kind: 'u', u: uint64(x)}
	case uint16:
		return num{kind: 'u', u: uint64(x)}
	case uint8:
		return num{kind: 'u', u: uint64(x)}
	case uint:
		return num{kind: 'u', u: uint64(x)}
	case float32:
		return num{kind: 'f', f: float64(x)}
	}
	return num{kind: 'i'}
}

// compareNum compares numbers exactly across int64, uint64 and float64;
// against decimal text, a float compares as its shortest decimal form.
func compareNum(a, b num) int {
	if a.kind == 's' || a.kind == 'b' || b.kind == 's' || b.kind == 'b' {
		var ba, bb [32]byte
		return compareNumText(a.text(ba[:0]), b.text(bb[:0]))
	}
	switch {
	case a.kind == b.kind && a.kind == 'i':
		return cmp.Compare(a.i, b.i)
	case a.kind == b.kind && a.kind == 'u':
		return cmp.Compare(a.u, b.u)
	case a.kind == b.kind:
		return compareFloat(a.f, b.f)
	case a.kind == 'f':
		return -compareToFloat(b, a.f)
	case b.kind == 'f':
		return compareToFloat(a, b.f)
	case a.kind == 'i': // b is uint64
		if a.i < 0 {
			return -1
		}
		return cmp.Compare(uint64(a.i), b.u)
	}
	if b.i < 0 { // a is uint64, b int64
		return 1
	}
	return cmp.Compare(a.u, uint64(b.i))
}

// compareToFloat compares an integer num with f exactly.
func compareToFloat(a num, f float64) int {
	if math.IsNaN(f) {
		return -1
	}
	t := math.Trunc(f)
	frac := cmp.Compare(0, f-t) // the integer vs. f's fraction, once integer parts tie
	if a.kind == 'i' {
		switch {
		case t < -(1 << 63):
			return 1
		case t >= 1<<63:
			return -1
		case a.i != int64(t):
			return cmp.Compare(a.i, int64(t))
		}
		return frac
	}
	switch {
	case t < 0:
		return 1
	case t >= 1<<64:
		return -1
	case a.u != uint64(t):
		return cmp.Compare(a.u, uint64(t))
	}
	return frac
}

// text returns the number as decimal text, appending to buf when it is not
// text already.
func (n num) text(buf []byte) []byte {
	switch n.kind {
	case 'i':
		return strconv.AppendInt(buf, n.i, 10)
	case 'u':
		return strconv.AppendUint(buf, n.u, 10)
	case 'f':
		return appendFloat(buf, n.f)
	case 'b':
		return n.b
	}
	return append(buf, n.s...)
}

// appendFloat appends the shortest decimal text of f, or NaN, Inf, -Inf.
func appendFloat(buf []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(buf, "NaN"...)
	case math.IsInf(f, 1):
		return append(buf, "Inf"...)
	case math.IsInf(f, -1):
		return append(buf, "-Inf"...)
	case f == 0:
		return append(buf, '0')
	}
	return strconv.AppendFloat(buf, f, 'f', -1, 64)
}

// compareNumText compares decimal texts, falling back to float parsing for
// forms parseDecimal rejects (exponents).
func compareNumText(a, b []byte) int {
	da, oka := parseDecimal(a)
	db, okb := parseDecimal(b)
	if oka && okb {
		return compareDecimal(a, da, b, db)
	}
	fa, _ := strconv.ParseFloat(string(a), 64)
	fb, _ := strconv.ParseFloat(string(b), 64)
	return compareFloat(fa, fb)
}
