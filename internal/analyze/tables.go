package analyze

import "github.com/grantsql/grant/dialect"

// heuristicTables finds the tables of a statement the structural parse did
// not fully understand: names after FROM, JOIN, INTO, UPDATE, TABLE, TABLES,
// TRUNCATE, USING (MERGE, DELETE) and ON (CREATE INDEX), skipping FROM inside
// function calls (EXTRACT(x FROM y)) and IS DISTINCT FROM. It reports too
// much rather than too little. The result extends known, without duplicates.
func heuristicTables(d dialect.Dialect, src string, toks []Token, known []TableRef) []TableRef {
	v := &view{d: d, src: src, t: toks}
	out := known
	var calls []bool // per open parenthesis: is it a function call's?
	ctes := cteNames(v)
	index := false
	for i := 0; i < len(toks); i++ {
		switch {
		case v.punct(i, '('):
			k := v.kind(i - 1)
			kw := v.kw(i - 1)
			call := (k == TokIdent && !kw.Reserved() && kw != KwExists && kw != KwArray) || k == TokQuotedIdent
			calls = append(calls, call)
			continue
		case v.punct(i, ')'):
			if len(calls) > 0 {
				calls = calls[:len(calls)-1]
			}
			continue
		}
		if len(calls) > 0 && calls[len(calls)-1] {
			continue
		}
		prev := v.kw(i - 1)
		switch v.kw(i) {
		case KwFrom:
			if prev != KwDistinct {
				out = readTables(v, i+1, true, false, ctes, out)
			}
		case KwJoin, KwStraightJoin:
			out = readTables(v, i+1, false, false, ctes, out)
		case KwInto:
			j := i + 1
			for k := v.kw(j); k == KwTemp || k == KwTemporary || k == KwUnlogged || k == KwTable || k == KwLocal || k == KwGlobal; k = v.kw(j) {
				j++
			}
			if k := v.kw(j); k != KwOutfile && k != KwDumpfile {
				out = readTables(v, j, false, true, ctes, out)
			}
		case KwUpdate:
			if prev == KwFor || prev == KwKey || prev == KwDo || prev == KwOn {
				continue
			}
			j := i + 1
			for k := v.kw(j); k == KwLowPriority || k == KwIgnore || k == KwOnly || k == KwOr; k = v.kw(j) {
				j++
				if k == KwOr {
					j++
				}
			}
			out = readTables(v, j, true, false, ctes, out)
		case KwTable, KwTables, KwTruncate:
			j := i + 1
			for k := v.kw(j); k == KwIf || k == KwNot || k == KwExists || k == KwOnly; k = v.kw(j) {
				j++
			}
			if v.kw(j) != KwTable {
				out = readTables(v, j, true, true, ctes, out)
			}
		case KwIndex:
			index = v.kw(0) == KwCreate
		case KwOn:
			if index {
				out = readTables(v, i+1, false, true, ctes, out)
				index = false
			}
		case KwUsing:
			if k := v.kw(0); k == KwMerge || k == KwDelete {
				out = readTables(v, i+1, true, false, ctes, out)
			}
		}
	}
	return out
}

// readTables reads table names from j: one, or a comma list when list is
// set. A name followed by '(' is a function call unless paren is set (INSERT
// INTO t (cols), CREATE TABLE t (..)).
func readTables(v *view, j int, list, paren bool, ctes []string, out []TableRef) []TableRef {
	fold := v.d == dialect.Postgres
	for {
		if k := v.kw(j); k == KwOnly || k == KwLateral {
			j++
		}
		if k := v.kind(j); k != TokIdent && k != TokQuotedIdent || (k == TokIdent && v.kw(j).Reserved()) {
			return out
		}
		first := j
		for v.punct(j+1, '.') && (v.kind(j+2) == TokIdent || v.kind(j+2) == TokQuotedIdent) {
			j += 2
		}
		if v.punct(j+1, '(') && !paren {
			return out
		}
		ref := TableRef{Name: v.t[j].Name(v.src, fold), Span: Span{int(v.t[first].Start), int(v.t[j].End)}}
		if j-first >= 2 {
			ref.Schema = v.t[j-2].Name(v.src, fold)
		}
		j++
		if v.kw(j) == KwAs {
			j++
		}
		if k := v.kind(j); (k == TokIdent && !v.kw(j).Reserved() && !isLockMode(v, j)) || k == TokQuotedIdent {
			ref.Alias = v.t[j].Name(v.src, fold)
			j++
		}
		if ref.Schema != "" || !inFold(ctes, ref.Name) {
			out = addTable(out, ref)
		}
		for isLockMode(v, j) {
			j++
		}
		if !list || !v.punct(j, ',') {
			return out
		}
		j++
	}
}

// isLockMode reports LOCK TABLES' READ / WRITE / LOCAL words.
func isLockMode(v *view, j int) bool {
	k := v.kw(j)
	return k == KwRead || k == KwWrite || k == KwLocal || k == KwLowPriority
}

// addTable appends ref unless a reference with the same schema, name and
// alias is already listed.
func addTable(out []TableRef, ref TableRef) []TableRef {
	for _, t := range out {
		if t.Schema == ref.Schema && t.Name == ref.Name && t.Alias == ref.Alias {
			return out
		}
	}
	return append(out, ref)
}

// cteNames returns the names WITH clauses define: after each WITH
// [RECURSIVE], name [(columns)] AS [[NOT] MATERIALIZED] (body), repeated
// after commas.
func cteNames(v *view) []string {
	var names []string
	for i := 0; i < len(v.t); i++ {
		if v.kw(i) != KwWith {
			continue
		}
		j := i + 1
		if v.kw(j) == KwRecursive {
			j++
		}
		for {
			k := v.kind(j)
			if k != TokIdent && k != TokQuotedIdent {
				break
			}
			name := j
			j++
			if v.punct(j, '(') {
				j = skipGroup(v, j)
			}
			if v.kw(j) != KwAs {
				break
			}
			j++
			for v.kw(j) == KwNot || v.kw(j) == KwMaterialized {
				j++
			}
			if !v.punct(j, '(') {
				break
			}
			names = append(names, v.t[name].Name(v.src, v.d == dialect.Postgres))
			j = skipGroup(v, j)
			if !v.punct(j, ',') {
				break
			}
			j++
		}
	}
	return names
}

// inFold reports whether s is in list, ignoring ASCII case.
func inFold(list []string, s string) bool {
	for _, x := range list {
		if len(x) == len(s) && equalFoldASCII(lowerASCII(x), s) {
			return true
		}
	}
	return false
}
