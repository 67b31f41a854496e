package planner

import (
	"strconv"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/sharding"
)

// idParams says how the id parameters are written.
type idParams struct {
	d          dialect.Dialect
	positional bool    // ?: the argument's place follows the text
	next       int64   // the first number of appended numbered parameters
	prefix     string  // "$" (PostgreSQL), "?" (SQLite ?NNN), ":" (SQLite named)
	bare       []int32 // offsets of the ? placeholders, for before
}

func (ps *idParams) text(i int) string {
	switch {
	case ps.positional:
		return "?"
	case ps.prefix == ":":
		return ":grant_id_" + strconv.Itoa(i+1)
	}
	return ps.prefix + strconv.FormatInt(ps.next+int64(i), 10)
}

// before counts the ? placeholders before byte offset at.
func (ps *idParams) before(at int) int {
	n := 0
	for _, o := range ps.bare {
		if int(o) < at {
			n++
		}
	}
	return n
}

// idPlaceholders reads the statement's placeholders and decides how the id
// parameters are written: after the highest $n on PostgreSQL; as ? in
// order on MySQL, and on SQLite when the statement has only ? or none;
// after the highest ?NNN, or named, on SQLite statements with those.
func (p *Planner) idPlaceholders(st *analyze.Statement, r *IDRewrite) (*idParams, error) {
	ps := &idParams{d: p.d}
	var lx analyze.Lexer
	lx.Reset(p.d, st.SQL)
	var maxNum int64
	numbered, named := false, false
	for tk := lx.Next(); tk.Kind != analyze.TokEOF; tk = lx.Next() {
		if tk.Kind != analyze.TokPlaceholder {
			continue
		}
		text := st.SQL[tk.Start:tk.End]
		if text == "?" {
			ps.bare = append(ps.bare, tk.Start)
			continue
		}
		if n, ok := numberedParam(text); ok {
			numbered, maxNum = true, max(maxNum, n)
			continue
		}
		named = true
	}
	switch {
	case p.d == dialect.Postgres:
		ps.prefix, ps.next = "$", maxNum+1
	case p.d == dialect.MySQL || (len(ps.bare) > 0 && !numbered && !named) || (!numbered && !named):
		ps.positional = true
	case len(ps.bare) > 0:
		return nil, &sharding.RefusedError{Statement: st.SQL, Table: r.Table, Reason: "the INSERT mixes ? with numbered or named placeholders: " +
			"Grant cannot place the generated " + r.Column + " values among them; give " + r.Column + " or use one placeholder style"}
	case named:
		ps.prefix = ":"
		r.Names = make([]string, r.Rows)
		for i := range r.Names {
			r.Names[i] = "grant_id_" + strconv.Itoa(i+1)
		}
	default:
		ps.prefix, ps.next = "?", maxNum+1
	}
	return ps, nil
}

// numberedParam returns n for $n and ?n.
func numberedParam(text string) (int64, bool) {
	if len(text) < 2 || (text[0] != '$' && text[0] != '?') {
		return 0, false
	}
	n, err := strconv.ParseInt(text[1:], 10, 64)
	return n, err == nil && n > 0
}
