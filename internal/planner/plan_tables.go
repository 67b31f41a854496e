package planner

import (
	"strings"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/analyze"
)

// Sharded reports whether st references a sharded or broadcast table, and so
// needs Plan. For DML it does not allocate: the path of unsharded statements
// stays as cheap as it was.
func (p *Planner) Sharded(st *analyze.Statement) bool {
	if p == nil || len(p.tables) == 0 {
		return false
	}
	for i := range st.Tables {
		if p.lookup(&st.Tables[i]) != nil {
			return true
		}
	}
	return p.scanTable(st) != nil || indexByName(st)
}

// indexByName reports whether st changes or rebuilds an index it names
// without its table (PostgreSQL and SQLite DROP INDEX, ALTER INDEX, REINDEX,
// COMMENT ON INDEX; MySQL names the table with ON). Which databases hold
// the index only their catalogs know, so in a sharded cluster the planner
// refuses it rather than run it on the default database alone.
func indexByName(st *analyze.Statement) bool {
	k := st.Kind
	if k != analyze.KindDDL && k != analyze.KindOther {
		return false
	}
	var lx analyze.Lexer
	lx.Reset(st.Dialect, st.SQL)
	var words [3]analyze.Keyword
	n := 0
	for t := lx.Next(); t.Kind != analyze.TokEOF; t = lx.Next() {
		if t.Kind == analyze.TokComment {
			continue
		}
		if n < len(words) {
			words[n] = t.Kw
			n++
		}
		if t.Kw == analyze.KwOn && n > 2 {
			return false // DROP INDEX i ON t: the table is named
		}
	}
	switch {
	case words[0] == analyze.KwDrop || words[0] == analyze.KwAlter:
		return words[1] == analyze.KwIndex
	case words[0] == analyze.KwReindex:
		return true
	case words[0] == analyze.KwComment:
		return words[1] == analyze.KwOn && words[2] == analyze.KwIndex
	}
	return false
}

// scanTable finds a configured table that a statement outside the
// structural parse names where the analyzer's table list does not look:
// DDL ON t (MySQL DROP INDEX i ON t, CREATE TRIGGER .. ON t, GRANT .. ON t),
// and any name in SHOW, DESCRIBE, PRAGMA and maintenance statements
// (COPY t, ANALYZE t). DML returns nil at once.
func (p *Planner) scanTable(st *analyze.Statement) *table {
	k := st.Kind
	if k != analyze.KindDDL && k != analyze.KindShow && k != analyze.KindOther && k != analyze.KindPragma {
		return nil
	}
	var lx analyze.Lexer
	lx.Reset(st.Dialect, st.SQL)
	on := false
	for t := lx.Next(); t.Kind != analyze.TokEOF; t = lx.Next() {
		switch {
		case t.Kind == analyze.TokComment:
			continue
		case t.Kind == analyze.TokIdent && t.Kw == analyze.KwOn:
			on = true
			continue
		case (t.Kind == analyze.TokIdent || t.Kind == analyze.TokQuotedIdent) && (on || k != analyze.KindDDL):
			ref := analyze.TableRef{Name: t.Name(st.SQL, p.d == dialect.Postgres)}
			if tb := p.lookup(&ref); tb != nil {
				return tb
			}
		}
		on = false
	}
	return nil
}

// lookup returns the configured table ref names, or nil.
func (p *Planner) lookup(ref *analyze.TableRef) *table {
	if ref.CTE || ref.Derived || ref.Func || ref.Name == "" || len(ref.Name) > p.maxLen {
		return nil
	}
	var t *table
	if !p.fold || !hasUpperASCII(ref.Name) {
		t = p.tables[ref.Name]
	} else {
		var buf [128]byte
		if len(ref.Name) > len(buf) {
			return p.lookupSlow(ref)
		}
		b := buf[:len(ref.Name)]
		for i := 0; i < len(b); i++ {
			c := ref.Name[i]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			b[i] = c
		}
		t = p.tables[string(b)]
	}
	if t == nil || (t.schema != "" && ref.Schema != "" && !p.nameEq(t.schema, ref.Schema)) {
		return nil
	}
	return t
}

// lookupSlow is lookup for names longer than its buffer.
func (p *Planner) lookupSlow(ref *analyze.TableRef) *table {
	for _, t := range p.tables {
		if strings.EqualFold(t.name, ref.Name) && (t.schema == "" || ref.Schema == "" || strings.EqualFold(t.schema, ref.Schema)) {
			return t
		}
	}
	return nil
}

// nameEq compares two identifiers as the dialect resolves them: exactly on
// PostgreSQL (bare names are already folded), ignoring ASCII case elsewhere.
func (p *Planner) nameEq(a, b string) bool {
	if p.fold {
		return strings.EqualFold(a, b)
	}
	return a == b
}

func hasUpperASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			return true
		}
	}
	return false
}

// tableLabel names a configured table in reasons and errors.
func (t *table) label() string {
	if t.schema != "" {
		return t.schema + "." + t.name
	}
	return t.name
}
