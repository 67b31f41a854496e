package engine

import (
	"context"
	"database/sql/driver"
	"io"

	"github.com/grantsql/grant/internal/planner"
	"github.com/grantsql/grant/registry"
)

// textCatalogView is the planner.Catalog of one plan: the facts it needs,
// copied out of the state.
type textCatalogView struct {
	c      *textCatalog
	tables map[string]map[string]planner.TextOrder
	named  map[string]planner.TextOrder
	def    planner.TextOrder
	hasDef bool
}

var _ planner.Catalog = (*textCatalogView)(nil)

// Column returns the order of a column of a configured table.
func (v *textCatalogView) Column(schema, table, column string) (planner.TextOrder, bool) {
	o, ok := v.tables[v.c.tableKey(schema, table)][v.c.fold(column)]
	return o, ok
}

// Collation returns the order of a named collation.
func (v *textCatalogView) Collation(name string) (planner.TextOrder, bool) {
	o, ok := v.named[v.c.fold(name)]
	return o, ok
}

// Default returns the order of text of no column.
func (v *textCatalogView) Default() planner.TextOrder { return v.def }

// textCatalogRows runs a catalog query on the primary of database db and
// returns its rows, []byte values as strings.
func (e *Engine) textCatalogRows(ctx context.Context, db string, q string, args ...any) ([][]any, error) {
	d, err := e.database(db)
	if err != nil {
		return nil, err
	}
	return textNodeRows(ctx, d.Primary, q, args...)
}

// textNodeRows runs q on a connection of node n and returns its rows, []byte
// values as strings. A connection that fails before answering is replaced
// once.
func textNodeRows(ctx context.Context, n *registry.Node, q string, args ...any) ([][]any, error) {
	out, err := textNodeRowsOnce(ctx, n, q, args...)
	if err != nil && registry.IsConnError(err) && ctx.Err() == nil {
		out, err = textNodeRowsOnce(ctx, n, q, args...)
	}
	return out, err
}

func textNodeRowsOnce(ctx context.Context, n *registry.Node, q string, args ...any) (out [][]any, err error) {
	ctx = registry.WithPurpose(ctx, registry.PurposeCatalog)
	var c registry.Conn
	if err := n.Acquire(ctx, &c); err != nil {
		return nil, err
	}
	defer func() { c.Release(err) }()
	named := make([]driver.NamedValue, len(args))
	for i, a := range args {
		named[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
	}
	rows, st, err := c.Query(ctx, q, named, false)
	if err != nil {
		return nil, n.Wrap(err)
	}
	defer func() {
		if st != nil {
			st.Close()
		}
	}()
	defer rows.Close()
	for {
		row := make([]driver.Value, len(rows.Columns()))
		if err := rows.Next(row); err != nil {
			if err == io.EOF {
				break
			}
			return nil, n.Wrap(err)
		}
		vals := make([]any, len(row))
		for i, v := range row {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			vals[i] = v
		}
		out = append(out, vals)
	}
	return out, nil
}
