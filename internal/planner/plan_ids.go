package planner

import (
	"database/sql/driver"
	"strings"
	"sync"

	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/sanitize"
	"github.com/grantsql/grant/sharding"
	"github.com/grantsql/grant/sharding/idgen"
)

// idColumn is the id generation of a sharded table (sharding.IDConfig):
// its generator, and the rewrites of the INSERTs that omit the column,
// cached per statement text.
type idColumn struct {
	column string
	gen    idgen.Generator
	mu     sync.RWMutex
	cache  map[string]*IDRewrite
}

// maxIDRewrites bounds a table's cache of rewrites; a full cache starts
// over.
const maxIDRewrites = 1024

// newIDColumn returns the id generation of table name.
func newIDColumn(name string, c *sharding.IDConfig) *idColumn {
	id := &idColumn{column: c.Column, cache: map[string]*IDRewrite{}}
	switch {
	case c.Generator == sharding.GeneratorSequence:
		id.gen = idgen.NewSequence(name, c.Cache, c.Start)
	case c.Node != nil:
		id.gen, _ = idgen.NewSnowflake(*c.Node) // validated
	default:
		id.gen = idgen.NewLeasedSnowflake(name)
	}
	return id
}

// IDRewrite is an INSERT into a sharded table with an id generator that
// omits the id column, rewritten to carry the ids: the column is added to
// its column list (or, for MySQL's INSERT .. SET, to its assignments) and a
// bind parameter to each row. The rewrite depends on the statement text
// only; Args puts the ids among the arguments.
type IDRewrite struct {
	// Table is the configured table, Column its id column.
	Table  string `json:"table"`
	Column string `json:"column"`
	// Generator makes the table's ids.
	Generator idgen.Generator `json:"-"`
	// Rows is the number of ids the statement needs, one per row.
	Rows int `json:"rows"`
	// SQL is the statement to run.
	SQL string `json:"sql"`
	// At is where each row's id goes in the argument list: an index for
	// positional ? placeholders (the arguments from there on move up);
	// nil when the ids follow the arguments ($n, ?NNN, named).
	At []int `json:"at,omitempty"`
	// Names are the names of SQLite named id parameters (grant_id_1, ...).
	Names []string `json:"names,omitempty"`
}

// Args returns the statement's arguments with the ids (one per row, in
// row order) put where the rewrite placed their parameters, every Ordinal
// renumbered from 1. args is not modified.
func (r *IDRewrite) Args(args []driver.NamedValue, ids []int64) []driver.NamedValue {
	out := make([]driver.NamedValue, 0, len(args)+len(ids))
	if r.At == nil {
		out = append(out, args...)
		for i, id := range ids {
			nv := driver.NamedValue{Value: id}
			if r.Names != nil {
				nv.Name = r.Names[i]
			}
			out = append(out, nv)
		}
	} else {
		j, k := 0, 0
		for len(out) < len(args)+len(ids) {
			if k < len(ids) && (len(out) == r.At[k] || j == len(args)) {
				out = append(out, driver.NamedValue{Value: ids[k]})
				k++
				continue
			}
			out = append(out, args[j])
			j++
		}
	}
	for i := range out {
		out[i].Ordinal = i + 1
	}
	return out
}

// IDs returns the rewrite of st when it is an INSERT .. VALUES (or INSERT
// .. SET) into a sharded table with an id generator, with a column list
// that lacks the id column; nil otherwise (the statement runs as given).
// It refuses, with a *sharding.RefusedError, a SQLite statement mixing ?
// with numbered or named placeholders, where the ids' positions are
// ambiguous.
func (p *Planner) IDs(st *analyze.Statement) (*IDRewrite, error) {
	ins := st.Insert
	if ins == nil || st.Multi || !st.Full || st.Dialect != p.d || ins.Select != nil || ins.DefaultValues ||
		(len(ins.Set) == 0 && (ins.ColumnsSpan == nil || len(ins.Rows) == 0)) {
		return nil, nil
	}
	t := p.lookup(&ins.Table)
	if t == nil || t.id == nil {
		return nil, nil
	}
	id := t.id
	for i := range ins.Columns {
		if p.nameEq(ins.Columns[i].Name, id.column) {
			return nil, nil
		}
	}
	for i := range ins.Set {
		if p.nameEq(ins.Set[i].Column.Name, id.column) {
			return nil, nil
		}
	}
	cacheable := len(st.SQL) <= analyze.MaxCachedSQL
	if cacheable {
		id.mu.RLock()
		r := id.cache[st.SQL]
		id.mu.RUnlock()
		if r != nil {
			return r, nil
		}
	}
	r, err := p.rewriteIDs(st, t)
	if err != nil || !cacheable {
		return r, err
	}
	id.mu.Lock()
	if len(id.cache) >= maxIDRewrites {
		clear(id.cache)
	}
	id.cache[st.SQL] = r
	id.mu.Unlock()
	return r, nil
}

// rewriteIDs makes the rewrite of an INSERT into t that omits its id column.
func (p *Planner) rewriteIDs(st *analyze.Statement, t *table) (*IDRewrite, error) {
	ins := st.Insert
	r := &IDRewrite{Table: t.label(), Column: t.id.column, Generator: t.id.gen, Rows: p.insertRows(ins)}
	ph, err := p.idPlaceholders(st, r)
	if err != nil {
		return nil, err
	}
	col := p.identText(t.id.column)
	var edits []idEdit
	var params []int // where each row's parameter goes
	if len(ins.Set) > 0 {
		at := ins.Set[len(ins.Set)-1].Span.End
		edits = append(edits, idEdit{at, ", " + col + " = " + ph.text(0)})
		params = append(params, at)
	} else {
		edits = append(edits, idEdit{ins.ColumnsSpan.End - 1, ", " + col})
		for i := range ins.Rows {
			row := &ins.Rows[i]
			sep := ", "
			if len(row.Values) == 0 {
				sep = ""
			}
			edits = append(edits, idEdit{row.Span.End - 1, sep + ph.text(i)})
			params = append(params, row.Span.End-1)
		}
	}
	if ph.positional {
		r.At = make([]int, len(params))
		for i, at := range params {
			r.At[i] = ph.before(at) + i
		}
	}
	r.SQL = spliceEdits(st.SQL, edits)
	return r, nil
}

// identText writes a column name as an identifier of the dialect: bare
// when it reads back as itself, quoted otherwise.
func (p *Planner) identText(name string) string {
	plain := name != "" && analyze.LookupKeyword(name) == analyze.KwNone
	for i := 0; i < len(name) && plain; i++ {
		c := name[i]
		plain = c == '_' || c >= 'a' && c <= 'z' || (c >= 'A' && c <= 'Z' && p.fold) || (i > 0 && c >= '0' && c <= '9')
	}
	if plain {
		return name
	}
	q, err := sanitize.QuoteIdent(p.d, name)
	if err != nil {
		return name
	}
	return q
}

// idEdit is text to insert at a byte offset of a statement.
type idEdit struct {
	at   int
	text string
}

// spliceEdits inserts ins, in ascending order of offset, into src.
func spliceEdits(src string, ins []idEdit) string {
	var b strings.Builder
	n := len(src)
	for _, in := range ins {
		n += len(in.text)
	}
	b.Grow(n)
	prev := 0
	for _, in := range ins {
		b.WriteString(src[prev:in.at])
		b.WriteString(in.text)
		prev = in.at
	}
	b.WriteString(src[prev:])
	return b.String()
}
