package planner

import (
	"database/sql/driver"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/grantsql/grant/sharding"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/analyze"
)

// A rewrite of a statement for one shard is a list of edits of the original
// text: each replaces a span with pieces, which are literal text or spans of
// the original copied elsewhere. Everything outside the edits is kept as
// written, comments included. Placeholders inside kept and copied text are
// renumbered for the shard's own argument list:
//
//   - PostgreSQL $n: numbered 1..k in order of first appearance, one
//     argument each (pgx refuses arguments a statement does not use);
//   - MySQL ? and SQLite ?: kept, with one argument per occurrence, in order;
//   - SQLite ?NNN: renumbered like PostgreSQL's $n;
//   - SQLite :name, @name, $name: kept, with the named argument once.
type edit struct {
	start, end int
	with       []piece
}

// piece is literal text, or (when lit is empty) the span [start, end) of
// the original text.
type piece struct {
	lit        string
	start, end int
}

func lit(s string) piece               { return piece{lit: s} }
func span(sp analyze.Span) piece       { return piece{start: sp.Start, end: sp.End} }
func insertAt(at int, p ...piece) edit { return edit{start: at, end: at, with: p} }

// placeholderMode is how a statement's placeholders are renumbered.
type placeholderMode uint8

const (
	modeDollar   placeholderMode = iota // PostgreSQL $n
	modeAnon                            // ? in order
	modeNumbered                        // SQLite ?NNN (and ?)
	modeNamed                           // SQLite :name, @name, $name
)

// placeholder is one placeholder token of the original text.
type placeholder struct {
	start, end int
	ord        int
	name       string
}

// rewriter renders edited statements for the shards.
type rewriter struct {
	st   *analyze.Statement
	args []driver.NamedValue
	ph   []placeholder
	mode placeholderMode
}

// newRewriter lexes the statement's placeholders and picks their mode.
func newRewriter(st *analyze.Statement, args []driver.NamedValue) (*rewriter, error) {
	r := &rewriter{st: st, args: args}
	var lx analyze.Lexer
	lx.Reset(st.Dialect, st.SQL)
	named, numbered, anon := false, false, false
	for t := lx.Next(); t.Kind != analyze.TokEOF; t = lx.Next() {
		if t.Kind != analyze.TokPlaceholder {
			continue
		}
		p := placeholder{start: int(t.Start), end: int(t.End), ord: int(t.Ord), name: t.PlaceholderName(st.SQL)}
		switch {
		case p.name != "":
			named = true
		case p.end-p.start > 1:
			numbered = true
		default:
			anon = true
		}
		r.ph = append(r.ph, p)
	}
	switch {
	case named && (st.Dialect != dialect.SQLite || numbered || anon):
		return nil, errors.New("named placeholders can be rewritten only on SQLite, and not mixed with positional ones")
	case named:
		r.mode = modeNamed
	case st.Dialect == dialect.Postgres:
		r.mode = modeDollar
	case st.Dialect == dialect.SQLite && numbered:
		r.mode = modeNumbered
	default:
		r.mode = modeAnon
	}
	return r, nil
}

// render applies edits (sorted by position, not overlapping) and returns
// one shard's SQL, its arguments and their original ordinals.
func (r *rewriter) render(db string, edits []edit) (sharding.ShardQuery, error) {
	slices.SortStableFunc(edits, func(a, b edit) int {
		if a.start != b.start {
			return a.start - b.start
		}
		return (a.end - a.start) - (b.end - b.start) // insertions first
	})
	o := output{r: r, numbers: map[int]int{}, names: map[string]bool{}, ords: []int{}, end: -1}
	o.b.Grow(len(r.st.SQL) + 64)
	at := 0
	for _, e := range edits {
		if e.start < at {
			return sharding.ShardQuery{}, errors.New("overlapping rewrites")
		}
		o.copy(at, e.start)
		for _, p := range e.with {
			if p.lit != "" {
				o.write(p.lit, -1, -1)
			} else {
				o.copy(p.start, p.end)
			}
		}
		at = e.end
	}
	o.copy(at, len(r.st.SQL))
	if o.err != nil {
		return sharding.ShardQuery{}, o.err
	}
	return sharding.ShardQuery{Database: db, SQL: o.b.String(), Args: o.args, ArgOrdinals: o.ords}, nil
}

// output is one rendering in progress.
type output struct {
	r       *rewriter
	b       strings.Builder
	args    []driver.NamedValue
	ords    []int
	numbers map[int]int // original ordinal -> new number
	names   map[string]bool
	err     error
	last    byte // the last byte written
	end     int  // where in the original the last write ended, or -1
}

// write appends text, with a space first when the text would otherwise
// glue onto the word before it (an edit next to a word: "(a)" + "0" +
// "FROM" must not become "0FROM").
// from and to locate the text in the original (-1 for literal text); text
// that continues the original where the last write stopped is never split.
func (o *output) write(text string, from, to int) {
	if text == "" {
		return
	}
	if o.b.Len() > 0 && (from < 0 || from != o.end) && wordByte(o.last) && wordByte(text[0]) {
		o.b.WriteByte(' ')
	}
	o.b.WriteString(text)
	o.last, o.end = text[len(text)-1], to
}

func wordByte(c byte) bool {
	return c == '_' || c == '$' || c >= 0x80 || (c >= '0' && c <= '9') || (c|0x20 >= 'a' && c|0x20 <= 'z')
}

// copy writes the original text [a, b), renumbering its placeholders.
func (o *output) copy(a, b int) {
	src := o.r.st.SQL
	i, _ := slices.BinarySearchFunc(o.r.ph, a, func(p placeholder, at int) int { return p.start - at })
	for ; i < len(o.r.ph) && o.r.ph[i].end <= b; i++ {
		p := &o.r.ph[i]
		o.write(src[a:p.start], a, p.start)
		o.placeholder(p)
		a = p.end
	}
	o.write(src[a:b], a, b)
}

func (o *output) placeholder(p *placeholder) {
	switch o.r.mode {
	case modeAnon:
		o.write("?", p.start, p.end)
		o.arg(p)
	case modeNamed:
		o.write(o.r.st.SQL[p.start:p.end], p.start, p.end)
		if !o.names[p.name] {
			o.names[p.name] = true
			o.arg(p)
		}
	default:
		n, ok := o.numbers[p.ord]
		if !ok {
			o.arg(p)
			n = len(o.args)
			o.numbers[p.ord] = n
		}
		mark := "?"
		if o.r.mode == modeDollar {
			mark = "$"
		}
		o.write(mark+strconv.Itoa(n), p.start, p.end)
	}
}

// arg appends the caller's argument for p.
func (o *output) arg(p *placeholder) {
	v := analyze.Value{Kind: analyze.ValuePlaceholder, Ordinal: p.ord, Name: p.name}
	val, ok := argFor(o.r.args, &v)
	if !ok && o.err == nil {
		o.err = errors.New("no argument for placeholder " + o.r.st.SQL[p.start:p.end])
	}
	ord := p.ord
	for i := range o.r.args {
		if p.name != "" && o.r.args[i].Name == p.name {
			ord = o.r.args[i].Ordinal
			break
		}
	}
	o.args = append(o.args, driver.NamedValue{Ordinal: len(o.args) + 1, Name: p.name, Value: val})
	o.ords = append(o.ords, ord)
}

// joined returns the spans as pieces separated by sep.
func joined(spans []analyze.Span, sep string) []piece {
	out := make([]piece, 0, 2*len(spans))
	for i, sp := range spans {
		if i > 0 {
			out = append(out, lit(sep))
		}
		out = append(out, span(sp))
	}
	return out
}
