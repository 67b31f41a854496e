package lockrewrite

import (
	"strconv"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/analyze"
)

// placeholder chooses the placeholder of a new argument inserted at byte
// offset at, and its position among the statement's arguments:
//
//   - numbered placeholders (PostgreSQL $n; SQLite ?NNN or $NNN, when the
//     statement uses only those): the next number, appended after the
//     others, so no existing number changes;
//   - ? placeholders (MySQL, SQLite): a ? whose argument goes after those
//     of the placeholders before it in the text (ORDER BY / LIMIT
//     arguments after it move up by one);
//   - SQLite named placeholders (:name, @name, $name): also a ?, which
//     SQLite numbers after the parameters before it, so the argument goes
//     at that number; named arguments keep binding by name.
//
// MySQL has no named placeholders and PostgreSQL none but $n: a statement
// with others is refused, and so is a SQLite statement mixing numbered
// placeholders with others.
func placeholder(tk tokens, st *analyze.Statement, at int) (Arg, error) {
	var (
		maxNum     int64 // the largest explicit number ($n, ?NNN)
		numbered   bool
		other      bool  // ? or a name
		named      bool  // a name
		before     int32 // the largest ordinal before at
		bareBefore int   // ? placeholders before at (MySQL)
	)
	for _, t := range tk.t {
		if t.Kind != analyze.TokPlaceholder {
			continue
		}
		text := t.Text(tk.src)
		n, isNum := placeholderNumber(tk.d, text)
		switch {
		case isNum:
			numbered = true
			maxNum = max(maxNum, n)
		case text == "?":
			other = true
			if int(t.Start) < at {
				bareBefore++
			}
		default:
			other, named = true, true
		}
		if int(t.Start) < at {
			before = max(before, t.Ord)
		}
	}
	switch tk.d {
	case dialect.Postgres:
		if other {
			return Arg{}, refuseVersion(st.SQL, "PostgreSQL statements take $n placeholders only")
		}
		return Arg{Index: int(maxNum), Placeholder: "$" + strconv.FormatInt(maxNum+1, 10)}, nil
	case dialect.MySQL:
		if named || numbered {
			return Arg{}, refuseVersion(st.SQL, "MySQL statements take ? placeholders only")
		}
		return Arg{Index: bareBefore, Placeholder: "?"}, nil
	}
	// SQLite
	if numbered {
		if other {
			return Arg{}, refuseVersion(st.SQL, "the statement mixes numbered placeholders (?NNN, $NNN) with others")
		}
		return Arg{Index: int(maxNum), Placeholder: "?" + strconv.FormatInt(maxNum+1, 10)}, nil
	}
	return Arg{Index: int(before), Placeholder: "?"}, nil
}

// placeholderNumber returns n for $n (PostgreSQL, SQLite) and ?n (SQLite).
func placeholderNumber(d dialect.Dialect, text string) (int64, bool) {
	if len(text) < 2 || (text[0] != '$' && text[0] != '?') || (text[0] == '?' && d != dialect.SQLite) {
		return 0, false
	}
	for i := 1; i < len(text); i++ {
		if text[i] < '0' || text[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(text[1:], 10, 32)
	return n, err == nil
}
