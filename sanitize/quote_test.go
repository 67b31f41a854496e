package sanitize

import (
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
)

const (
	pg = dialect.Postgres
	my = dialect.MySQL
	sq = dialect.SQLite
)

type userID int64

type status string

type blob []byte

type color int

func (c color) String() string { return [...]string{"red", "green"}[c] }

type point struct{ X, Y int }

func (p point) String() string { return "point" }

// money is a Valuer with a value receiver; cents is one with a pointer receiver.
type money struct{ cents int64 }

func (m money) Value() (driver.Value, error) { return m.cents, nil }

type cents struct{ n int64 }

func (c *cents) Value() (driver.Value, error) {
	if c == nil {
		return "nil receiver", nil
	}
	return c.n, nil
}

type badValuer struct{}

func (badValuer) Value() (driver.Value, error) { return 3, nil } // int is not a driver.Value

type failValuer struct{}

func (failValuer) Value() (driver.Value, error) { return nil, errors.New("boom") }

func ptr[T any](v T) *T { return &v }

type quoteCase struct {
	name string
	v    any
	want [3]string // PostgreSQL, MySQL, SQLite; "!" + sentinel name for an error
}

var (
	zone     = time.FixedZone("", -7*3600)
	oddZone  = time.FixedZone("LMT", 561) // +00:09:21, Paris before 1911
	stamp    = time.Date(2024, 3, 9, 14, 5, 6, 123456789, zone)
	negZero  = math.Copysign(0, -1)
	sentinel = map[string]error{
		"ErrUnsupportedType": ErrUnsupportedType, "ErrUnsupportedValue": ErrUnsupportedValue,
		"ErrNULInText": ErrNULInText, "ErrInvalidUTF8": ErrInvalidUTF8, "ErrInvalidJSON": ErrInvalidJSON,
		"ErrUnsafeCharset": ErrUnsafeCharset, "ErrUnknownDialect": ErrUnknownDialect, "ErrInvalidEncoding": ErrInvalidEncoding,
		"ErrInvalidIdent": ErrInvalidIdent, "ErrArgCount": ErrArgCount, "ErrMissingName": ErrMissingName,
		"ErrEmpty": ErrEmpty, "ErrAmbiguousLiteral": ErrAmbiguousLiteral,
	}
)

var quoteCases = []quoteCase{
	{"nil", nil, [3]string{"NULL", "NULL", "NULL"}},
	{"true", true, [3]string{"TRUE", "TRUE", "1"}},
	{"false", false, [3]string{"FALSE", "FALSE", "0"}},
	{"int", -42, [3]string{"-42", "-42", "-42"}},
	{"int8", int8(math.MinInt8), [3]string{"-128", "-128", "-128"}},
	{"int16", int16(math.MaxInt16), [3]string{"32767", "32767", "32767"}},
	{"int32", int32(math.MinInt32), [3]string{"-2147483648", "-2147483648", "-2147483648"}},
	{"int64 min", int64(math.MinInt64), [3]string{"-9223372036854775808", "-9223372036854775808", "-9223372036854775808"}},
	{"uint", uint(7), [3]string{"7", "7", "7"}},
	{"uint8", uint8(255), [3]string{"255", "255", "255"}},
	{"uint16", uint16(65535), [3]string{"65535", "65535", "65535"}},
	{"uint32", uint32(math.MaxUint32), [3]string{"4294967295", "4294967295", "4294967295"}},
	{"uint64 max int64", uint64(math.MaxInt64), [3]string{"9223372036854775807", "9223372036854775807", "9223372036854775807"}},
	{"uint64 above int64", uint64(math.MaxUint64), [3]string{"18446744073709551615", "18446744073709551615", "!ErrUnsupportedValue"}},
	{"uint above int64", uint(math.MaxUint64), [3]string{"18446744073709551615", "18446744073709551615", "!ErrUnsupportedValue"}},
	{"float64", 0.1, [3]string{"0.1", "1e-01", "0.1"}},
	{"float64 integral", 2.0, [3]string{"2.0", "2e+00", "2.0"}},
	{"float64 large", 1e300, [3]string{"1e+300", "1e+300", "1e+300"}},
	{"float64 negative", -1.5, [3]string{"-1.5", "-1.5e+00", "-1.5"}},
	{"float64 1e21", 1e21, [3]string{"1e+21", "1e+21", "1e+21"}},
	{"float64 123456", 123456.0, [3]string{"123456.0", "1.23456e+05", "123456.0"}},
	{"float64 subnormal", 5e-324, [3]string{"5e-324", "5e-324", "5e-324"}},
	{"float64 -0", negZero, [3]string{"'-0'::float8", "-0e+00", "-0.0"}},
	{"float64 NaN", math.NaN(), [3]string{"'NaN'::float8", "!ErrUnsupportedValue", "!ErrUnsupportedValue"}},
	{"float64 +Inf", math.Inf(1), [3]string{"'Infinity'::float8", "!ErrUnsupportedValue", "9e999"}},
	{"float64 -Inf", math.Inf(-1), [3]string{"'-Infinity'::float8", "!ErrUnsupportedValue", "-9e999"}},
	{"float32", float32(0.1), [3]string{"0.1", "1e-01", "0.1"}},
	{"float32 NaN", float32(math.NaN()), [3]string{"'NaN'::float4", "!ErrUnsupportedValue", "!ErrUnsupportedValue"}},
	{"float32 -0", float32(negZero), [3]string{"'-0'::float4", "-0e+00", "-0.0"}},
	{"string", "O'Brien", [3]string{"'O''Brien'", "'O''Brien'", "'O''Brien'"}},
	{"string empty", "", [3]string{"''", "''", "''"}},
	{"string backslash", `C:\dir\`, [3]string{`E'C:\\dir\\'`, `'C:\\dir\\'`, `'C:\dir\'`}},
	{"string backslash quote", `\'`, [3]string{`E'\\'''`, `'\\'''`, `'\'''`}},
	{"string NUL", "a\x00b", [3]string{"!ErrNULInText", `'a\0b'`, "CAST(X'610062' AS TEXT)"}},
	{"string UTF-8", "Grüße 日本 😀", [3]string{"'Grüße 日本 😀'", "'Grüße 日本 😀'", "'Grüße 日本 😀'"}},
	{"string invalid UTF-8", "a\xffb", [3]string{"!ErrInvalidUTF8", "!ErrInvalidUTF8", "'a\xffb'"}},
	{"string comment markers", "-- /* */ # $$ ; ?", [3]string{"'-- /* */ # $$ ; ?'", "'-- /* */ # $$ ; ?'", "'-- /* */ # $$ ; ?'"}},
	{"string double quote", `say "hi"`, [3]string{`'say "hi"'`, `'say "hi"'`, `'say "hi"'`}},
	{"bytes", []byte{0, 1, 0xab, '\''}, [3]string{`E'\\x0001ab27'::bytea`, "X'0001ab27'", "X'0001ab27'"}},
	{"bytes empty", []byte{}, [3]string{`E'\\x'::bytea`, "X''", "X''"}},
	{"bytes nil", []byte(nil), [3]string{"NULL", "NULL", "NULL"}},
	{"time", stamp, [3]string{
		"'2024-03-09 14:05:06.123456-07:00'::timestamptz",
		"TIMESTAMP'2024-03-09 21:05:06.123456'",
		"'2024-03-09 21:05:06.123456789+00:00'"}},
	{"time whole second UTC", time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), [3]string{
		"'2024-01-02 03:04:05+00:00'::timestamptz",
		"TIMESTAMP'2024-01-02 03:04:05'",
		"'2024-01-02 03:04:05+00:00'"}},
	{"time nanoseconds truncated", time.Date(2024, 12, 31, 23, 59, 59, 999999999, time.UTC), [3]string{
		"'2024-12-31 23:59:59.999999+00:00'::timestamptz",
		"TIMESTAMP'2024-12-31 23:59:59.999999'",
		"'2024-12-31 23:59:59.999999999+00:00'"}},
	{"time offset with seconds", time.Date(1900, 1, 1, 0, 0, 0, 0, oddZone), [3]string{
		"'1900-01-01 00:00:00+00:09:21'::timestamptz",
		"TIMESTAMP'1899-12-31 23:50:39'",
		"'1899-12-31 23:50:39+00:00'"}},
	{"time zero", time.Time{}, [3]string{
		"'0001-01-01 00:00:00+00:00'::timestamptz", "TIMESTAMP'0001-01-01 00:00:00'", "'0001-01-01 00:00:00+00:00'"}},
	{"time year 10000", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), [3]string{
		"!ErrUnsupportedValue", "!ErrUnsupportedValue", "!ErrUnsupportedValue"}},
	{"json", json.RawMessage(`{"a": "it's \"x\" \\"}`), [3]string{
		`E'{"a": "it''s \\"x\\" \\\\"}'`, `'{"a": "it''s \\"x\\" \\\\"}'`, `'{"a": "it''s \"x\" \\"}'`}},
	{"json invalid", json.RawMessage(`{`), [3]string{"!ErrInvalidJSON", "!ErrInvalidJSON", "!ErrInvalidJSON"}},
	{"json nil", json.RawMessage(nil), [3]string{"NULL", "NULL", "NULL"}},
	{"valuer", money{250}, [3]string{"250", "250", "250"}},
	{"valuer sql.NullString null", sql.NullString{}, [3]string{"NULL", "NULL", "NULL"}},
	{"valuer sql.NullString", sql.NullString{String: "x'y", Valid: true}, [3]string{"'x''y'", "'x''y'", "'x''y'"}},
	{"valuer sql.NullTime", sql.NullTime{Time: time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC), Valid: true}, [3]string{
		"'2024-01-02 00:00:00+00:00'::timestamptz", "TIMESTAMP'2024-01-02 00:00:00'", "'2024-01-02 00:00:00+00:00'"}},
	{"valuer nil pointer, value receiver", (*money)(nil), [3]string{"NULL", "NULL", "NULL"}},
	{"valuer nil pointer, pointer receiver", (*cents)(nil), [3]string{"'nil receiver'", "'nil receiver'", "'nil receiver'"}},
	{"valuer pointer", &cents{9}, [3]string{"9", "9", "9"}},
	{"valuer returning int", badValuer{}, [3]string{"!ErrUnsupportedType", "!ErrUnsupportedType", "!ErrUnsupportedType"}},
	{"pointer", ptr("it's"), [3]string{"'it''s'", "'it''s'", "'it''s'"}},
	{"pointer to pointer", ptr(ptr(3)), [3]string{"3", "3", "3"}},
	{"nil pointer", (*int)(nil), [3]string{"NULL", "NULL", "NULL"}},
	{"named int", userID(12), [3]string{"12", "12", "12"}},
	{"named string", status("a'b"), [3]string{"'a''b'", "'a''b'", "'a''b'"}},
	{"named bytes", blob{1}, [3]string{`E'\\x01'::bytea`, "X'01'", "X'01'"}},
	{"named int with String", color(1), [3]string{"1", "1", "1"}},
	{"stringer without opt-in", point{}, [3]string{"!ErrUnsupportedType", "!ErrUnsupportedType", "!ErrUnsupportedType"}},
	{"struct", struct{ A int }{}, [3]string{"!ErrUnsupportedType", "!ErrUnsupportedType", "!ErrUnsupportedType"}},
	{"slice", []int{1, 2}, [3]string{"!ErrUnsupportedType", "!ErrUnsupportedType", "!ErrUnsupportedType"}},
	{"map", map[string]int{}, [3]string{"!ErrUnsupportedType", "!ErrUnsupportedType", "!ErrUnsupportedType"}},
	{"chan", make(chan int), [3]string{"!ErrUnsupportedType", "!ErrUnsupportedType", "!ErrUnsupportedType"}},
	{"func", func() {}, [3]string{"!ErrUnsupportedType", "!ErrUnsupportedType", "!ErrUnsupportedType"}},
	{"complex", complex(1, 2), [3]string{"!ErrUnsupportedType", "!ErrUnsupportedType", "!ErrUnsupportedType"}},
	{"uintptr", uintptr(1), [3]string{"!ErrUnsupportedType", "!ErrUnsupportedType", "!ErrUnsupportedType"}},
}

func checkQuote(t *testing.T, got string, err error, want string) {
	t.Helper()
	if name, ok := strings.CutPrefix(want, "!"); ok {
		require.Error(t, err)
		require.ErrorIs(t, err, sentinel[name])
		assert.True(t, strings.HasPrefix(err.Error(), "sanitize: "), err.Error())
		assert.Empty(t, got)
		return
	}
	require.NoError(t, err)
	assert.Equal(t, want, got)
}

func TestQuote(t *testing.T) {
	for _, tc := range quoteCases {
		for i, d := range []dialect.Dialect{pg, my, sq} {
			t.Run(tc.name+"/"+d.String(), func(t *testing.T) {
				got, err := Quote(d, tc.v)
				checkQuote(t, got, err, tc.want[i])
				// AppendQuote writes the same after existing bytes.
				b, err := AppendQuote(d, []byte("x="), tc.v)
				if err == nil {
					assert.Equal(t, "x="+got, string(b))
				} else {
					assert.Equal(t, "x=", string(b))
				}
				if s, ok := tc.v.(string); ok {
					got, err := QuoteString(d, s)
					checkQuote(t, got, err, tc.want[i])
				}
			})
		}
	}
}

func TestQuoteErrorsNameTheType(t *testing.T) {
	_, err := Quote(pg, make(chan int))
	require.EqualError(t, err, "sanitize: unsupported type: chan int")
	_, err = Quote(pg, failValuer{})
	require.EqualError(t, err, "sanitize: sanitize.failValuer.Value: boom")
	_, err = Quote(dialect.Unknown, 1)
	require.ErrorIs(t, err, ErrUnknownDialect)
	_, err = QuoteString(dialect.Dialect(9), "x")
	require.ErrorIs(t, err, ErrUnknownDialect)
}

func TestQuoteStringer(t *testing.T) {
	q := Quoter{Dialect: pg, AllowStringer: true}
	got, err := q.Quote(point{})
	require.NoError(t, err)
	assert.Equal(t, "'point'", got)
	// A supported kind stays what it is, as in database/sql.
	got, err = q.Quote(color(0))
	require.NoError(t, err)
	assert.Equal(t, "0", got)
	// With AllowStringer a Stringer struct is a value, not a set of names.
	got, err = q.Array("x = ?", point{})
	require.NoError(t, err)
	assert.Equal(t, "x = 'point'", got)
}

func TestQuoteDeepPointers(t *testing.T) {
	type p *p
	var v p
	v = &v // a pointer to itself
	_, err := Quote(pg, v)
	require.ErrorIs(t, err, ErrUnsupportedType)
}

func TestQuoteLocation(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*3600)
	for _, tc := range []struct {
		d    dialect.Dialect
		want string
	}{
		{pg, "'2024-03-09 14:05:06.123456-07:00'::timestamptz"},
		{my, "TIMESTAMP'2024-03-10 06:05:06.123456'"},
		{sq, "'2024-03-10 06:05:06.123456789+09:00'"},
	} {
		got, err := Quoter{Dialect: tc.d, Location: tokyo}.Quote(stamp)
		require.NoError(t, err)
		assert.Equal(t, tc.want, got)
	}
}
