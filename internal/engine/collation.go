package engine

import (
	"context"
	"database/sql/driver"
	"strings"
	"sync"
	"time"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/internal/planner"
	"github.com/grantsql/grant/merge"
	"github.com/grantsql/grant/sharding"
)

// How the servers compare text, for reads merged across shards: before a
// read that may order, group or remove duplicates of text is planned, the
// engine reads the collations of the columns of its configured tables from
// the catalogs of the databases holding them (PostgreSQL pg_attribute and
// pg_collation, MySQL information_schema, SQLite the CREATE TABLE text),
// once per table, and gives the planner those facts as a planner.Catalog
// that reads memory only. PostgreSQL's linguistic collations are ranked at
// merge time by a query on the default database (pgRanker).
//
// The facts are kept until DDL runs through Grant: a DDL statement drops
// them, and facts read in the textCatalogTTLAfterDDL after it are kept only
// until that window closes and are then read once more, so that facts read
// while the DDL was still running (or uncommitted, in a transaction) do not
// outlive the window, while a burst of reads after a migration still reads
// each table's catalog once, not once per statement. Facts older than
// textCatalogTTL are read again, for DDL run elsewhere.
const (
	textCatalogTTL         = 10 * time.Minute
	textCatalogTTLAfterDDL = 10 * time.Second
)

// planSharded plans st with the sharding planner p under o, first giving
// the planner the catalog facts st needs (reading them on first use) and,
// on PostgreSQL, the ranker of its linguistic collations. (DDL run through
// the session drops the facts it may change: Session.beforePlan, afterDDL.)
func (e *Engine) planSharded(ctx context.Context, s *Session, p *planner.Planner, st *analyze.Statement, args []driver.NamedValue, o planner.Options) (*sharding.Plan, error) {
	c := e.text
	if tables := p.CatalogTables(st); len(tables) > 0 && o.Shard == "" {
		if c.missing(tables, st) {
			// Facts not in memory: a plan that compares no text across
			// shards (one database, or sums and counts only) needs none.
			if pl, err := p.Plan(ctx, st, args, o); err == nil && !comparesText(pl) {
				return pl, nil
			}
			if s != nil && s.idle.Held() {
				s.idle.Release(nil) // never wait for a connection while holding one
			}
		}
		view, err := c.load(ctx, tables, collateNames(e.d, st.SQL))
		if err != nil {
			return nil, err
		}
		o.Catalog = view
		if e.d == dialect.Postgres {
			o.Ranker = c.ranker
		}
	}
	return p.Plan(ctx, st, args, o)
}

// comparesText reports whether the merge of pl may compare values across
// shards (ordering, grouping, DISTINCT, MIN/MAX, DISTINCT aggregates):
// whether text in it depends on the servers' collations.
func comparesText(pl *sharding.Plan) bool {
	m := pl.Merge
	if m == nil || len(pl.Shards) < 2 {
		return false
	}
	if len(m.OrderBy) > 0 || len(m.GroupBy) > 0 || m.Distinct {
		return true
	}
	for _, a := range m.Aggregates {
		if a.Func == merge.Min || a.Func == merge.Max || a.Distinct {
			return true
		}
	}
	return false
}

// collateNames returns the collation names of the COLLATE clauses of a
// statement, as the catalog keys them.
func collateNames(d dialect.Dialect, sql string) []string {
	if !strings.Contains(strings.ToLower(sql), "collate") {
		return nil
	}
	var lx analyze.Lexer
	lx.Reset(d, sql)
	var out []string
	after := false
	for t := lx.Next(); t.Kind != analyze.TokEOF; t = lx.Next() {
		switch {
		case t.Kind == analyze.TokComment:
		case after && t.Kind == analyze.TokString:
			out = append(out, t.StringValue(sql))
			after = false
		case after:
			out = append(out, t.Name(sql, d == dialect.Postgres))
			after = false
		default:
			after = t.Kw == analyze.KwCollate
		}
	}
	return out
}

// textCatalog is one engine's catalog facts.
type textCatalog struct {
	e      *Engine
	ranker *pgRanker
	load1  sync.Mutex // serializes loading
	mu     sync.RWMutex
	tables map[string]*textTableFacts // by catalogKey
	named  map[string]textNamedFact
	def    *planner.TextOrder
	defTo  time.Time // def is valid until then
	fresh  time.Time // the end of the window after the last DDL
	gen    uint64    // counts DDL statements (invalidate)
	reader textCatalogReader
	// readGen is the gen the reader's own memory is of (under load1).
	readGen uint64
}

// textTableFacts is the column facts of one table, valid until until.
type textTableFacts struct {
	columns map[string]planner.TextOrder
	until   time.Time
}

// textNamedFact is the order of a named collation, valid until until.
type textNamedFact struct {
	o     planner.TextOrder
	until time.Time
}

// expiry returns until when facts read now are kept: textCatalogTTL, or
// the end of the window after a DDL statement while it is open.
func (c *textCatalog) expiry(now time.Time) time.Time {
	if now.Before(c.fresh) {
		return c.fresh
	}
	return now.Add(textCatalogTTL)
}

// textCatalogReader reads one dialect's catalog.
type textCatalogReader interface {
	// defaults returns the order of text of no column.
	defaults(ctx context.Context) (planner.TextOrder, error)
	// table returns the order of each column of a table, keyed as
	// textCatalogView looks them up.
	table(ctx context.Context, t planner.CatalogTable) (map[string]planner.TextOrder, error)
	// collations returns the orders of the named collations it knows.
	collations(ctx context.Context, names []string) (map[string]planner.TextOrder, error)
}

func newTextCatalog(e *Engine) *textCatalog {
	c := &textCatalog{e: e, tables: map[string]*textTableFacts{}, named: map[string]textNamedFact{}}
	switch e.d {
	case dialect.Postgres:
		r := &pgCatalog{e: e}
		c.reader, c.ranker = r, &pgRanker{e: e}
	case dialect.MySQL:
		c.reader = &mysqlCatalog{e: e, known: map[string]planner.TextOrder{}}
	default:
		c.reader = &sqliteCatalog{e: e}
	}
	return c
}

// invalidate drops every fact and opens the window after a DDL statement:
// for textCatalogTTLAfterDDL, facts read are kept until its end only.
func (c *textCatalog) invalidate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tables, c.named, c.def = map[string]*textTableFacts{}, map[string]textNamedFact{}, nil
	c.gen++
	c.fresh = time.Now().Add(textCatalogTTLAfterDDL)
}

func (c *textCatalog) fold(s string) string {
	if c.e.d == dialect.Postgres {
		return s
	}
	return strings.ToLower(s)
}

func (c *textCatalog) tableKey(schema, name string) string { return c.fold(schema + "." + name) }

// missing reports whether loading tables or names needs I/O.
func (c *textCatalog) missing(tables []planner.CatalogTable, st *analyze.Statement) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	now := time.Now()
	if c.def == nil || !now.Before(c.defTo) {
		return true
	}
	for _, t := range tables {
		if f := c.tables[c.tableKey(t.Schema, t.Name)]; f == nil || !now.Before(f.until) {
			return true
		}
	}
	for _, n := range collateNames(c.e.d, st.SQL) {
		if f, ok := c.named[c.fold(n)]; !ok || !now.Before(f.until) {
			return true
		}
	}
	return false
}

// load returns a view of the facts of tables and names, reading what is
// not known yet (or is stale).
func (c *textCatalog) load(ctx context.Context, tables []planner.CatalogTable, names []string) (planner.Catalog, error) {
	view := &textCatalogView{c: c, tables: map[string]map[string]planner.TextOrder{}, named: map[string]planner.TextOrder{}}
	now := time.Now()
	c.mu.RLock()
	if c.def != nil && now.Before(c.defTo) {
		view.def, view.hasDef = *c.def, true
	}
	pending := false
	for _, t := range tables {
		key := c.tableKey(t.Schema, t.Name)
		if f := c.tables[key]; f != nil && now.Before(f.until) {
			view.tables[key] = f.columns
		} else {
			pending = true
		}
	}
	for _, n := range names {
		if f, ok := c.named[c.fold(n)]; ok && now.Before(f.until) {
			view.named[c.fold(n)] = f.o
		} else {
			pending = true
		}
	}
	c.mu.RUnlock()
	if !pending && view.hasDef {
		return view, nil
	}
	return view, c.read(ctx, view, tables, names)
}

// read fills view with what it lacks, from the servers, and keeps the facts
// (until the window after a DDL statement closes, while it is open). A
// DDL statement planned while they were read drops them.
func (c *textCatalog) read(ctx context.Context, view *textCatalogView, tables []planner.CatalogTable, names []string) error {
	c.load1.Lock()
	defer c.load1.Unlock()
	c.mu.RLock()
	gen := c.gen
	c.mu.RUnlock()
	if f, ok := c.reader.(interface{ forget() }); ok && gen != c.readGen {
		f.forget() // a DDL statement may have changed what the reader holds
	}
	c.readGen = gen
	if !view.hasDef {
		def, err := c.reader.defaults(ctx)
		if err != nil {
			return err
		}
		view.def, view.hasDef = def, true
	}
	var missing []string
	for _, n := range names {
		if _, ok := view.named[c.fold(n)]; !ok {
			missing = append(missing, n)
		}
	}
	named, err := c.reader.collations(ctx, missing)
	if err != nil {
		return err
	}
	for n, o := range named {
		view.named[c.fold(n)] = o
	}
	loaded := map[string]*textTableFacts{}
	for _, t := range tables {
		key := c.tableKey(t.Schema, t.Name)
		if view.tables[key] != nil {
			continue
		}
		cols, err := c.reader.table(ctx, t)
		if err != nil {
			return err
		}
		view.tables[key] = cols
		loaded[key] = &textTableFacts{columns: cols}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return nil // a DDL statement was planned while these were read
	}
	until := c.expiry(time.Now())
	def := view.def
	c.def, c.defTo = &def, until
	for n, o := range named {
		c.named[c.fold(n)] = textNamedFact{o: o, until: until}
	}
	for k, f := range loaded {
		f.until = until
		c.tables[k] = f
	}
	return nil
}
