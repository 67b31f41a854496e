package lockrewrite

import (
	"fmt"
	"strings"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/locking"
)

// pgCheck returns why PostgreSQL would refuse the locking clause on query
// s, or "". PostgreSQL refuses a locking clause on a query with DISTINCT,
// GROUP BY, HAVING, aggregates, window functions or set-returning functions
// in its select list, on the nullable side of an outer join, and on a
// derived table in FROM with any of these (the lock reaches into derived
// tables; CTEs, table functions and VALUES are left unlocked).
func pgCheck(tk tokens, s *analyze.Select, r locking.Request, of []string) string {
	verb := r.Strength.String()
	if r.Wait == locking.Skip && s.Limit != nil && s.Limit.WithTies {
		return "PostgreSQL does not allow SKIP LOCKED with FETCH .. WITH TIES"
	}
	return pgQuery(tk, s, verb, of, "")
}

func pgQuery(tk tokens, s *analyze.Select, verb string, of []string, in string) string {
	if what := pgShape(tk, s); what != "" {
		return fmt.Sprintf("PostgreSQL does not allow %s with %s%s", verb, what, in)
	}
	locked := lockedItems(s, of, func(n string) string { return ident(dialect.Postgres, n) })
	nullable := nullableItems(tk, s)
	for i, it := range s.From {
		if !locked[i] || it.CTE || it.Func {
			continue
		}
		if nullable[i] {
			return fmt.Sprintf("PostgreSQL cannot apply %s to the nullable side of an outer join (%s%s): name the tables to lock with locking.Of",
				verb, itemName(it), in)
		}
		if !it.Derived {
			continue
		}
		sub := derived(s, it)
		switch {
		case sub == nil || sub.Values:
		case len(sub.SetOps) > 0:
			return fmt.Sprintf("PostgreSQL does not allow %s with UNION/INTERSECT/EXCEPT (in derived table %s%s)", verb, itemName(it), in)
		default:
			if reason := pgQuery(tk, sub, verb, nil, " (in derived table "+itemName(it)+in+")"); reason != "" {
				return reason
			}
		}
	}
	return ""
}

// pgShape names what in s itself PostgreSQL refuses to lock, or "".
func pgShape(tk tokens, s *analyze.Select) string {
	switch {
	case s.Distinct || len(s.DistinctOn) > 0:
		return "DISTINCT"
	case len(s.GroupBy) > 0:
		return "GROUP BY"
	case s.Having != nil:
		return "HAVING"
	case s.Aggregates || s.ComplexAggregate:
		return "aggregate functions"
	case s.Window:
		return "window functions"
	}
	for _, it := range s.Items {
		if it.HasAggregate {
			return "aggregate functions"
		}
		if it.Window {
			return "window functions"
		}
		if srfIn(tk, it.Expr.Span) {
			return "set-returning functions in the select list"
		}
	}
	return ""
}

// pgSRFs are PostgreSQL's common set-returning functions.
var pgSRFs = []string{
	"generate_series", "generate_subscripts", "unnest", "regexp_matches", "regexp_split_to_table",
	"string_to_table", "json_array_elements", "json_array_elements_text", "jsonb_array_elements",
	"jsonb_array_elements_text", "json_each", "json_each_text", "jsonb_each", "jsonb_each_text",
	"json_object_keys", "jsonb_object_keys", "json_populate_recordset", "jsonb_populate_recordset",
	"json_to_recordset", "jsonb_to_recordset", "jsonb_path_query", "pg_listening_channels",
}

// srfIn reports whether a known set-returning function is called in span
// sp (outside any subquery, which the select list does not lock).
func srfIn(tk tokens, sp analyze.Span) bool {
	i := tk.at(sp.Start)
	if i < 0 {
		return false
	}
	found := false
	for ; i < len(tk.t) && int(tk.t[i].Start) < sp.End; i++ {
		t := tk.t[i]
		if t.Kind != analyze.TokIdent {
			continue
		}
		if t.Kw == analyze.KwSelect {
			return false
		}
		if tk.punct(i+1, '(') {
			name := t.Text(tk.src)
			for _, f := range pgSRFs {
				if strings.EqualFold(f, name) {
					found = true
				}
			}
		}
	}
	return found
}

// nullableItems marks the FROM items on the nullable side of an outer
// join. The analyzer flattens parenthesised joins, so with one of them and
// an outer join the marking is conservative.
func nullableItems(tk tokens, s *analyze.Select) []bool {
	out := make([]bool, len(s.From))
	group, outer := 0, false // group: first item of the current comma-separated group
	for j, jn := range s.Joins {
		if j+1 >= len(out) {
			break
		}
		switch jn.Kind {
		case ",":
			group = j + 1
		case "left join":
			out[j+1], outer = true, true
		case "right join", "full join":
			outer = true
			for k := group; k <= j; k++ {
				out[k] = true
			}
			if jn.Kind == "full join" {
				out[j+1] = true
			}
		}
	}
	if outer && parenthesisedJoin(tk, s) {
		// Conservatively: every item but the first of its comma group, and
		// the first too when the group has a RIGHT or FULL join.
		first, rightward := 0, false
		mark := func(end int) {
			for k := first + 1; k < end; k++ {
				out[k] = true
			}
			if rightward {
				out[first] = true
			}
		}
		for j, jn := range s.Joins {
			switch jn.Kind {
			case ",":
				mark(j + 1)
				first, rightward = j+1, false
			case "right join", "full join":
				rightward = true
			}
		}
		mark(len(out))
	}
	return out
}

// parenthesisedJoin reports whether a FROM item of s opens with '(' that
// is not its own (a join group in parentheses).
func parenthesisedJoin(tk tokens, s *analyze.Select) bool {
	for _, it := range s.From {
		i := tk.at(it.Span.Start)
		if tk.kw(i-1, analyze.KwOnly) {
			i--
		}
		if tk.punct(i-1, '(') {
			return true
		}
	}
	return false
}

// derived returns the query of derived table it.
func derived(s *analyze.Select, it analyze.TableRef) *analyze.Select {
	for _, sq := range s.Subqueries {
		if (sq.Clause == "from" || sq.Clause == "join") && sq.Span == it.Span {
			return sq.Select
		}
	}
	return nil
}

// itemName names a FROM item in messages.
func itemName(it analyze.TableRef) string {
	switch {
	case it.Alias != "":
		return it.Alias
	case it.Schema != "":
		return it.Schema + "." + it.Name
	case it.Name != "":
		return it.Name
	}
	return "a derived table"
}
