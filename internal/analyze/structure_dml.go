package analyze

import (
	"strconv"
	"strings"
)

// Span is a byte range [Start, End) of the statement text. It marshals to
// JSON as [start, end].
type Span struct {
	Start int
	End   int
}

// Len returns the length of sp in bytes.
func (sp Span) Len() int { return sp.End - sp.Start }

// ColumnRef is a column reference: name with optional table and schema.
// Bare identifiers are folded to lower case on PostgreSQL, as the server does.
type ColumnRef struct {
	Schema string `json:"schema,omitempty"`
	Table  string `json:"table,omitempty"`
	Name   string `json:"name"`
	Span   Span   `json:"span"`
}

// TableRef is one table reference: a named table, a derived table
// (subquery) or a table function, with its alias.
type TableRef struct {
	Schema string `json:"schema,omitempty"`
	Name   string `json:"name,omitempty"`
	Alias  string `json:"alias,omitempty"`
	// Span covers the (qualified) name, or the subquery or call.
	Span Span `json:"span"`
	// CTE is set when the name refers to a CTE of the statement.
	CTE bool `json:"cte,omitempty"`
	// Derived is set for a subquery in FROM (listed in Subqueries with
	// clause "from" or "join"); Func for a table function call.
	Derived bool `json:"derived,omitempty"`
	Func    bool `json:"func,omitempty"`
	Lateral bool `json:"lateral,omitempty"`
	// Only is PostgreSQL's ONLY t (no inheritance children).
	Only bool `json:"only,omitempty"`
}

// Join says how a FROM item is joined to the items before it.
type Join struct {
	// Kind is ",", "join", "left join", "right join", "full join",
	// "cross join", "straight_join"; Natural is NATURAL.
	Kind    string `json:"kind"`
	Natural bool   `json:"natural,omitempty"`
	// On holds the ON condition's conjuncts (column equalities are
	// CondColumnEq); Using the USING column list.
	On    *Where   `json:"on,omitempty"`
	Using []string `json:"using,omitempty"`
}

// ValueKind is the kind of a literal or placeholder.
type ValueKind uint8

// The value kinds.
const (
	ValueNull        ValueKind = iota + 1 // NULL
	ValueBool                             // TRUE, FALSE
	ValueNumber                           // a numeric literal, with its sign
	ValueString                           // a string literal
	ValuePlaceholder                      // $n, ?, :name, ...
	ValueDefault                          // DEFAULT
)

var valueNames = [...]string{"", "null", "bool", "number", "string", "placeholder", "default"}

// String returns the lower-case name of k.
func (k ValueKind) String() string {
	if int(k) < len(valueNames) {
		return valueNames[k]
	}
	return "value?"
}

// MarshalText implements encoding.TextMarshaler with String.
func (k ValueKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// Value is a literal or a placeholder.
type Value struct {
	Kind ValueKind `json:"kind"`
	// Text is the literal's value: a string unescaped, a number as written
	// (with its sign), "true" or "false".
	Text string `json:"text,omitempty"`
	// Ordinal and Name identify a placeholder (see Token.Ord).
	Ordinal int    `json:"ordinal,omitempty"`
	Name    string `json:"name,omitempty"`
	// Cast is the type of a PostgreSQL cast applied to it ($1::bigint).
	Cast string `json:"cast,omitempty"`
}

// Int64 returns a number literal's value when it is an integer that fits:
// decimal, leading zeros included (010 is ten, as SQL reads it, not Go's
// octal eight), or hexadecimal with 0x.
func (v *Value) Int64() (int64, bool) {
	if v == nil || v.Kind != ValueNumber {
		return 0, false
	}
	text, base := v.Text, 10
	if d := strings.TrimLeft(text, "+-"); len(d) > 2 && d[0] == '0' && (d[1] == 'x' || d[1] == 'X') {
		text, base = text[:len(text)-len(d)]+d[2:], 16
	}
	n, err := strconv.ParseInt(text, base, 64)
	return n, err == nil
}

// Float64 returns a number literal's value as a float.
func (v *Value) Float64() (float64, bool) {
	if v == nil || v.Kind != ValueNumber {
		return 0, false
	}
	f, err := strconv.ParseFloat(v.Text, 64)
	if err != nil {
		if n, ok := v.Int64(); ok {
			return float64(n), true
		}
	}
	return f, err == nil
}

// Expr is an expression by its span and text; Value or Column is set when
// it is just a literal / placeholder or a column reference.
type Expr struct {
	Span   Span       `json:"span"`
	Text   string     `json:"text"`
	Value  *Value     `json:"value,omitempty"`
	Column *ColumnRef `json:"column,omitempty"`
}

// CondKind is the recognised shape of a WHERE or ON conjunct.
type CondKind uint8

// The conjunct kinds.
const (
	CondOpaque    CondKind = iota // anything else (OR, functions, NOT IN, subqueries, ...)
	CondEq                        // col = value
	CondIn                        // col IN (value, ...)
	CondBetween                   // col BETWEEN value AND value
	CondCompare                   // col <, <=, >, >=, <>, !=, <=> value
	CondIsNull                    // col IS NULL
	CondIsNotNull                 // col IS NOT NULL
	CondColumnEq                  // col = col
)

var condNames = [...]string{"opaque", "eq", "in", "between", "compare", "is_null", "is_not_null", "column_eq"}

// String returns the snake_case name of k.
func (k CondKind) String() string {
	if int(k) < len(condNames) {
		return condNames[k]
	}
	return "cond?"
}

// MarshalText implements encoding.TextMarshaler with String.
func (k CondKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// Conjunct is one top-level AND term of a condition. Value-side forms are
// normalised so the column is on the left (5 < x is x > 5).
type Conjunct struct {
	Span   Span       `json:"span"`
	Text   string     `json:"text"`
	Kind   CondKind   `json:"kind"`
	Op     string     `json:"op,omitempty"`
	Column *ColumnRef `json:"column,omitempty"`
	// Other is the right column of a CondColumnEq.
	Other *ColumnRef `json:"other,omitempty"`
	// Values: one for eq and compare, each list item for in, two for between.
	Values []Expr `json:"values,omitempty"`
}

// Where is a condition: its span (without the keyword) and its conjuncts.
type Where struct {
	Span      Span       `json:"span"`
	Conjuncts []Conjunct `json:"conjuncts"`
}

// Assignment is col = expr in UPDATE .. SET, INSERT .. SET or an upsert.
type Assignment struct {
	Span   Span      `json:"span"`
	Column ColumnRef `json:"column"`
	Value  Expr      `json:"value"`
}

// Row is one parenthesised row of INSERT .. VALUES.
type Row struct {
	Span   Span   `json:"span"`
	Values []Expr `json:"values"`
}

// Insert is an INSERT or REPLACE.
type Insert struct {
	Table TableRef `json:"table"`
	// Replace is MySQL/SQLite REPLACE or INSERT OR REPLACE; Ignore is
	// INSERT IGNORE or INSERT OR IGNORE; Or is SQLite's other OR action.
	Replace bool   `json:"replace,omitempty"`
	Ignore  bool   `json:"ignore,omitempty"`
	Or      string `json:"or,omitempty"`
	// Columns is the column list; ColumnsSpan covers it with its
	// parentheses (nil without a list).
	Columns     []ColumnRef `json:"columns,omitempty"`
	ColumnsSpan *Span       `json:"columns_span,omitempty"`
	// Rows are the VALUES rows; ValuesSpan covers them all (without the
	// VALUES keyword), so a rewriter can replace the row list.
	Rows       []Row `json:"rows,omitempty"`
	ValuesSpan *Span `json:"values_span,omitempty"`
	// Set is MySQL's INSERT .. SET a = 1.
	Set []Assignment `json:"set,omitempty"`
	// Select is INSERT .. SELECT (or .. TABLE t, or a VALUES in parentheses).
	Select        *Select    `json:"select,omitempty"`
	DefaultValues bool       `json:"default_values,omitempty"`
	Upsert        *Upsert    `json:"upsert,omitempty"`
	Returning     *Returning `json:"returning,omitempty"`
	Subqueries    []Subquery `json:"subqueries,omitempty"`
}

// Upsert is ON CONFLICT .. DO (PostgreSQL, SQLite) or ON DUPLICATE KEY
// UPDATE (MySQL).
type Upsert struct {
	Span Span `json:"span"`
	// Kind is "on_conflict" or "on_duplicate_key_update".
	Kind string `json:"kind"`
	// Target is the conflict target's columns, Constraint its ON CONSTRAINT name.
	Target     []string `json:"target,omitempty"`
	Constraint string   `json:"constraint,omitempty"`
	DoNothing  bool     `json:"do_nothing,omitempty"`
	// Set are the assignments; Columns the updated column names.
	Set     []Assignment `json:"set,omitempty"`
	Columns []string     `json:"columns,omitempty"`
	Where   *Where       `json:"where,omitempty"`
}

// Returning is a RETURNING clause.
type Returning struct {
	Span  Span         `json:"span"`
	Items []SelectItem `json:"items"`
}

// Update is an UPDATE.
type Update struct {
	Table TableRef     `json:"table"`
	Set   []Assignment `json:"set"`
	// From and Joins are PostgreSQL/SQLite UPDATE .. FROM.
	From       []TableRef  `json:"from,omitempty"`
	Joins      []Join      `json:"joins,omitempty"`
	Where      *Where      `json:"where,omitempty"`
	OrderBy    []OrderItem `json:"order_by,omitempty"`
	Limit      *Limit      `json:"limit,omitempty"`
	Returning  *Returning  `json:"returning,omitempty"`
	Subqueries []Subquery  `json:"subqueries,omitempty"`
}

// Delete is a DELETE.
type Delete struct {
	Table TableRef `json:"table"`
	// Using and Joins are PostgreSQL's DELETE .. USING.
	Using      []TableRef  `json:"using,omitempty"`
	Joins      []Join      `json:"joins,omitempty"`
	Where      *Where      `json:"where,omitempty"`
	OrderBy    []OrderItem `json:"order_by,omitempty"`
	Limit      *Limit      `json:"limit,omitempty"`
	Returning  *Returning  `json:"returning,omitempty"`
	Subqueries []Subquery  `json:"subqueries,omitempty"`
}
