package merge

import (
	"math/big"
	"strings"
)

// text is the Go representation of a textual value: drivers return decimal
// numbers (MySQL DECIMAL, PostgreSQL numeric) as string or []byte.
type text interface{ string | []byte }

// Special decimal values, in their sort order after every finite number
// (PostgreSQL: NaN sorts above +Infinity).
const (
	decFinite = iota
	decNegInf
	decPosInf
	decNaN
)

// decimal locates the parts of a plain decimal text [+-]digits[.digits]
// without copying it: integer digits s[is:ie] without leading zeros, fraction
// digits s[fs:fe] as written and s[fs:ft] without trailing zeros.
type decimal struct {
	neg            bool
	special        int
	is, ie         int
	fs, ft, fe     int
	written, zeros bool // at least one digit; every digit is zero
}

// parseDecimal parses s. It accepts the special values NaN, Infinity and Inf
// (any case, optional sign) and rejects exponents and anything else.
func parseDecimal[T text](s T) (d decimal, ok bool) {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		d.neg = s[i] == '-'
		i++
	}
	if i < len(s) && (s[i] < '0' || s[i] > '9') && s[i] != '.' {
		return parseSpecial(s[i:], d.neg)
	}
	for i < len(s) && s[i] == '0' {
		i++
		d.written = true
	}
	d.is = i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
		d.written = true
	}
	d.ie = i
	d.fs, d.ft, d.fe = i, i, i
	if i < len(s) && s[i] == '.' {
		i++
		d.fs, d.ft = i, i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			if s[i] != '0' {
				d.ft = i + 1
			}
			i++
			d.written = true
		}
		d.fe = i
	}
	if !d.written || i != len(s) {
		return decimal{}, false
	}
	d.zeros = d.ie == d.is && d.ft == d.fs
	if d.zeros {
		d.neg = false
	}
	return d, true
}

func parseSpecial[T text](s T, neg bool) (decimal, bool) {
	switch strings.ToLower(string(s)) {
	case "nan":
		return decimal{special: decNaN}, true
	case "infinity", "inf":
		if neg {
			return decimal{special: decNegInf}, true
		}
		return decimal{special: decPosInf}, true
	}
	return decimal{}, false
}

// rank orders the classes -Inf < finite < +Inf < NaN.
func (d decimal) rank() int {
	switch d.special {
	case decNegInf:
		return 0
	case decFinite:
		return 1
	case decPosInf:
		return 2
	}
	return 3
}

// compareDecimal compares two parsed decimal texts numerically.
func compareDecimal[A, B text](a A, da decimal, b B, db decimal) int {
	if ra, rb := da.rank(), db.rank(); ra != rb || ra != 1 {
		return sign(ra - rb)
	}
	if da.neg != db.neg {
		if da.neg {
			return -1
		}
		return 1
	}
	c := compareMagnitude(a, da, b, db)
	if da.neg {
		return -c
	}
	return c
}

func compareMagnitude[A, B text](a A, da decimal, b B, db decimal) int {
	if la, lb := da.ie-da.is, db.ie-db.is; la != lb {
		return sign(la - lb)
	}
	if c := compareRaw(a[da.is:da.ie], b[db.is:db.ie]); c != 0 {
		return c
	}
	return compareRaw(a[da.fs:da.ft], b[db.fs:db.ft])
}

// appendCanonical appends the canonical text of a finite or special decimal:
// [-]digits[.digits] without redundant zeros, NaN, Inf or -Inf. Equal
// numbers have equal canonical texts.
func appendCanonical[T text](buf []byte, s T, d decimal) []byte {
	switch d.special {
	case decNaN:
		return append(buf, "NaN"...)
	case decPosInf:
		return append(buf, "Inf"...)
	case decNegInf:
		return append(buf, "-Inf"...)
	}
	if d.neg {
		buf = append(buf, '-')
	}
	if d.ie == d.is {
		buf = append(buf, '0')
	}
	buf = append(buf, s[d.is:d.ie]...)
	if d.ft > d.fs {
		buf = append(buf, '.')
		buf = append(buf, s[d.fs:d.ft]...)
	}
	return buf
}

// setBig stores the value of a finite decimal as unscaled*10^-scale into z,
// keeping every written fraction digit (the scale of "1.50" is 2).
func setBig[T text](z *big.Int, s T, d decimal) (scale int) {
	scale = d.fe - d.fs
	if n := (d.ie - d.is) + scale; n <= 18 {
		var u int64
		for _, part := range [2]T{s[d.is:d.ie], s[d.fs:d.fe]} {
			for i := 0; i < len(part); i++ {
				u = u*10 + int64(part[i]-'0')
			}
		}
		z.SetInt64(u)
	} else {
		digits := make([]byte, 0, n)
		digits = append(digits, s[d.is:d.ie]...)
		digits = append(digits, s[d.fs:d.fe]...)
		z.SetString(string(digits), 10)
	}
	if d.neg {
		z.Neg(z)
	}
	return scale
}

// formatBig renders unscaled*10^-scale with exactly scale fraction digits.
func formatBig(unscaled *big.Int, scale int) string {
	digits := unscaled.String()
	neg := strings.HasPrefix(digits, "-")
	digits = strings.TrimPrefix(digits, "-")
	if scale > 0 {
		if len(digits) <= scale {
			digits = strings.Repeat("0", scale-len(digits)+1) + digits
		}
		digits = digits[:len(digits)-scale] + "." + digits[len(digits)-scale:]
	}
	if neg {
		return "-" + digits
	}
	return digits
}

var bigTen = big.NewInt(10)

// pow10 returns 10^n.
func pow10(n int) *big.Int {
	return new(big.Int).Exp(bigTen, big.NewInt(int64(n)), nil)
}

// rescale multiplies z by 10^n (n >= 0).
func rescale(z *big.Int, n int) {
	if n > 0 {
		z.Mul(z, pow10(n))
	}
}

// divRound returns (num*10^-numScale) / den rounded half away from zero to
// scale fraction digits, as an unscaled integer. den must not be zero.
func divRound(num *big.Int, numScale int, den *big.Int, scale int) *big.Int {
	n := new(big.Int).Set(num)
	d := new(big.Int).Set(den)
	if scale >= numScale {
		rescale(n, scale-numScale)
	} else {
		rescale(d, numScale-scale)
	}
	neg := (n.Sign() < 0) != (d.Sign() < 0)
	n.Abs(n)
	d.Abs(d)
	q, r := new(big.Int).QuoRem(n, d, new(big.Int))
	if r.Lsh(r, 1).Cmp(d) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if neg {
		q.Neg(q)
	}
	return q
}

// postgresDivScale is PostgreSQL's select_div_scale for numeric division of
// num*10^-numScale by den (an integer): enough fraction digits for at least
// 16 significant digits, and no fewer than the dividend's scale.
func postgresDivScale(num *big.Int, numScale int, den *big.Int) int {
	w1, f1 := nbaseLead(num, numScale)
	w2, f2 := nbaseLead(den, 0)
	qweight := w1 - w2
	if f1 <= f2 {
		qweight--
	}
	return min(max(16-qweight*4, numScale, 0), 1000)
}

// nbaseLead returns the weight and value of the leading base-10000 digit of
// unscaled*10^-scale, as PostgreSQL stores numerics (0, 0 for zero).
func nbaseLead(unscaled *big.Int, scale int) (weight, first int) {
	if unscaled.Sign() == 0 {
		return 0, 0
	}
	digits := strings.TrimPrefix(unscaled.String(), "-")
	e10 := len(digits) - 1 - scale // decimal exponent of the leading digit
	weight = e10 / 4
	if e10 < 0 && e10%4 != 0 {
		weight-- // floor division
	}
	lead := e10 - 4*weight + 1 // 1..4 digits in the leading group
	for i := 0; i < lead; i++ {
		first *= 10
		if i < len(digits) {
			first += int(digits[i] - '0')
		}
	}
	return weight, first
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}
