package lockrewrite

import (
	"sort"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/sanitize"
)

// tokens is a statement's tokens without comments. Rewrites are computed
// once per statement text and cached, so lexing again here is cheap enough.
type tokens struct {
	d   dialect.Dialect
	src string
	t   []analyze.Token
}

func lex(d dialect.Dialect, src string) tokens {
	var lx analyze.Lexer
	lx.Reset(d, src)
	tk := tokens{d: d, src: src}
	for {
		t := lx.Next()
		if t.Kind == analyze.TokEOF {
			return tk
		}
		if t.Kind != analyze.TokComment {
			tk.t = append(tk.t, t)
		}
	}
}

// at returns the index of the token starting at byte offset off, or -1.
func (tk tokens) at(off int) int {
	i := sort.Search(len(tk.t), func(i int) bool { return int(tk.t[i].Start) >= off })
	if i < len(tk.t) && int(tk.t[i].Start) == off {
		return i
	}
	return -1
}

// kw reports whether token i is keyword k.
func (tk tokens) kw(i int, k analyze.Keyword) bool {
	return i >= 0 && i < len(tk.t) && tk.t[i].Kind == analyze.TokIdent && tk.t[i].Kw == k
}

// punct reports whether token i is the punctuation c.
func (tk tokens) punct(i int, c byte) bool {
	return i >= 0 && i < len(tk.t) && tk.t[i].IsPunct(tk.src, c)
}

// end returns the byte offset after the last token of the first statement
// (before a trailing ';'), where text may be appended.
func (tk tokens) end() int {
	for i, t := range tk.t {
		if t.IsPunct(tk.src, ';') {
			if i == 0 {
				return int(t.Start)
			}
			return int(tk.t[i-1].End)
		}
	}
	if len(tk.t) == 0 {
		return len(tk.src)
	}
	return int(tk.t[len(tk.t)-1].End)
}

// ident writes a name for dialect d: as it is when it is a plain
// identifier the server reads back unchanged (letters, digits and '_', not
// starting with a digit, lower case on PostgreSQL, not a reserved word),
// quoted otherwise.
func ident(d dialect.Dialect, name string) string {
	if plain(d, name) {
		return name
	}
	q, err := sanitize.QuoteIdentParts(d, name)
	if err != nil { // names are checked by locking.Config.Validate
		return name
	}
	return q
}

func plain(d dialect.Dialect, name string) bool {
	if name == "" || name[0] >= '0' && name[0] <= '9' {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '_' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
		case c >= 'A' && c <= 'Z' && d != dialect.Postgres:
		default:
			return false
		}
	}
	var lx analyze.Lexer
	lx.Reset(d, name)
	t := lx.Next()
	return t.Kind == analyze.TokIdent && int(t.End) == len(name) && !t.Kw.Reserved()
}
