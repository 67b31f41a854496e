package merge

import (
	"context"
	"database/sql/driver"
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
)

func col(c int) *Expr                 { return &Expr{Op: OpColumn, Column: c} }
func val(v any) *Expr                 { return &Expr{Op: OpValue, Value: v} }
func dec(s string) *Expr              { return &Expr{Op: OpValue, Value: s, Decimal: true} }
func op(o Op, args ...*Expr) *Expr    { return &Expr{Op: o, Args: args} }
func intBits(n int64, bits int) *Expr { return &Expr{Op: OpValue, Value: n, Bits: bits} }
func evalOn(d dialect.Dialect, types ...string) *exprEval {
	rules := make([]rule, len(types))
	for i, t := range types {
		rules[i] = rule{typ: t, numText: t == "NUMERIC" || t == "DECIMAL"}
	}
	return &exprEval{d: d, rules: rules}
}

// TestExprArithmetic: each dialect's arithmetic, its Go result types and
// NULL propagation.
func TestExprArithmetic(t *testing.T) {
	pg, my, lite := dialect.Postgres, dialect.MySQL, dialect.SQLite
	tests := []struct {
		name  string
		d     dialect.Dialect
		types []string
		row   []driver.Value
		e     *Expr
		want  driver.Value
	}{
		{"int minus", pg, []string{"INT8", "INT8"}, row(int64(9), int64(2)), op(OpSub, col(0), col(1)), int64(7)},
		{"int divide truncates on PostgreSQL", pg, []string{"INT8", "INT8"}, row(int64(-7), int64(2)), op(OpDiv, col(0), col(1)), int64(-3)},
		{"int divide truncates on SQLite", lite, []string{"", ""}, row(int64(7), int64(2)), op(OpDiv, col(0), col(1)), int64(3)},
		{"int divide gives a decimal on MySQL", my, []string{"BIGINT", "BIGINT"}, row(int64(7), int64(2)), op(OpDiv, col(0), col(1)), []byte("3.5000")},
		{"MySQL rounds the quotient half up", my, []string{"BIGINT", "BIGINT"}, row(int64(2), int64(3)), op(OpDiv, col(0), col(1)), []byte("0.6667")},
		{"MySQL DIV of decimals", my, []string{"DECIMAL", "BIGINT"}, row([]byte("-7.5"), int64(2)), op(OpIntDiv, col(0), col(1)), int64(-3)},
		{"MySQL DIV", my, []string{"BIGINT", "BIGINT"}, row(int64(-7), int64(2)), op(OpIntDiv, col(0), col(1)), int64(-3)},
		{"MySQL decimal divide: scale + 4", my, []string{"DECIMAL", "BIGINT"}, row([]byte("10.50"), int64(4)), op(OpDiv, col(0), col(1)), []byte("2.625000")},
		{"PostgreSQL numeric divide", pg, []string{"NUMERIC", "INT8"}, row("10.50", int64(3)), op(OpDiv, col(0), col(1)), "3.5000000000000000"},
		{"PostgreSQL numeric by numeric", pg, []string{"NUMERIC", "NUMERIC"}, row("1", "3.0"), op(OpDiv, col(0), col(1)), "0.33333333333333333333"},
		{"decimal keeps the larger scale", pg, []string{"NUMERIC", "INT8"}, row("1.50", int64(2)), op(OpAdd, col(0), col(1)), "3.50"},
		{"decimal product adds scales", my, []string{"DECIMAL", "DECIMAL"}, row([]byte("1.5"), []byte("2.25")), op(OpMul, col(0), col(1)), []byte("3.375")},
		{"decimal literal", pg, []string{"INT8"}, row(int64(2)), op(OpMul, col(0), dec("0.5")), "1.0"},
		{"decimal modulo", pg, []string{"NUMERIC", "INT4"}, row("-7.50", int64(2)), op(OpMod, col(0), col(1)), "-1.50"},
		{"int modulo takes the dividend's sign", lite, []string{"", ""}, row(int64(-7), int64(3)), op(OpMod, col(0), col(1)), int64(-1)},
		{"float wins", pg, []string{"FLOAT8", "INT8"}, row(1.5, int64(2)), op(OpAdd, col(0), col(1)), 3.5},
		{"float divide", my, []string{"DOUBLE", "BIGINT"}, row(1.0, int64(4)), op(OpDiv, col(0), col(1)), 0.25},
		{"unary minus", pg, []string{"NUMERIC"}, row("2.50"), op(OpNeg, col(0)), "-2.50"},
		{"NULL operand", pg, []string{"INT8", "INT8"}, row(nil, int64(2)), op(OpAdd, col(0), col(1)), nil},
		{"NULL constant", my, []string{"BIGINT"}, row(int64(2)), op(OpMul, col(0), val(nil)), nil},
		{"division by zero is NULL on MySQL", my, []string{"BIGINT", "BIGINT"}, row(int64(1), int64(0)), op(OpDiv, col(0), col(1)), nil},
		{"division by zero is NULL on SQLite", lite, []string{"", ""}, row(int64(1), int64(0)), op(OpDiv, col(0), col(1)), nil},
		{"modulo by zero is NULL on SQLite", lite, []string{"", ""}, row(int64(1), int64(0)), op(OpMod, col(0), col(1)), nil},
		{"overflow becomes a float on SQLite", lite, []string{"", ""}, row(int64(math.MaxInt64), int64(1)), op(OpAdd, col(0), col(1)), float64(math.MaxInt64) + 1},
		{"comparison gives a boolean on PostgreSQL", pg, []string{"INT8"}, row(int64(3)), op(OpGt, col(0), val(int64(2))), true},
		{"comparison gives 1 or 0 on MySQL", my, []string{"BIGINT"}, row(int64(3)), op(OpLt, col(0), val(int64(2))), int64(0)},
		{"decimal compares with an int exactly", pg, []string{"NUMERIC"}, row("2.000"), op(OpEq, col(0), val(int64(2))), true},
		{"comparison with NULL is NULL", lite, []string{""}, row(nil), op(OpEq, col(0), val(int64(2))), nil},
		{"IS NULL", lite, []string{""}, row(nil), op(OpIsNull, col(0)), int64(1)},
		{"IS NOT NULL", pg, []string{"INT8"}, row(nil), op(OpIsNotNull, col(0)), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := evalOn(tt.d, tt.types...)
			v, err := ev.eval(tt.e, tt.row)
			require.NoError(t, err)
			assert.Equal(t, tt.want, ev.out(v))
		})
	}
}

// TestExprErrors: what fails on the server fails here, naming the
// expression.
func TestExprErrors(t *testing.T) {
	pg, my := dialect.Postgres, dialect.MySQL
	tests := []struct {
		name  string
		d     dialect.Dialect
		types []string
		row   []driver.Value
		e     *Expr
		want  string
	}{
		{"division by zero on PostgreSQL", pg, []string{"INT8", "INT8"}, row(int64(1), int64(0)), op(OpDiv, col(0), col(1)), "division by zero"},
		{"numeric division by zero on PostgreSQL", pg, []string{"NUMERIC", "INT8"}, row("1.5", int64(0)), op(OpDiv, col(0), col(1)), "division by zero"},
		{"modulo by zero on PostgreSQL", pg, []string{"INT8", "INT8"}, row(int64(1), int64(0)), op(OpMod, col(0), col(1)), "division by zero"},
		{"int4 overflow", pg, []string{"INT4"}, row(int64(math.MaxInt32)), op(OpAdd, col(0), intBits(1, 32)), "integer out of range"},
		{"int2 overflow", pg, []string{"INT2"}, row(int64(math.MaxInt16)), op(OpMul, col(0), intBits(2, 0)), "smallint out of range"},
		{"bigint overflow", pg, []string{"INT8"}, row(int64(math.MaxInt64)), op(OpMul, col(0), intBits(2, 32)), "bigint out of range"},
		{"MySQL overflow", my, []string{"BIGINT"}, row(int64(math.MinInt64)), op(OpNeg, col(0)), "BIGINT value is out of range"},
		{"text is not a number", pg, []string{"TEXT"}, row("abc"), op(OpAdd, col(0), val(int64(1))), "does not compute"},
		{"NaN", pg, []string{"NUMERIC"}, row("NaN"), op(OpAdd, col(0), val(int64(1))), "not a finite decimal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The error names the node that fails: the operation, or the
			// column whose value is not a number.
			tt.e.Text = "the expression"
			tt.e.Args[0].Text = "the column"
			_, err := evalOn(tt.d, tt.types...).eval(tt.e, tt.row)
			require.Error(t, err)
			assert.True(t, errors.Is(err, ErrExpression))
			assert.Contains(t, err.Error(), tt.want)
			assert.Regexp(t, "the (expression|column)", err.Error())
		})
	}
}

// TestExprLogic: AND, OR and NOT with three-valued logic.
func TestExprLogic(t *testing.T) {
	ev := evalOn(dialect.Postgres, "BOOL", "BOOL")
	tv := map[string]driver.Value{"t": true, "f": false, "n": nil}
	for _, c := range []struct{ a, b, and, or string }{
		{"t", "t", "t", "t"}, {"t", "f", "f", "t"}, {"t", "n", "n", "t"},
		{"f", "n", "f", "n"}, {"n", "n", "n", "n"}, {"f", "f", "f", "f"},
	} {
		r := row(tv[c.a], tv[c.b])
		v, err := ev.eval(op(OpAnd, col(0), col(1)), r)
		require.NoError(t, err)
		assert.Equal(t, tv[c.and], ev.out(v), "%s AND %s", c.a, c.b)
		v, err = ev.eval(op(OpOr, col(0), col(1)), r)
		require.NoError(t, err)
		assert.Equal(t, tv[c.or], ev.out(v), "%s OR %s", c.a, c.b)
	}
	v, err := ev.eval(op(OpNot, col(0)), row(nil, nil))
	require.NoError(t, err)
	assert.Nil(t, ev.out(v))
}

// TestHavingMerge: HAVING drops merged groups before ORDER BY and LIMIT,
// and computed columns are filled only for the groups kept.
func TestHavingMerge(t *testing.T) {
	cols := []string{"g", "c", "spread", "mx", "mn"}
	types := []string{"TEXT", "INT8", "TEXT", "INT8", "INT8"}
	limit := int64(2)
	spec := Spec{Dialect: dialect.Postgres, Visible: 3, GroupBy: []int{0},
		OrderBy:    []SortKey{{Column: 2, Desc: true}},
		Aggregates: []Aggregate{{Func: Count, Column: 1}, {Func: Max, Column: 3}, {Func: Min, Column: 4}},
		Having:     op(OpGt, col(1), val(int64(1))),
		Computed:   []Computed{{Column: 2, Expr: op(OpDiv, op(OpSub, col(3), col(4)), op(OpSub, col(1), val(int64(1))))}},
		Limit:      &limit}
	require.NoError(t, spec.Validate())
	got := merged(t, spec, shardsOf(cols, types,
		rowsOf(row("a", int64(1), nil, int64(10), int64(1)), row("b", int64(1), nil, int64(5), int64(5)), row("c", int64(2), nil, int64(9), int64(0))),
		rowsOf(row("a", int64(2), nil, int64(40), int64(3)), row("d", int64(1), nil, int64(1), int64(1)), row("c", int64(1), nil, int64(3), int64(3)))))
	// b and d have one row: HAVING drops them before their division by zero.
	assert.Equal(t, [][]driver.Value{row("a", int64(3), int64(19)), row("c", int64(3), int64(4))}, got)
}

// TestHavingScalar: HAVING without GROUP BY keeps the one row or none.
func TestHavingScalar(t *testing.T) {
	spec := Spec{Dialect: dialect.SQLite, Aggregates: []Aggregate{{Func: Count, Column: 0}}}
	srcs := func() []Source {
		return shardsOf([]string{"c"}, []string{"INTEGER"}, rowsOf(row(int64(2))), rowsOf(row(int64(3))))
	}
	spec.Having = op(OpGe, col(0), val(int64(5)))
	assert.Equal(t, [][]driver.Value{row(int64(5))}, merged(t, spec, srcs()))
	spec.Having = op(OpGt, col(0), val(int64(5)))
	assert.Empty(t, merged(t, spec, srcs()))
}

// TestHavingError: an expression's error ends the merge with it.
func TestHavingError(t *testing.T) {
	spec := Spec{Dialect: dialect.Postgres, Aggregates: []Aggregate{{Func: Count, Column: 0}},
		Computed: []Computed{{Column: 1, Expr: &Expr{Op: OpDiv, Args: []*Expr{val(int64(1)), op(OpSub, col(0), col(0))}, Text: "1 / (count(*) - count(*))"}}}}
	r, err := Open(context.Background(), spec, shardsOf([]string{"c", "x"}, []string{"INT8", "TEXT"}, rowsOf(row(int64(2), nil))))
	require.NoError(t, err)
	defer r.Close()
	_, err = readAll(t, r)
	require.ErrorIs(t, err, ErrExpression)
	assert.Contains(t, err.Error(), "1 / (count(*) - count(*)): division by zero")
}

// TestExprValidate: malformed expressions are refused by Validate.
func TestExprValidate(t *testing.T) {
	base := Spec{Dialect: dialect.MySQL, Aggregates: []Aggregate{{Func: Count, Column: 0}}}
	for name, s := range map[string]Spec{
		"unknown op":         {Having: &Expr{Op: "^", Args: []*Expr{col(0), col(0)}}},
		"arity":              {Having: op(OpAdd, col(0))},
		"text constant":      {Having: op(OpEq, col(0), val("x"))},
		"computed grouped":   {Computed: []Computed{{Column: 0, Expr: col(0)}}},
		"negative column":    {Having: op(OpIsNull, col(-1))},
		"no grouping at all": {},
	} {
		t.Run(name, func(t *testing.T) {
			spec := base
			spec.Having, spec.Computed = s.Having, s.Computed
			if name == "no grouping at all" {
				spec.Aggregates, spec.Having = nil, op(OpIsNull, col(0))
			}
			assert.Error(t, spec.Validate())
		})
	}
}
