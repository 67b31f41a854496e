package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/grantsql/grant/internal/planner"
	"github.com/grantsql/grant/merge"
)

// pgCatalog reads PostgreSQL's textCatalogs. A column's collation is its own
// (pg_attribute.attcollation) or, for "default", its database's; byte-order
// collations (C, POSIX, C.UTF-8, ucs_basic, the builtin provider's) merge
// byte-wise in a UTF8 or LATIN1 database, nondeterministic ones are
// refused, and the others are ranked on the cluster's default database
// (pgRanker), which must know the collation with the same locale.
type pgCatalog struct {
	e *Engine
	// rank is the default database's own facts, read once.
	rank *pgRankFacts
}

// pgRankFacts describe the database where text is ranked.
type pgRankFacts struct {
	db    string
	def   pgLocale
	colls []pgColl
}

// pgLocale is a database's default collation.
type pgLocale struct {
	provider, collate, icu, encoding string
}

// pgColl is one pg_collation row.
type pgColl struct {
	schema, name              string
	provider, collate, icu    string
	deterministic, hasDetFlag bool
}

// parsePgColl reads the to_jsonb of a pg_collation row: the ICU locale is
// colliculocale up to PostgreSQL 16 and colllocale from 17.
func parsePgColl(schema, js string) (pgColl, error) {
	var raw struct {
		Name          string  `json:"collname"`
		Provider      string  `json:"collprovider"`
		Collate       *string `json:"collcollate"`
		ICU           *string `json:"colliculocale"`
		Locale        *string `json:"colllocale"`
		Deterministic *bool   `json:"collisdeterministic"`
	}
	if err := json.Unmarshal([]byte(js), &raw); err != nil {
		return pgColl{}, fmt.Errorf("grant: reading pg_collation: %w", err)
	}
	c := pgColl{schema: schema, name: raw.Name, provider: raw.Provider, deterministic: true}
	for _, s := range []*string{raw.Collate} {
		if s != nil {
			c.collate = *s
		}
	}
	for _, s := range []*string{raw.ICU, raw.Locale} {
		if s != nil && *s != "" {
			c.icu = *s
		}
	}
	if raw.Deterministic != nil {
		c.deterministic = *raw.Deterministic
	}
	return c, nil
}

// locale reads a database's default collation.
func (p *pgCatalog) locale(ctx context.Context, db string) (pgLocale, error) {
	rows, err := p.e.textCatalogRows(ctx, db, "SELECT to_jsonb(d)::text, pg_encoding_to_char(d.encoding) FROM pg_database d WHERE d.datname = current_database()")
	if err != nil || len(rows) != 1 {
		return pgLocale{}, fmt.Errorf("grant: reading the default collation of database %s: %v", db, err)
	}
	var raw struct {
		Collate  string  `json:"datcollate"`
		Provider *string `json:"datlocprovider"`
		ICU      *string `json:"daticulocale"`
		Locale   *string `json:"datlocale"`
	}
	if err := json.Unmarshal([]byte(rows[0][0].(string)), &raw); err != nil {
		return pgLocale{}, fmt.Errorf("grant: reading pg_database of %s: %w", db, err)
	}
	l := pgLocale{provider: "c", collate: raw.Collate, encoding: fmt.Sprint(rows[0][1])}
	if raw.Provider != nil {
		l.provider = *raw.Provider
	}
	for _, s := range []*string{raw.ICU, raw.Locale} {
		if s != nil && *s != "" {
			l.icu = *s
		}
	}
	return l, nil
}

// forget drops the ranking database's facts after DDL (CREATE COLLATION).
func (p *pgCatalog) forget() { p.rank = nil }

// rankFacts returns the ranking database's facts, reading them once.
func (p *pgCatalog) rankFacts(ctx context.Context) (*pgRankFacts, error) {
	if p.rank != nil {
		return p.rank, nil
	}
	db := p.e.reg.Default().Name
	def, err := p.locale(ctx, db)
	if err != nil {
		return nil, err
	}
	rows, err := p.e.textCatalogRows(ctx, db, "SELECT n.nspname, to_jsonb(c)::text FROM pg_collation c JOIN pg_namespace n ON n.oid = c.collnamespace")
	if err != nil {
		return nil, err
	}
	f := &pgRankFacts{db: db, def: def}
	for _, r := range rows {
		c, err := parsePgColl(r[0].(string), r[1].(string))
		if err != nil {
			return nil, err
		}
		f.colls = append(f.colls, c)
	}
	p.rank = f
	return f, nil
}

func (p *pgCatalog) defaults(ctx context.Context) (planner.TextOrder, error) {
	f, err := p.rankFacts(ctx)
	if err != nil {
		return planner.TextOrder{}, err
	}
	return p.order(f, pgColl{schema: "pg_catalog", name: "default", provider: "d", deterministic: true}, f.def), nil
}

func (p *pgCatalog) collations(ctx context.Context, names []string) (map[string]planner.TextOrder, error) {
	f, err := p.rankFacts(ctx)
	if err != nil || len(names) == 0 {
		return nil, err
	}
	out := map[string]planner.TextOrder{}
	for _, n := range names {
		for _, c := range f.colls {
			if c.name == n {
				out[n] = p.order(f, c, f.def)
				break
			}
		}
	}
	return out, nil
}

// pgColumnsQuery lists a table's columns with their collations.
const pgColumnsQuery = `SELECT a.attname, a.attcollation <> 0, COALESCE(n.nspname, ''), COALESCE(to_jsonb(c)::text, '')
FROM pg_attribute a LEFT JOIN pg_collation c ON c.oid = a.attcollation LEFT JOIN pg_namespace n ON n.oid = c.collnamespace
WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped`

func (p *pgCatalog) table(ctx context.Context, t planner.CatalogTable) (map[string]planner.TextOrder, error) {
	f, err := p.rankFacts(ctx)
	if err != nil {
		return nil, err
	}
	name := quotePg(t.Name)
	if t.Schema != "" {
		name = quotePg(t.Schema) + "." + name
	}
	per := make([]map[string]planner.TextOrder, 0, len(t.Databases))
	for _, db := range t.Databases {
		def, err := p.locale(ctx, db)
		if err != nil {
			return nil, err
		}
		rows, err := p.e.textCatalogRows(ctx, db, pgColumnsQuery, name)
		if err != nil {
			return nil, err
		}
		cols := map[string]planner.TextOrder{}
		for _, r := range rows {
			if collatable, _ := r[1].(bool); !collatable {
				cols[r[0].(string)] = planner.TextOrder{}
				continue
			}
			c, err := parsePgColl(r[2].(string), r[3].(string))
			if err != nil {
				return nil, err
			}
			o := p.order(f, c, def)
			if def.encoding != f.def.encoding && o.Collation != merge.CollationBinary && o.Refuse == "" {
				o.Refuse = fmt.Sprintf("database %s is %s and database %s, where Grant ranks text, is %s", db, def.encoding, f.db, f.def.encoding)
			}
			cols[r[0].(string)] = o
		}
		per = append(per, cols)
	}
	return agreeingOrders(t, per), nil
}

// order is how text in collation c compares, in a database whose default
// collation is def.
func (p *pgCatalog) order(f *pgRankFacts, c pgColl, def pgLocale) planner.TextOrder {
	display := c.name
	if c.provider == "d" {
		c.provider, c.collate, c.icu = def.provider, def.collate, def.icu
		display = "default (" + def.collate + def.icu + ")"
	}
	o := planner.TextOrder{Text: true, Name: display}
	switch {
	case !c.deterministic:
		o.Refuse = fmt.Sprintf("collation %s is nondeterministic: text it holds equal may differ in bytes, which the merge cannot group or order", display)
	case pgByteOrder(c) && (def.encoding == "UTF8" || def.encoding == "LATIN1" || def.encoding == "SQL_ASCII"):
		o.Collation = merge.CollationBinary
	case pgByteOrder(c):
		o.Refuse = fmt.Sprintf("collation %s orders the bytes of encoding %s, which the merge does not see", display, def.encoding)
	case c.name == "default" && c.schema == "pg_catalog" && sameLocale(c, f.def):
		o.Collation = merge.ServerCollation(`"default"`)
	default:
		for _, r := range f.colls {
			if (r.name == c.name || c.name == "default") && sameLocale(c, pgLocale{provider: r.provider, collate: r.collate, icu: r.icu}) && r.deterministic {
				o.Collation = merge.ServerCollation(quotePg(r.schema) + "." + quotePg(r.name))
				return o
			}
		}
		o.Refuse = fmt.Sprintf("collation %s does not exist with the same locale in database %s, where Grant ranks text", display, f.db)
	}
	return o
}

// pgByteOrder reports whether a collation orders text by its bytes.
func pgByteOrder(c pgColl) bool {
	switch c.provider {
	case "b": // builtin (PostgreSQL 17): C, C.UTF-8, PG_UNICODE_FAST: code points
		return true
	case "c":
		switch strings.ToLower(c.collate) {
		case "c", "posix", "c.utf8", "c.utf-8":
			return true
		}
	}
	return false
}

func sameLocale(c pgColl, l pgLocale) bool {
	if c.provider != l.provider {
		return false
	}
	if c.provider == "i" {
		return c.icu == l.icu
	}
	return c.collate == l.collate
}

// quotePg quotes a PostgreSQL identifier.
func quotePg(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// agreeingOrders merges the column facts read on each database of a table: a
// column whose order differs between databases is refused, naming both.
func agreeingOrders(t planner.CatalogTable, per []map[string]planner.TextOrder) map[string]planner.TextOrder {
	if len(per) == 0 {
		return map[string]planner.TextOrder{}
	}
	out := per[0]
	for i := 1; i < len(per); i++ {
		for col, o := range per[i] {
			first, ok := out[col]
			switch {
			case !ok:
				out[col] = o
			case first != o && first.Refuse == "":
				first.Refuse = fmt.Sprintf("column %s.%s is %s on database %s and %s on database %s",
					t.Name, col, textOrderName(first), t.Databases[0], textOrderName(o), t.Databases[i])
				out[col] = first
			}
		}
	}
	return out
}

func textOrderName(o planner.TextOrder) string {
	if !o.Text {
		return "not text"
	}
	return "in collation " + o.Name
}
