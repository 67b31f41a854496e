package analyze

// Select is a query: one SELECT (or VALUES, or TABLE t), the arms of its set
// operations, and the ORDER BY, LIMIT and locking clauses that apply to the
// whole. The fields describe the first arm; SetOps hold the others.
type Select struct {
	Span Span `json:"span"`
	// With holds the CTEs of a nested query's own WITH clause (the
	// statement's top-level WITH is Statement.With).
	With []CTE `json:"with,omitempty"`
	// Values is set for a VALUES query, Table for PostgreSQL/MySQL TABLE t.
	Values bool `json:"values,omitempty"`
	Table  bool `json:"table,omitempty"`
	// Distinct is SELECT DISTINCT; DistinctOn holds PostgreSQL's DISTINCT ON list.
	Distinct   bool   `json:"distinct,omitempty"`
	DistinctOn []Expr `json:"distinct_on,omitempty"`
	// Modifiers are MySQL's select options (SQL_CALC_FOUND_ROWS, ...), lower case.
	Modifiers []string     `json:"modifiers,omitempty"`
	Items     []SelectItem `json:"items,omitempty"`
	// Aggregates is set when an item is a mergeable aggregate call;
	// ComplexAggregate when an aggregate is nested in an expression, is not
	// one of COUNT/SUM/MIN/MAX/AVG, or has a FILTER or WITHIN GROUP.
	Aggregates       bool `json:"aggregates,omitempty"`
	ComplexAggregate bool `json:"complex_aggregate,omitempty"`
	// Window is set when a window function or WINDOW clause appears.
	Window bool `json:"window,omitempty"`
	// Into is SELECT .. INTO (a new table on PostgreSQL, variables or a file on MySQL).
	Into bool `json:"into,omitempty"`
	// From lists the FROM items in order; Joins says how each item after the
	// first is joined (Joins[i] joins From[i+1]).
	From  []TableRef `json:"from,omitempty"`
	Joins []Join     `json:"joins,omitempty"`
	Where *Where     `json:"where,omitempty"`
	// GroupBy lists the grouping expressions; GroupingSets marks ROLLUP,
	// CUBE, GROUPING SETS or MySQL's WITH ROLLUP.
	GroupBy      []GroupItem `json:"group_by,omitempty"`
	GroupingSets bool        `json:"grouping_sets,omitempty"`
	Having       *Expr       `json:"having,omitempty"`
	OrderBy      []OrderItem `json:"order_by,omitempty"`
	Limit        *Limit      `json:"limit,omitempty"`
	// Lock is the query's own locking clause.
	Lock *LockClause `json:"lock,omitempty"`
	// LockAt is the byte offset where a locking clause may be appended (the
	// end of the query's last token), or 0 when one may not: the query
	// already locks, has set operations, has INTO or is a VALUES list. Only
	// set on the statement's top-level query.
	LockAt int     `json:"lock_at,omitempty"`
	SetOps []SetOp `json:"set_ops,omitempty"`
	// Subqueries lists the subqueries nested directly in this query.
	Subqueries []Subquery `json:"subqueries,omitempty"`
}

// SetOp is one further arm of UNION / INTERSECT / EXCEPT.
type SetOp struct {
	// Op is "union", "intersect", "except" (MINUS is reported as except).
	Op string `json:"op"`
	// All is UNION ALL (Distinct=false and All=false is the default DISTINCT).
	All    bool    `json:"all,omitempty"`
	Select *Select `json:"select"`
}

// Subquery is a query nested in another statement.
type Subquery struct {
	// Clause says where it sits: "select", "from", "join", "on", "where",
	// "group_by", "having", "order_by", "limit", "values", "set", "returning",
	// "on_conflict".
	Clause string  `json:"clause"`
	Span   Span    `json:"span"`
	Select *Select `json:"select"`
}

// ItemKind is the shape of a select-list item.
type ItemKind uint8

// The select-item kinds.
const (
	ItemExpr          ItemKind = iota // any other expression
	ItemColumn                        // a bare column reference, possibly qualified
	ItemStar                          // *
	ItemQualifiedStar                 // t.*
	ItemAggregate                     // COUNT/SUM/MIN/MAX/AVG(...) and nothing else
)

var itemNames = [...]string{"expr", "column", "star", "qualified_star", "aggregate"}

// String returns the snake_case name of k.
func (k ItemKind) String() string {
	if int(k) < len(itemNames) {
		return itemNames[k]
	}
	return "item?"
}

// MarshalText implements encoding.TextMarshaler with String.
func (k ItemKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// SelectItem is one item of a select list or RETURNING list.
type SelectItem struct {
	// Span covers the item with its alias; Expr covers the expression only.
	Span Span     `json:"span"`
	Kind ItemKind `json:"kind"`
	Expr Expr     `json:"expr"`
	// Alias is the AS name or bare alias.
	Alias string `json:"alias,omitempty"`
	// Qualifier is the table of t.* .
	Qualifier string     `json:"qualifier,omitempty"`
	Agg       *Aggregate `json:"agg,omitempty"`
	// HasAggregate is set when an aggregate appears anywhere in the item;
	// Complex when that is not exactly one mergeable call (see Select).
	HasAggregate bool `json:"has_aggregate,omitempty"`
	Complex      bool `json:"complex,omitempty"`
	Window       bool `json:"window,omitempty"`
}

// Aggregate is a mergeable aggregate call: count, sum, min, max or avg.
type Aggregate struct {
	Func     string `json:"func"`
	Distinct bool   `json:"distinct,omitempty"`
	Star     bool   `json:"star,omitempty"`
	// Arg is the argument (after DISTINCT); for COUNT(*), the star.
	Arg  Span   `json:"arg"`
	Text string `json:"text,omitempty"`
}

// GroupItem is one GROUP BY expression.
type GroupItem struct {
	Expr Expr `json:"expr"`
	// Position is n for GROUP BY n (a select-list position), else 0.
	Position int `json:"position,omitempty"`
}

// OrderItem is one ORDER BY item.
type OrderItem struct {
	// Span covers the item with its direction and NULLS; Expr the expression.
	Span Span `json:"span"`
	Expr Expr `json:"expr"`
	Desc bool `json:"desc,omitempty"`
	// Nulls is "first" or "last" when written.
	Nulls string `json:"nulls,omitempty"`
	// Position is n for ORDER BY n, else 0.
	Position int `json:"position,omitempty"`
	// Alias names the select item the expression refers to by its alias.
	Alias string `json:"alias,omitempty"`
}

// Limit is the LIMIT / OFFSET / FETCH FIRST part of a query.
type Limit struct {
	// Span covers every limit and offset clause (from the first keyword).
	Span Span `json:"span"`
	// Count is the row count (nil for LIMIT ALL or none); Offset the offset.
	Count  *Expr `json:"count,omitempty"`
	Offset *Expr `json:"offset,omitempty"`
	// Style is "limit" (LIMIT n [OFFSET m]), "comma" (MySQL LIMIT m, n),
	// "offset" (OFFSET only) or "fetch" (OFFSET m ROWS FETCH FIRST n ROWS ONLY).
	Style string `json:"style"`
	// WithTies is FETCH .. WITH TIES.
	WithTies bool `json:"with_ties,omitempty"`
}
