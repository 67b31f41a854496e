package planner

import (
	"context"

	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/merge"
)

// Catalog tells the planner how the servers compare the values of the
// configured tables' columns, and text under a named collation: what their
// catalogs say, read by the executor before planning and held in memory.
// The planner reads it and does no I/O. Names are as the statement resolves
// them (the catalog folds case where the dialect does).
//
// With a Catalog, a read merged across shards orders, groups and removes
// duplicates of text exactly as one database would: on MySQL by the
// server's collation weights (WEIGHT_STRING in a hidden column), on
// PostgreSQL byte-wise for byte-order collations and by the server's ranks
// for the others, on SQLite by BINARY, NOCASE or RTRIM. Without one (nil)
// the merge assumes the configured collations (sharding.collation and
// sharding.collations) and the dialect defaults, as before the catalog.
type Catalog interface {
	// Column returns how the values of column of the configured table
	// schema.table compare; ok is false when the catalog does not know it.
	Column(schema, table, column string) (o TextOrder, ok bool)
	// Collation returns how text under COLLATE name compares.
	Collation(name string) (o TextOrder, ok bool)
	// Default returns how text compares that takes its collation from no
	// column: PostgreSQL's database default, MySQL's connection collation,
	// SQLite's BINARY.
	Default() TextOrder
}

// TextOrder is how a server orders and compares the values of a column or
// expression.
type TextOrder struct {
	// Text says the values are text a collation orders. Other values
	// (numbers, times, binary strings) compare as themselves.
	Text bool
	// Name is the server's name of the collation, for messages.
	Name string
	// Collation is the merge collation that reproduces the order (binary,
	// binary_pad, ascii_nocase, rtrim or merge.ServerCollation). Empty on
	// MySQL means: merge by the server's weights (WEIGHT_STRING).
	Collation merge.Collation
	// Pad is, for MySQL weights, the hex of the weight of a space when the
	// collation is PAD SPACE (merge.Weight.Pad).
	Pad string
	// Index says the column is a MySQL ENUM or SET, which ORDER BY orders
	// by its index (expr+0) and MIN and MAX by its text.
	Index bool
	// Refuse, when set, says why no exact merge of this order exists: the
	// statement is refused, naming the column.
	Refuse string
}

// CatalogTable is a configured table whose column facts a plan may read.
type CatalogTable struct {
	// Schema and Name are the table's configured name; Databases the
	// databases holding it (every one for a broadcast table).
	Schema, Name string
	Databases    []string
}

// CatalogTables returns the configured tables of st whose columns a plan
// of st may compare as text across shards (for its ORDER BY, GROUP BY,
// DISTINCT, MIN and MAX), or nil when it compares none: what the executor
// reads into its Catalog before planning st.
func (p *Planner) CatalogTables(st *analyze.Statement) []CatalogTable {
	q := st.Select
	if q == nil || !(len(q.OrderBy) > 0 || len(q.GroupBy) > 0 || q.Distinct || q.Aggregates) {
		return nil
	}
	var out []CatalogTable
	seen := map[*table]bool{}
	for i := range st.Tables {
		t := p.lookup(&st.Tables[i])
		if t == nil || seen[t] {
			continue
		}
		seen[t] = true
		ct := CatalogTable{Schema: t.schema, Name: t.name}
		for db := t.dbs.next(0); db >= 0; db = t.dbs.next(db + 1) {
			ct.Databases = append(ct.Databases, p.dbs[db])
		}
		out = append(out, ct)
	}
	return out
}

// textOptions are the Options a plan's text comparisons depend on. They
// travel to the rewrite in the planning context.
type textOptions struct {
	catalog Catalog
}

type textOptionsKey struct{}

// withTextOptions returns ctx carrying o's catalog, when it has one.
func withTextOptions(ctx context.Context, o *Options) context.Context {
	if o.Catalog == nil {
		return ctx
	}
	return context.WithValue(ctx, textOptionsKey{}, &textOptions{catalog: o.Catalog})
}

// catalog returns the catalog of the plan, or nil.
func (s *planState) catalog() Catalog {
	if s.ctx == nil {
		return nil
	}
	if o, ok := s.ctx.Value(textOptionsKey{}).(*textOptions); ok {
		return o.catalog
	}
	return nil
}
