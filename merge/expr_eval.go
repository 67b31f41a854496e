package merge

import (
	"cmp"
	"database/sql/driver"
	"math"
	"math/big"
	"math/bits"

	"github.com/grantsql/grant/dialect"
)

// eval evaluates e over one merged row.
func (ev *exprEval) eval(e *Expr, row []driver.Value) (xval, error) {
	switch e.Op {
	case OpColumn:
		return ev.cell(e, row, e.Column)
	case OpValue:
		return constant(e)
	}
	if e.Op == OpAnd || e.Op == OpOr {
		return ev.logic(e, row)
	}
	x, err := ev.eval(e.Args[0], row)
	if err != nil {
		return xval{}, err
	}
	switch e.Op {
	case OpIsNull, OpIsNotNull:
		return xval{k: 'b', b: (x.k == 0) == (e.Op == OpIsNull)}, nil
	case OpNot:
		known, yes, err := ev.truth(e, x)
		if err != nil || !known {
			return xval{}, err
		}
		return xval{k: 'b', b: !yes}, nil
	case OpNeg:
		return ev.arith(e, xval{k: 'i', i: 0}, x)
	}
	y, err := ev.eval(e.Args[1], row)
	if err != nil {
		return xval{}, err
	}
	switch e.Op {
	case OpEq, OpNe, OpLt, OpLe, OpGt, OpGe:
		return ev.compare(e, x, y)
	}
	return ev.arith(e, x, y)
}

// logic is AND and OR with SQL's three-valued logic, left to right, and
// stopping at the value that decides (as the servers do in practice: an
// operand after it that would fail is not evaluated).
func (ev *exprEval) logic(e *Expr, row []driver.Value) (xval, error) {
	decided := e.Op == OpOr // the value that decides: TRUE for OR, FALSE for AND
	unknown := false
	for _, arg := range e.Args {
		a, err := ev.eval(arg, row)
		if err != nil {
			return xval{}, err
		}
		known, yes, err := ev.truth(e, a)
		if err != nil {
			return xval{}, err
		}
		if !known {
			unknown = true
			continue
		}
		if yes == decided {
			return xval{k: 'b', b: decided}, nil
		}
	}
	if unknown {
		return xval{}, nil
	}
	return xval{k: 'b', b: !decided}, nil
}

// compare compares two numbers (or two booleans).
func (ev *exprEval) compare(e *Expr, a, b xval) (xval, error) {
	if a.k == 0 || b.k == 0 {
		return xval{}, nil
	}
	var c int
	switch {
	case a.k == 'i' && b.k == 'i':
		c = cmp.Compare(a.i, b.i)
	case a.k == 'b' && b.k == 'b':
		c = b2i(a.b) - b2i(b.b)
	case !a.numeric() || !b.numeric():
		return xval{}, exprErr(e, "compares a boolean with a number")
	case a.k == 'f' || b.k == 'f':
		if ev.d == dialect.SQLite && (a.k == 'i' || b.k == 'i') {
			// SQLite compares an integer with a real exactly.
			c = compareNum(toNum(a.goValue()), toNum(b.goValue()))
		} else {
			c = compareFloat(a.float(), b.float())
		}
	default:
		x, sx := a.dec()
		y, sy := b.dec()
		c = new(big.Rat).SetFrac(x, pow10(sx)).Cmp(new(big.Rat).SetFrac(y, pow10(sy)))
	}
	var r bool
	switch e.Op {
	case OpEq:
		r = c == 0
	case OpNe:
		r = c != 0
	case OpLt:
		r = c < 0
	case OpLe:
		r = c <= 0
	case OpGt:
		r = c > 0
	default:
		r = c >= 0
	}
	return xval{k: 'b', b: r}, nil
}

func (v xval) goValue() driver.Value {
	if v.k == 'i' {
		return v.i
	}
	return v.f
}

// arith is + - * / DIV % (and unary minus as 0 - x) in the dialect's
// arithmetic.
func (ev *exprEval) arith(e *Expr, a, b xval) (xval, error) {
	if a.k == 0 || b.k == 0 {
		return xval{}, nil
	}
	if !a.numeric() || !b.numeric() {
		return xval{}, exprErr(e, "arithmetic on a boolean")
	}
	zero := (b.k == 'i' && b.i == 0) || (b.k == 'd' && b.d.Sign() == 0) || (b.k == 'f' && b.f == 0)
	if zero && (e.Op == OpDiv || e.Op == OpIntDiv || e.Op == OpMod) {
		if ev.d == dialect.Postgres {
			return xval{}, exprErr(e, "division by zero")
		}
		return xval{}, nil // NULL on MySQL and SQLite
	}
	switch {
	case e.Op == OpIntDiv && (a.k == 'f' || b.k == 'f'):
		return xval{}, exprErr(e, "DIV of floating-point values is not computed by the merge")
	case e.Op == OpIntDiv && (a.k == 'd' || b.k == 'd'):
		// The quotient truncated toward zero, a BIGINT.
		x, sx := a.dec()
		y, sy := b.dec()
		n, d := new(big.Int).Set(x), new(big.Int).Set(y)
		rescale(n, sy)
		rescale(d, sx)
		q := n.Quo(n, d)
		if !q.IsInt64() {
			return xval{}, exprErr(e, "BIGINT value is out of range")
		}
		return xval{k: 'i', i: q.Int64(), bits: 64}, nil
	case e.Op == OpIntDiv:
		if a.i == math.MinInt64 && b.i == -1 {
			return xval{}, exprErr(e, "BIGINT value is out of range")
		}
		return xval{k: 'i', i: a.i / b.i, bits: 64}, nil
	case a.k == 'f' || b.k == 'f':
		return ev.floatArith(e, a.float(), b.float())
	case a.k == 'd' || b.k == 'd' || (e.Op == OpDiv && ev.d == dialect.MySQL):
		return ev.decArith(e, a, b)
	}
	return ev.intArith(e, a, b)
}

func (ev *exprEval) floatArith(e *Expr, x, y float64) (xval, error) {
	var r float64
	switch e.Op {
	case OpAdd:
		r = x + y
	case OpSub, OpNeg:
		r = x - y
	case OpMul:
		r = x * y
	case OpDiv:
		r = x / y
	default:
		return xval{}, exprErr(e, "%s of floating-point values is not computed by the merge", e.Op)
	}
	if e.Op == OpNeg {
		r = -y
	}
	if math.IsInf(r, 0) && !math.IsInf(x, 0) && !math.IsInf(y, 0) && ev.d != dialect.SQLite {
		return xval{}, exprErr(e, "value out of range: overflow")
	}
	return xval{k: 'f', f: r}, nil
}

func (ev *exprEval) intArith(e *Expr, a, b xval) (xval, error) {
	x, y := a.i, b.i
	var r int64
	over := false
	switch e.Op {
	case OpAdd:
		r = x + y
		over = (x >= 0) == (y >= 0) && (r >= 0) != (x >= 0)
	case OpSub, OpNeg:
		r = x - y
		over = (x >= 0) != (y >= 0) && (r >= 0) != (x >= 0)
	case OpMul:
		hi, lo := bits.Mul64(uint64(absInt(x)), uint64(absInt(y)))
		neg := (x < 0) != (y < 0)
		over = hi != 0 || lo > math.MaxInt64+uint64(b2i(neg)) || x == math.MinInt64 && y != 0 && y != 1 || y == math.MinInt64 && x != 0 && x != 1
		r = x * y
	case OpDiv:
		over = x == math.MinInt64 && y == -1
		if !over {
			r = x / y
		}
	case OpMod:
		r = x % y // Go's remainder is SQL's: the sign of the dividend
	}
	w := resultBits(a.bits, b.bits)
	if e.Op == OpNeg {
		w = b.bits
	}
	if !over && ev.d == dialect.Postgres && !intFits(r, w) {
		over = true
	}
	if over {
		switch ev.d {
		case dialect.SQLite:
			return ev.floatArith(e, float64(x), float64(y))
		case dialect.MySQL:
			return xval{}, exprErr(e, "BIGINT value is out of range")
		}
		if w == 16 {
			return xval{}, exprErr(e, "smallint out of range")
		}
		if w == 32 {
			return xval{}, exprErr(e, "integer out of range")
		}
		return xval{}, exprErr(e, "bigint out of range")
	}
	return xval{k: 'i', i: r, bits: w}, nil
}

func absInt(x int64) uint64 {
	if x < 0 {
		return uint64(-(x + 1)) + 1
	}
	return uint64(x)
}

// decArith computes exact decimals: + - and % keep the larger scale, * adds
// the scales, / rounds half away from zero to PostgreSQL's
// select_div_scale or MySQL's dividend scale + 4 (div_precision_increment).
func (ev *exprEval) decArith(e *Expr, a, b xval) (xval, error) {
	x, sx := a.dec()
	y, sy := b.dec()
	z := new(big.Int)
	scale := 0
	switch e.Op {
	case OpAdd, OpSub, OpNeg, OpMod:
		scale = max(sx, sy)
		xx, yy := new(big.Int).Set(x), new(big.Int).Set(y)
		rescale(xx, scale-sx)
		rescale(yy, scale-sy)
		switch e.Op {
		case OpAdd:
			z.Add(xx, yy)
		case OpMod:
			z.Rem(xx, yy) // the sign of the dividend, as both servers
		default:
			z.Sub(xx, yy)
		}
	case OpMul:
		scale = sx + sy
		z.Mul(x, y)
	case OpDiv:
		num := new(big.Int).Set(x)
		rescale(num, sy)
		if ev.d == dialect.Postgres {
			scale = pgDivScale(x, sx, y, sy)
		} else {
			scale = min(sx+4, 30)
		}
		z = divRound(num, sx, y, scale)
	default:
		return xval{}, exprErr(e, "%s of decimals is not computed by the merge", e.Op)
	}
	if ev.d == dialect.MySQL && scale > 30 {
		return xval{}, exprErr(e, "a decimal of more than 30 fraction digits, which MySQL rounds, is not computed by the merge")
	}
	return xval{k: 'd', d: z, scale: scale}, nil
}
