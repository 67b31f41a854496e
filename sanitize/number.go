package sanitize

import (
	"math"
	"strconv"

	"github.com/grantsql/grant/dialect"
)

// appendFloat appends the literal of f, which has the precision of bits (32
// or 64). Finite values are written with the fewest digits that read back as
// the same value, always with a '.' or an exponent so that no server reads
// them as an integer (1.0/2 must not be 0):
//
//   - PostgreSQL: 1.5, 1e+300 (numeric constants, exact, converted to the
//     column type); -0, NaN and ±Inf as '-0'::float8, 'NaN'::float8,
//     'Infinity'::float8, '-Infinity'::float8 (float4 for a float32).
//   - MySQL: always in exponent form (1.5e+00), which MySQL reads as DOUBLE,
//     where 1.5 would be DECIMAL. NaN and ±Inf are errors: MySQL has no such
//     values. MySQL reads -0e+00 as 0.
//   - SQLite: 1.5, 1e+300 (REAL); ±Inf as 9e999 and -9e999 (which SQLite
//     reads as ±Inf); NaN is an error (SQLite stores it as NULL).
func (q Quoter) appendFloat(dst []byte, f float64, bits int) ([]byte, error) {
	switch q.Dialect {
	case dialect.Postgres:
		if math.IsNaN(f) || math.IsInf(f, 0) || (f == 0 && math.Signbit(f)) {
			dst = append(dst, '\'')
			switch {
			case math.IsNaN(f):
				dst = append(dst, "NaN"...)
			case math.IsInf(f, 1):
				dst = append(dst, "Infinity"...)
			case math.IsInf(f, -1):
				dst = append(dst, "-Infinity"...)
			default:
				dst = append(dst, "-0"...)
			}
			if bits == 32 {
				return append(dst, "'::float4"...), nil
			}
			return append(dst, "'::float8"...), nil
		}
		return appendDecimal(dst, f, bits), nil
	case dialect.MySQL:
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return dst, errorf(ErrUnsupportedValue, "MySQL has no NaN or infinity: "+
				strconv.FormatFloat(f, 'g', -1, bits))
		}
		return strconv.AppendFloat(dst, f, 'e', -1, bits), nil
	case dialect.SQLite:
		switch {
		case math.IsNaN(f):
			return dst, errorf(ErrUnsupportedValue, "SQLite has no NaN (it would store NULL)")
		case math.IsInf(f, 1):
			return append(dst, "9e999"...), nil
		case math.IsInf(f, -1):
			return append(dst, "-9e999"...), nil
		}
		return appendDecimal(dst, f, bits), nil
	}
	return dst, q.checkDialect()
}

// appendDecimal writes the shortest form of finite f, adding ".0" when it
// would otherwise read as an integer.
func appendDecimal(dst []byte, f float64, bits int) []byte {
	start := len(dst)
	dst = strconv.AppendFloat(dst, f, 'g', -1, bits)
	for _, c := range dst[start:] {
		if c == '.' || c == 'e' {
			return dst
		}
	}
	return append(dst, '.', '0')
}
