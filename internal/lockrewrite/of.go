package lockrewrite

import (
	"slices"
	"strings"

	"github.com/grantsql/grant/internal/analyze"
)

// resolveOf maps the tables named by locking.Of to the names the locking
// clause must use: the alias of an aliased FROM item, the bare table name
// otherwise (PostgreSQL refuses qualified names there). A name matches an
// item's alias first, then its table name (schema-qualified when written
// so), ignoring ASCII case; a table read twice is locked under both
// aliases. Derived tables are named by alias; CTEs and table functions
// cannot be locked.
func resolveOf(server Server, st *analyze.Statement, s *analyze.Select, of []string) ([]string, error) {
	if len(of) == 0 {
		return nil, nil
	}
	d := st.Dialect
	var out []string
	add := func(n string) {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	for _, name := range of {
		items := matchItems(s.From, name)
		if len(items) == 0 {
			return nil, refuse(st.SQL, "locking.Of names %q, which is not a table or alias of the statement's FROM clause", name)
		}
		for _, it := range items {
			switch {
			case it.CTE:
				return nil, refuse(st.SQL, "locking.Of names %q, a WITH query: lock the rows of its tables in its own SELECT", name)
			case it.Func:
				return nil, refuse(st.SQL, "locking.Of names %q, a table function, which has no rows to lock", name)
			case it.Derived && server != Postgres:
				return nil, refuse(st.SQL, "locking.Of names %q, a derived table: %s locks only base tables by name", name, server)
			}
			if it.Alias != "" {
				add(ident(d, it.Alias))
			} else {
				add(ident(d, it.Name))
			}
		}
	}
	return out, nil
}

// matchItems returns the FROM items name designates: those whose alias is
// name, else those whose table is name.
func matchItems(from []analyze.TableRef, name string) []*analyze.TableRef {
	var out []*analyze.TableRef
	for i := range from {
		if it := &from[i]; it.Alias != "" && strings.EqualFold(it.Alias, name) {
			out = append(out, it)
		}
	}
	if len(out) > 0 {
		return out
	}
	for i := range from {
		it := &from[i]
		if it.Derived || it.Name == "" {
			continue
		}
		if strings.EqualFold(it.Name, name) || it.Schema != "" && strings.EqualFold(it.Schema+"."+it.Name, name) {
			out = append(out, it)
		}
	}
	return out
}

// lockedItems returns the indexes of the FROM items a clause with these OF
// names locks: all of them without OF.
func lockedItems(s *analyze.Select, of []string, d func(string) string) []bool {
	locked := make([]bool, len(s.From))
	for i, it := range s.From {
		if len(of) == 0 {
			locked[i] = true
			continue
		}
		n := it.Alias
		if n == "" {
			n = it.Name
		}
		locked[i] = slices.Contains(of, d(n))
	}
	return locked
}
