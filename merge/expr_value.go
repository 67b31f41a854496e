package merge

import (
	"database/sql/driver"
	"fmt"
	"math"
	"math/big"

	"github.com/grantsql/grant/dialect"
)

// xval is a value met while evaluating an Expr.
type xval struct {
	k     byte // 0 NULL, 'i' integer, 'f' float, 'd' decimal, 'b' boolean
	i     int64
	bits  int // PostgreSQL width of an integer (0: the other operand's)
	f     float64
	d     *big.Int
	scale int
	b     bool
}

// exprEval evaluates expressions over merged rows.
type exprEval struct {
	d     dialect.Dialect
	rules []rule
}

func exprErr(e *Expr, format string, args ...any) error {
	return fmt.Errorf("%w %s: %s", ErrExpression, e.String(), fmt.Sprintf(format, args...))
}

// cell reads column c of row as an xval.
func (ev *exprEval) cell(e *Expr, row []driver.Value, c int) (xval, error) {
	switch x := row[c].(type) {
	case nil:
		return xval{}, nil
	case int64:
		return xval{k: 'i', i: x, bits: ev.width(c)}, nil
	case float64:
		return xval{k: 'f', f: x}, nil
	case float32:
		return xval{k: 'f', f: float64(x)}, nil
	case bool:
		return xval{k: 'b', b: x}, nil
	case string:
		if ev.rules[c].numText {
			return decimalVal(e, x)
		}
	case []byte:
		if ev.rules[c].numText {
			return decimalVal(e, x)
		}
	}
	return xval{}, exprErr(e, "the merge does not compute on %T values of column %d as the server does (text, unsigned or other non-numeric values are refused)", row[c], c)
}

// width is the PostgreSQL integer width of column c, from its type.
func (ev *exprEval) width(c int) int {
	if ev.d != dialect.Postgres {
		return 64
	}
	switch ev.rules[c].typ {
	case "INT2":
		return 16
	case "INT4":
		return 32
	}
	return 64
}

func decimalVal[T text](e *Expr, s T) (xval, error) {
	d, ok := parseDecimal(s)
	if !ok || d.special != 0 {
		return xval{}, exprErr(e, "the value %q is not a finite decimal", string(s))
	}
	z := new(big.Int)
	return xval{k: 'd', d: z, scale: setBig(z, s, d)}, nil
}

// constant returns OpValue's value.
func constant(e *Expr) (xval, error) {
	switch x := e.Value.(type) {
	case nil:
		return xval{}, nil
	case int64:
		return xval{k: 'i', i: x, bits: e.Bits}, nil
	case float64:
		return xval{k: 'f', f: x}, nil
	case string:
		return decimalVal(e, x)
	}
	return xval{}, exprErr(e, "constant %v is not a number", e.Value)
}

// float returns a numeric xval as a float64.
func (v xval) float() float64 {
	switch v.k {
	case 'i':
		return float64(v.i)
	case 'd':
		f, _ := new(big.Rat).SetFrac(v.d, pow10(v.scale)).Float64()
		return f
	}
	return v.f
}

// dec returns a numeric xval (not a float) as unscaled, scale.
func (v xval) dec() (*big.Int, int) {
	if v.k == 'i' {
		return big.NewInt(v.i), 0
	}
	return v.d, v.scale
}

// numeric reports whether v is a number.
func (v xval) numeric() bool { return v.k == 'i' || v.k == 'f' || v.k == 'd' }

// out converts v into the Go value the dialect's driver returns for it.
func (ev *exprEval) out(v xval) driver.Value {
	switch v.k {
	case 'i':
		return v.i
	case 'f':
		return v.f
	case 'd':
		s := formatBig(v.d, v.scale)
		if ev.d == dialect.MySQL {
			return []byte(s)
		}
		return s
	case 'b':
		if ev.d == dialect.Postgres {
			return v.b
		}
		return int64(b2i(v.b))
	}
	return nil
}

// truth reports whether v is TRUE (NULL and FALSE are not); on MySQL and
// SQLite a nonzero number is true.
func (ev *exprEval) truth(e *Expr, v xval) (known, yes bool, err error) {
	switch v.k {
	case 0:
		return false, false, nil
	case 'b':
		return true, v.b, nil
	}
	if ev.d == dialect.Postgres || !v.numeric() {
		return false, false, exprErr(e, "a number is not a condition")
	}
	if v.k == 'd' {
		return true, v.d.Sign() != 0, nil
	}
	return true, v.float() != 0, nil
}

// intFits reports whether n fits a PostgreSQL integer of bits (0 or 64:
// any int64).
func intFits(n int64, bits int) bool {
	switch bits {
	case 16:
		return n >= math.MinInt16 && n <= math.MaxInt16
	case 32:
		return n >= math.MinInt32 && n <= math.MaxInt32
	}
	return true
}

func resultBits(a, b int) int {
	if a == 0 {
		return b
	}
	if b == 0 {
		return a
	}
	return max(a, b)
}

// pgDivScale is PostgreSQL's select_div_scale for x*10^-sx / y*10^-sy.
func pgDivScale(x *big.Int, sx int, y *big.Int, sy int) int {
	w1, f1 := nbaseLead(x, sx)
	w2, f2 := nbaseLead(y, sy)
	qweight := w1 - w2
	if f1 <= f2 {
		qweight--
	}
	return min(max(16-qweight*4, sx, sy, 0), 1000)
}
