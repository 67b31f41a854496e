package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/internal/planner"
	"github.com/grantsql/grant/merge"
)

// sqliteCatalog reads the collations of SQLite columns from their CREATE
// TABLE text in sqlite_master: BINARY (the default), NOCASE and RTRIM
// merge exactly; a collation the application defined is refused.
type sqliteCatalog struct{ e *Engine }

// sqliteOrder returns the order of SQLite's collation name.
func sqliteOrder(name string) planner.TextOrder {
	o := planner.TextOrder{Text: true, Name: strings.ToUpper(name)}
	switch o.Name {
	case "BINARY":
		o.Collation = merge.CollationBinary
	case "NOCASE":
		o.Collation = merge.CollationASCIINoCase
	case "RTRIM":
		o.Collation = merge.CollationRTrim
	default:
		o.Refuse = fmt.Sprintf("collation %s is defined by the application, and the merge cannot reproduce it", name)
	}
	return o
}

func (*sqliteCatalog) defaults(context.Context) (planner.TextOrder, error) {
	return sqliteOrder("BINARY"), nil
}

func (*sqliteCatalog) collations(_ context.Context, names []string) (map[string]planner.TextOrder, error) {
	out := map[string]planner.TextOrder{}
	for _, n := range names {
		out[n] = sqliteOrder(n)
	}
	return out, nil
}

func (c *sqliteCatalog) table(ctx context.Context, t planner.CatalogTable) (map[string]planner.TextOrder, error) {
	var per []map[string]planner.TextOrder
	for _, db := range t.Databases {
		rows, err := c.e.textCatalogRows(ctx, db, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ? COLLATE NOCASE", t.Name)
		if err != nil {
			return nil, err
		}
		cols := map[string]planner.TextOrder{}
		if len(rows) == 1 {
			for name, coll := range sqliteColumnCollations(fmt.Sprint(rows[0][0])) {
				cols[strings.ToLower(name)] = sqliteOrder(coll)
			}
		}
		per = append(per, cols)
	}
	return agreeingOrders(t, per), nil
}

// sqliteColumnCollations returns the collation of each column a CREATE
// TABLE statement defines (BINARY when it names none).
func sqliteColumnCollations(sql string) map[string]string {
	var lx analyze.Lexer
	lx.Reset(dialect.SQLite, sql)
	out := map[string]string{}
	depth, start, name := 0, true, ""
	var prev analyze.Token
	for t := lx.Next(); t.Kind != analyze.TokEOF; t = lx.Next() {
		if t.Kind == analyze.TokComment {
			continue
		}
		switch {
		case t.IsPunct(sql, '('):
			depth++
			if depth == 1 {
				start = true
				prev = t
				continue
			}
		case t.IsPunct(sql, ')'):
			depth--
		case depth == 1 && t.IsPunct(sql, ','):
			start, name = true, ""
			prev = t
			continue
		}
		if depth == 1 && start {
			start = false
			switch strings.ToUpper(t.Text(sql)) {
			case "CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN":
			default:
				if t.Kind == analyze.TokIdent || t.Kind == analyze.TokQuotedIdent || t.Kind == analyze.TokString {
					name = t.Ident(sql)
					if t.Kind == analyze.TokString {
						name = t.StringValue(sql)
					}
					out[name] = "BINARY"
				}
			}
		} else if depth == 1 && name != "" && prev.Kw == analyze.KwCollate && (t.Kind == analyze.TokIdent || t.Kind == analyze.TokQuotedIdent) {
			out[name] = t.Ident(sql)
		}
		prev = t
	}
	return out
}
