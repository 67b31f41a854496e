package merge

import (
	"bytes"
	"cmp"
	"database/sql/driver"
	"fmt"
	"math"
	"strings"
	"time"
)

// rule is how the values of one column compare.
type rule struct {
	numText bool      // string and []byte values are decimal numbers
	blob    bool      // []byte sorts after string as its own class (SQLite BLOB)
	text    textOrder // how text values compare
	server  string    // text == textServer: the server's collation
	trim    bool      // trailing spaces do not count (PostgreSQL char(n))
	typ     string    // the column's database type name, upper case
	// weighted: weight is the column holding the weights of this column's
	// text values (Spec.Weights); pad is the weight of a space when they
	// pad (PAD SPACE).
	weighted bool
	weight   int
	pad      []byte
	// computed: the column is a Computed expression's number, compared by
	// value whatever its collation or weights say.
	computed bool
}

// textOrder is how the text values of a column compare.
type textOrder uint8

const (
	textBinary    textOrder = iota // bytes
	textFold                       // CollationNoCase
	textASCIIFold                  // CollationASCIINoCase
	textRTrim                      // CollationRTrim
	textPad                        // CollationBinaryPad
	// textServer orders by the server's ranks (rank.go); equality is byte
	// equality, which is all compareValues and the keys see of it.
	textServer
)

// Value classes, in their order across classes (SQLite's: numbers, then
// text, then blobs; time values, rare in mixed columns, between numbers and
// text).
const (
	classNum = iota + 1
	classTime
	classText
	classBlob
	classOther
)

// compareValues orders two non-NULL values of a column.
func compareValues(a, b driver.Value, r rule) int {
	switch x := a.(type) {
	case int64:
		if y, ok := b.(int64); ok {
			return cmp.Compare(x, y)
		}
	case float64:
		if y, ok := b.(float64); ok {
			return compareFloat(x, y)
		}
	case string:
		if y, ok := b.(string); ok {
			switch {
			case r.numText:
				if c, ok := compareDecimalTexts(x, y); ok {
					return c
				}
			case r.text == textBinary || r.text == textServer:
				return strings.Compare(x, y)
			default:
				return compareText(x, y, r.text)
			}
		}
	case []byte:
		if y, ok := b.([]byte); ok {
			switch {
			case r.numText:
				if c, ok := compareDecimalTexts(x, y); ok {
					return c
				}
			case r.text == textBinary || r.text == textServer:
				return bytes.Compare(x, y)
			default:
				return compareText(x, y, r.text)
			}
		}
	case time.Time:
		if y, ok := b.(time.Time); ok {
			return x.Compare(y)
		}
	}
	return compareMixed(a, b, r)
}

// compareMixed orders values of different Go types, numeric text, and the
// less common types.
func compareMixed(a, b driver.Value, r rule) int {
	ca, cb := classify(a, r), classify(b, r)
	if ca != cb {
		return sign(ca - cb)
	}
	switch ca {
	case classNum:
		return compareNum(toNum(a), toNum(b))
	case classTime:
		return a.(time.Time).Compare(b.(time.Time))
	case classText, classBlob:
		return compareTextValues(a, b, r.text)
	}
	return strings.Compare(fmt.Sprint(a), fmt.Sprint(b))
}

// compareDecimalTexts compares two plain decimal texts; ok is false when
// either is not one.
func compareDecimalTexts[T text](a, b T) (c int, ok bool) {
	da, oka := parseDecimal(a)
	db, okb := parseDecimal(b)
	if !oka || !okb {
		return 0, false
	}
	return compareDecimal(a, da, b, db), true
}

func classify(v driver.Value, r rule) int {
	switch x := v.(type) {
	case int64, float64, bool, int, int32, int16, int8, uint64, uint32, uint16, uint8, uint, float32:
		return classNum
	case time.Time:
		return classTime
	case string:
		if r.numText {
			if _, ok := parseDecimal(x); ok {
				return classNum
			}
		}
		return classText
	case []byte:
		if r.numText {
			if _, ok := parseDecimal(x); ok {
				return classNum
			}
		}
		if r.blob {
			return classBlob
		}
		return classText
	}
	return classOther
}

func compareTextValues(a, b driver.Value, t textOrder) int {
	switch x := a.(type) {
	case string:
		switch y := b.(type) {
		case string:
			return compareText(x, y, t)
		case []byte:
			return compareText(x, y, t)
		}
	case []byte:
		switch y := b.(type) {
		case string:
			return compareText(x, y, t)
		case []byte:
			return compareText(x, y, t)
		}
	}
	return 0
}

// compareText compares two texts under t (textServer: as bytes).
func compareText[A, B text](a A, b B, t textOrder) int {
	switch t {
	case textFold:
		return compareFold(a, b)
	case textASCIIFold:
		return compareASCIIFold(a, b)
	case textRTrim:
		return compareRaw(a[:trimSpaceEnd(a)], b[:trimSpaceEnd(b)])
	case textPad:
		return comparePadded(a, b)
	}
	return compareRaw(a, b)
}

// compareRaw compares bytes.
func compareRaw[A, B text](a A, b B) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return cmp.Compare(a[i], b[i])
		}
	}
	return cmp.Compare(len(a), len(b))
}

// compareFloat orders floats with NaN above everything and equal to itself,
// as PostgreSQL does.
func compareFloat(x, y float64) int {
	xn, yn := math.IsNaN(x), math.IsNaN(y)
	switch {
	case xn || yn:
		return cmp.Compare(b2i(xn), b2i(yn))
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
