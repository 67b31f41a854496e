package merge

import (
	"errors"
	"fmt"
	"strings"
)

// ErrExpression matches (with errors.Is) the error returned when an
// expression evaluated after the merge (Spec.Having, Spec.Computed) fails
// as the server would fail it: division by zero or integer overflow on
// PostgreSQL, overflow on MySQL, or a value the evaluator does not compute
// exactly as the server does (text, NaN).
var ErrExpression = errors.New("merge: expression")

// Op is the operation of an Expr node.
type Op string

// The operations of an Expr. Arithmetic and comparisons take two
// arguments, Neg, Not, IsNull and IsNotNull one, And and Or two or more.
const (
	// OpColumn reads Expr.Column of the merged row.
	OpColumn Op = "column"
	// OpValue is the constant Expr.Value: nil, int64, float64, or a
	// decimal literal as text (Expr.Decimal set).
	OpValue Op = "value"
	OpAdd   Op = "+"
	OpSub   Op = "-"
	OpMul   Op = "*"
	// OpDiv divides as the dialect's / does: integers truncate on
	// PostgreSQL and SQLite and give a decimal on MySQL; by zero it is NULL
	// on MySQL and SQLite and an error on PostgreSQL.
	OpDiv Op = "/"
	// OpIntDiv is MySQL's DIV: integer division, NULL by zero.
	OpIntDiv    Op = "div"
	OpMod       Op = "%"
	OpNeg       Op = "neg"
	OpEq        Op = "="
	OpNe        Op = "<>"
	OpLt        Op = "<"
	OpLe        Op = "<="
	OpGt        Op = ">"
	OpGe        Op = ">="
	OpAnd       Op = "and"
	OpOr        Op = "or"
	OpNot       Op = "not"
	OpIsNull    Op = "is null"
	OpIsNotNull Op = "is not null"
)

// Expr is an expression over the merged columns of one group, evaluated
// once per group after the merge with SQL NULL semantics and the
// arithmetic of Spec.Dialect.
type Expr struct {
	Op Op `json:"op"`
	// Column is the merged column read by OpColumn.
	Column int `json:"column,omitempty"`
	// Value is OpValue's constant: nil (NULL), int64, float64, or decimal
	// text when Decimal is set.
	Value any `json:"value,omitempty"`
	// Decimal marks Value as an exact decimal (a PostgreSQL numeric or
	// MySQL DECIMAL literal).
	Decimal bool `json:"decimal,omitempty"`
	// Bits is the width of an integer constant on PostgreSQL (16, 32, 64)
	// or 0 when it takes the width of the other operand (a bind
	// parameter); columns take theirs from the shards' column types.
	Bits int     `json:"bits,omitempty"`
	Args []*Expr `json:"args,omitempty"`
	// Text is the expression's SQL text, for errors and for explain.
	Text string `json:"text,omitempty"`
}

// Computed is a column whose merged value is an expression over other
// merged columns (an expression over aggregates such as max(x) - min(x)):
// the shards return any value there (NULL), and the merge writes Expr's
// value once per group.
type Computed struct {
	Column int   `json:"column"`
	Expr   *Expr `json:"expr"`
}

// validate checks e's shape and that its columns are below width (no
// bound when width < 0).
func (e *Expr) validate(width int) error {
	if e == nil {
		return errors.New("merge: nil expression")
	}
	want := 2
	switch e.Op {
	case OpColumn:
		if e.Column < 0 || (width >= 0 && e.Column >= width) {
			return fmt.Errorf("merge: expression column %d is out of range", e.Column)
		}
		return nil
	case OpValue:
		switch e.Value.(type) {
		case nil, int64, float64:
			return nil
		case string:
			if e.Decimal {
				if _, ok := parseDecimal(e.Value.(string)); ok {
					return nil
				}
			}
		}
		return fmt.Errorf("merge: expression constant %v (%T) is not a number", e.Value, e.Value)
	case OpNeg, OpNot, OpIsNull, OpIsNotNull:
		want = 1
	case OpAnd, OpOr:
		if len(e.Args) < 2 {
			return fmt.Errorf("merge: %s needs two or more arguments", e.Op)
		}
		want = len(e.Args)
	case OpAdd, OpSub, OpMul, OpDiv, OpIntDiv, OpMod, OpEq, OpNe, OpLt, OpLe, OpGt, OpGe:
	default:
		return fmt.Errorf("merge: unknown expression operation %q", e.Op)
	}
	if len(e.Args) != want {
		return fmt.Errorf("merge: %s needs %d arguments, has %d", e.Op, want, len(e.Args))
	}
	for _, a := range e.Args {
		if err := a.validate(width); err != nil {
			return err
		}
	}
	return nil
}

// String returns e's SQL text, or its rendering when it has none.
func (e *Expr) String() string {
	if e.Text != "" {
		return e.Text
	}
	return e.Render(func(c int) string { return fmt.Sprintf("#%d", c+1) })
}

// Render writes e with its columns named by col (for explain output):
// operations in parentheses, constants as written.
func (e *Expr) Render(col func(int) string) string {
	switch e.Op {
	case OpColumn:
		return col(e.Column)
	case OpValue:
		if e.Value == nil {
			return "NULL"
		}
		return fmt.Sprint(e.Value)
	case OpNeg:
		return "-" + e.Args[0].Render(col)
	case OpNot:
		return "NOT " + e.Args[0].Render(col)
	case OpIsNull, OpIsNotNull:
		return e.Args[0].Render(col) + " " + strings.ToUpper(string(e.Op))
	}
	var b strings.Builder
	b.WriteByte('(')
	for i, a := range e.Args {
		if i > 0 {
			b.WriteString(" " + strings.ToUpper(string(e.Op)) + " ")
		}
		b.WriteString(a.Render(col))
	}
	b.WriteByte(')')
	return b.String()
}

// validateExprs checks Having and Computed: they need a grouping, and a
// computed column is neither grouped nor an aggregate's output.
func (s *Spec) validateExprs(grouped, outputs map[int]bool) error {
	if s.Having == nil && len(s.Computed) == 0 {
		return nil
	}
	if len(s.Aggregates) == 0 && len(s.GroupBy) == 0 {
		return errors.New("merge: having and computed columns need aggregates or GROUP BY")
	}
	if s.Having != nil {
		if err := s.Having.validate(-1); err != nil {
			return fmt.Errorf("merge: having: %w", err)
		}
	}
	seen := map[int]bool{}
	for _, c := range s.Computed {
		if c.Column < 0 || grouped[c.Column] || outputs[c.Column] || seen[c.Column] {
			return fmt.Errorf("merge: computed column %d is negative, grouped, an aggregate's output or computed twice", c.Column)
		}
		seen[c.Column] = true
		if err := c.Expr.validate(-1); err != nil {
			return fmt.Errorf("merge: computed column %d: %w", c.Column, err)
		}
	}
	return nil
}

// checkExprIndexes checks the columns of Having and Computed against the
// shards' width.
func checkExprIndexes(s *Spec, width int) error {
	if s.Having != nil {
		if err := s.Having.validate(width); err != nil {
			return err
		}
	}
	for _, c := range s.Computed {
		if c.Column >= width {
			return fmt.Errorf("merge: computed column %d is out of range: the shards return %d columns", c.Column, width)
		}
		if err := c.Expr.validate(width); err != nil {
			return err
		}
	}
	return nil
}

// appendAfterMerge names the stages evaluated on each merged group.
func (s *Spec) appendAfterMerge(parts []string) []string {
	if s.Having != nil {
		parts = append(parts, "having")
	}
	if len(s.Computed) > 0 {
		parts = append(parts, "compute")
	}
	return parts
}
