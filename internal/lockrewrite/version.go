package lockrewrite

import (
	"database/sql/driver"
	"fmt"
	"strings"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/locking"
)

// Version is the rewrite of one UPDATE or DELETE for an expected version.
type Version struct {
	// SQL is the statement to run: the input with the version condition
	// (and, for an UPDATE, the increment), or the input itself.
	SQL string `json:"sql"`
	// Statement is the analysis of SQL (shared: do not modify it).
	Statement *analyze.Statement `json:"-"`
	// Changed is false for statements other than UPDATE and DELETE, which
	// run unchanged and need no check.
	Changed bool `json:"changed,omitempty"`
	// Table is the statement's table (schema-qualified when written so,
	// without quotes); Column its version column.
	Table  string `json:"table,omitempty"`
	Column string `json:"column,omitempty"`
	// Arg is where the version goes among the statement's arguments.
	Arg Arg `json:"arg"`
}

// Arg places the version argument.
type Arg struct {
	// Index is its 0-based position in the argument list: the arguments
	// from Index on move up by one.
	Index int `json:"index"`
	// Placeholder is the text that refers to it ("$3", "?", "?4").
	Placeholder string `json:"placeholder"`
}

// Args returns the statement's arguments with version inserted at
// v.Arg.Index and every Ordinal renumbered (database/sql numbers them from
// 1 in order). Named arguments keep their names. args is not modified.
func (v *Version) Args(args []driver.NamedValue, version int64) []driver.NamedValue {
	i := min(max(v.Arg.Index, 0), len(args))
	out := make([]driver.NamedValue, 0, len(args)+1)
	out = append(out, args[:i]...)
	out = append(out, driver.NamedValue{Value: version})
	out = append(out, args[i:]...)
	for j := range out {
		out[j].Ordinal = j + 1
	}
	return out
}

// Check returns a *locking.StaleObjectError when the statement changed no
// row (rowsAffected 0; for a statement with RETURNING, pass the number of
// rows it returned), nil otherwise.
func (v *Version) Check(rowsAffected, version int64) error {
	return locking.CheckAffected(rowsAffected, v.Table, v.Column, version)
}

// Optimistic rewrites st, an UPDATE or DELETE, to check the version column
// cfg gives its table: the WHERE clause gets "AND column = <placeholder>"
// (or a WHERE of its own, before ORDER BY / LIMIT / RETURNING; a condition
// with a top-level OR is parenthesised first), and an UPDATE's SET gets
// "column = column + 1". The version is a new bind parameter (see Arg), so
// the rewrite depends on the statement text only. Other statements are
// returned unchanged.
//
// An UPDATE that already assigns the version column keeps its own
// assignment (it must change the value: on MySQL a row whose values do not
// change counts as not affected). A WHERE that already tests the column
// keeps its test and gets the new one too: both must hold. Statements that
// match several rows check each row; only when none is changed is the
// object stale. A statement with FROM / USING names the column with the
// table's alias.
//
// It refuses, with a *locking.Error matching locking.ErrCannotCheckVersion,
// a statement it does not fully understand or whose table has no version
// column.
func Optimistic(st *analyze.Statement, cfg *locking.Config) (*Version, error) {
	if st.Kind != analyze.KindUpdate && st.Kind != analyze.KindDelete {
		return &Version{SQL: st.SQL, Statement: st}, nil
	}
	if st.Multi {
		return nil, refuseVersion(st.SQL, "the text holds more than one statement")
	}
	if !st.Full || (st.Update == nil && st.Delete == nil) {
		return nil, refuseVersion(st.SQL, "the statement is not fully understood (%s)", st.NotFull)
	}
	var (
		table     analyze.TableRef
		where     *analyze.Where
		orderBy   []analyze.OrderItem
		limit     *analyze.Limit
		returning *analyze.Returning
		joined    bool
	)
	if u := st.Update; u != nil {
		table, where, orderBy, limit, returning, joined = u.Table, u.Where, u.OrderBy, u.Limit, u.Returning, len(u.From) > 0
	} else {
		dl := st.Delete
		table, where, orderBy, limit, returning, joined = dl.Table, dl.Where, dl.OrderBy, dl.Limit, dl.Returning, len(dl.Using) > 0
	}
	tableText := st.Text(table.Span)
	col := cfg.ColumnFor(table.Schema, table.Name)
	if col == "" {
		return nil, refuseVersion(st.SQL, "table %s has no version column: set locking.version_column, or locking.version_columns.%s", tableText, table.Name)
	}
	d := st.Dialect
	tk := lex(d, st.SQL)
	colText := ident(d, col)
	qcol := colText
	if joined {
		q := tableText
		if table.Alias != "" {
			q = ident(d, table.Alias)
		}
		qcol = q + "." + colText
	}
	var ins []insertion
	if u := st.Update; u != nil && !assigns(u.Set, col) {
		ins = append(ins, insertion{u.Set[len(u.Set)-1].Span.End, ", " + colText + " = " + qcol + " + 1"})
	}
	at := tk.end()
	if where != nil {
		at = where.Span.End
	} else if c := clauseStart(tk, orderBy, limit, returning); c >= 0 {
		at = c
	}
	arg, err := placeholder(tk, st, at)
	if err != nil {
		return nil, err
	}
	cond := qcol + " = " + arg.Placeholder
	switch {
	case where == nil && at == tk.end():
		ins = append(ins, insertion{at, " WHERE " + cond})
	case where == nil:
		ins = append(ins, insertion{at, "WHERE " + cond + " "})
	case len(where.Conjuncts) == 1 && where.Conjuncts[0].Kind == analyze.CondOpaque && topOr(tk, where.Span):
		ins = append(ins, insertion{where.Span.Start, "("}, insertion{at, ") AND " + cond})
	default:
		ins = append(ins, insertion{at, " AND " + cond})
	}
	name := table.Name
	if table.Schema != "" {
		name = table.Schema + "." + name
	}
	out := &Version{SQL: splice(st.SQL, ins), Changed: true, Table: name, Column: col, Arg: arg}
	out.Statement = analyze.Analyze(d, out.SQL)
	return out, nil
}

// assigns reports whether a SET list assigns column col.
func assigns(set []analyze.Assignment, col string) bool {
	for _, a := range set {
		if strings.EqualFold(a.Column.Name, col) {
			return true
		}
	}
	return false
}

// clauseStart returns the offset of the first of ORDER BY, LIMIT and
// RETURNING, or -1.
func clauseStart(tk tokens, orderBy []analyze.OrderItem, limit *analyze.Limit, returning *analyze.Returning) int {
	if len(orderBy) > 0 {
		if i := tk.at(orderBy[0].Span.Start); tk.kw(i-2, analyze.KwOrder) {
			return int(tk.t[i-2].Start)
		}
	}
	if limit != nil {
		return limit.Span.Start
	}
	if returning != nil {
		return returning.Span.Start
	}
	return -1
}

// topOr reports whether the condition in span sp has an OR (XOR, MySQL's
// ||) outside parentheses, so that appending "AND x" would bind to its
// last term only.
func topOr(tk tokens, sp analyze.Span) bool {
	depth := 0
	for i := tk.at(sp.Start); i >= 0 && i < len(tk.t) && int(tk.t[i].Start) < sp.End; i++ {
		switch t := tk.t[i]; {
		case tk.punct(i, '('):
			depth++
		case tk.punct(i, ')'):
			depth--
		case depth != 0:
		case tk.kw(i, analyze.KwOr) || tk.kw(i, analyze.KwXor):
			return true
		case tk.d == dialect.MySQL && t.Is(tk.src, "||"):
			return true
		}
	}
	return false
}

// insertion is text to insert at a byte offset.
type insertion struct {
	at   int
	text string
}

// splice inserts ins, in ascending order of offset, into src.
func splice(src string, ins []insertion) string {
	var b strings.Builder
	n := len(src)
	for _, in := range ins {
		n += len(in.text)
	}
	b.Grow(n)
	prev := 0
	for _, in := range ins {
		b.WriteString(src[prev:in.at])
		// Keep the new words apart from the text around them ("?WHERE",
		// "+ 1WHERE" would lex otherwise).
		if in.at > 0 && !isSpace(src[in.at-1]) && in.text[0] != ' ' && in.text[0] != ',' && in.text[0] != ')' {
			b.WriteByte(' ')
		}
		b.WriteString(in.text)
		if in.at < len(src) && !isSpace(src[in.at]) && src[in.at] != ';' && src[in.at] != ')' && in.text[len(in.text)-1] != ' ' && in.text[len(in.text)-1] != '(' {
			b.WriteByte(' ')
		}
		prev = in.at
	}
	b.WriteString(src[prev:])
	return b.String()
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

func refuseVersion(sql, format string, args ...any) error {
	return &locking.Error{Statement: sql, Reason: fmt.Sprintf(format, args...), Err: locking.ErrCannotCheckVersion}
}
