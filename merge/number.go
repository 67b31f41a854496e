package merge

import (
	"database/sql/driver"
	"fmt"
	"math"
	"math/big"
	"strconv"
)

// form is the Go type a merged aggregate is returned in: the type the
// shards returned, so that what scans one database's result scans ours.
type form uint8

const (
	formNone form = iota
	formInt
	formText  // string (PostgreSQL numeric through pgx)
	formBytes // []byte (MySQL DECIMAL)
	formFloat
)

// Special decimal values seen by a sum, as bit flags.
const (
	seenNaN = 1 << iota
	seenPosInf
	seenNegInf
)

// number adds the per-shard partial COUNT and SUM values exactly:
//
//   - int64 values add as int64; on overflow the sum continues as a decimal
//     and is returned as decimal text (one database would report an
//     out-of-range error instead);
//   - decimal text (string or []byte) adds exactly with math/big, keeping the
//     largest scale seen ("1.50" + "2" = "3.50"), as SUM over DECIMAL does;
//   - float64 values add as float64: exact per value, but the order of the
//     additions differs from one database's, so the last bits may differ;
//   - NULL is skipped; nothing but NULL gives NULL.
//
// The result takes the shards' Go type; a float among integers or decimals
// makes it a float (SQLite's SUM over mixed INTEGER and REAL values).
type number struct {
	kind    byte // 0 nothing yet, 'i' int64, 'f' float64, 'd' decimal
	form    form
	special int
	i       int64
	f       float64
	comp    float64  // compensation of the float sum
	d       *big.Int // unscaled decimal, allocated on first use
	scale   int
	tmp     *big.Int
}

// big returns the decimal accumulator and a scratch integer.
func (n *number) big() (d, tmp *big.Int) {
	if n.d == nil {
		n.d, n.tmp = new(big.Int), new(big.Int)
	}
	return n.d, n.tmp
}

func (n *number) reset() {
	n.kind, n.form, n.special, n.i, n.f, n.scale = 0, formNone, 0, 0, 0, 0
}

func (n *number) add(v driver.Value) error {
	switch x := v.(type) {
	case nil:
		return nil
	case int64:
		n.addInt(x)
	case float64:
		n.addFloat(x)
	case string:
		return addText(n, x, formText)
	case []byte:
		return addText(n, x, formBytes)
	case float32:
		n.addFloat(float64(x))
	case uint64:
		if x > math.MaxInt64 {
			return addText(n, strconv.FormatUint(x, 10), formText)
		}
		n.addInt(int64(x))
	default:
		m := toNum(v)
		if m.kind != 'i' || classify(v, rule{}) != classNum {
			return fmt.Errorf("cannot add %T value %v", v, v)
		}
		n.addInt(m.i)
	}
	return nil
}

func (n *number) setForm(f form) {
	if n.form == formNone || f == formFloat || (n.form == formInt && f != formInt) {
		n.form = f
	}
}

func (n *number) addInt(x int64) {
	n.setForm(formInt)
	switch n.kind {
	case 0:
		n.kind, n.i = 'i', x
	case 'i':
		s := n.i + x
		if (x > 0 && s < n.i) || (x < 0 && s > n.i) {
			d, tmp := n.big()
			n.kind, n.scale = 'd', 0
			d.SetInt64(n.i)
			d.Add(d, tmp.SetInt64(x))
			return
		}
		n.i = s
	case 'f':
		n.addFloat(float64(x))
	case 'd':
		d, tmp := n.big()
		tmp.SetInt64(x)
		rescale(tmp, n.scale)
		d.Add(d, tmp)
	}
}

// addFloat adds with Neumaier's compensation (as SQLite's SUM does), so the
// merged sum of the shards' sums loses no more than their own rounding.
func (n *number) addFloat(x float64) {
	n.setForm(formFloat)
	switch n.kind {
	case 0:
		n.f, n.comp = 0, 0
	case 'i':
		n.f, n.comp = float64(n.i), 0
	case 'd':
		n.f, n.comp = n.decimalFloat(), 0
	}
	n.kind = 'f'
	t := n.f + x
	if math.Abs(n.f) >= math.Abs(x) {
		n.comp += (n.f - t) + x
	} else {
		n.comp += (x - t) + n.f
	}
	n.f = t
}

func addText[T text](n *number, s T, f form) error {
	d, ok := parseDecimal(s)
	if !ok {
		x, err := strconv.ParseFloat(string(s), 64)
		if err != nil {
			return fmt.Errorf("cannot add non-numeric value %q", string(s))
		}
		n.addFloat(x)
		return nil
	}
	n.setForm(f)
	switch d.special {
	case decNaN:
		n.special |= seenNaN
		return nil
	case decPosInf:
		n.special |= seenPosInf
		return nil
	case decNegInf:
		n.special |= seenNegInf
		return nil
	}
	if n.kind == 'f' {
		x, _ := strconv.ParseFloat(string(s), 64)
		n.addFloat(x)
		return nil
	}
	acc, tmp := n.big()
	switch n.kind {
	case 0:
		n.kind = 'd'
		n.scale = setBig(acc, s, d)
		return nil
	case 'i':
		n.kind, n.scale = 'd', 0
		acc.SetInt64(n.i)
	}
	scale := setBig(tmp, s, d)
	if scale > n.scale {
		rescale(acc, scale-n.scale)
		n.scale = scale
	} else {
		rescale(tmp, n.scale-scale)
	}
	acc.Add(acc, tmp)
	return nil
}

// empty reports whether only NULLs were added.
func (n *number) empty() bool { return n.kind == 0 && n.special == 0 }

// value returns the sum in its form; NULL when empty.
func (n *number) value() driver.Value {
	if n.special != 0 {
		s := "NaN"
		switch n.special {
		case seenPosInf:
			s = "Infinity"
		case seenNegInf:
			s = "-Infinity"
		}
		return n.textForm(s)
	}
	switch n.kind {
	case 'i':
		if n.form == formInt {
			return n.i
		}
		return n.textForm(strconv.FormatInt(n.i, 10))
	case 'f':
		return n.fsum()
	case 'd':
		return n.textForm(formatBig(n.d, n.scale))
	}
	return nil
}

func (n *number) textForm(s string) driver.Value {
	if n.form == formBytes {
		return []byte(s)
	}
	return s
}

// decimal returns the exact value as unscaled*10^-scale (not for floats).
func (n *number) decimal() (*big.Int, int) {
	if n.kind == 'i' {
		return big.NewInt(n.i), 0
	}
	return n.d, n.scale
}

// float returns the value as the nearest float64.
func (n *number) float() float64 {
	switch n.kind {
	case 'i':
		return float64(n.i)
	case 'd':
		return n.decimalFloat()
	}
	return n.fsum()
}

func (n *number) fsum() float64 {
	if math.IsInf(n.f, 0) || math.IsNaN(n.f) {
		return n.f
	}
	return n.f + n.comp
}

func (n *number) decimalFloat() float64 {
	f, _ := new(big.Rat).SetFrac(n.d, pow10(n.scale)).Float64()
	return f
}
