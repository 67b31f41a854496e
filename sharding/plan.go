package sharding

import (
	"bytes"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/merge"
)

// Route says where a planned statement runs.
type Route string

// The routes.
const (
	// RouteUnsharded: no sharded or broadcast table; the default database,
	// where read/write routing picks the primary or a replica as usual.
	RouteUnsharded Route = "unsharded"
	// RouteSingle: one shard database, the statement unchanged.
	RouteSingle Route = "single"
	// RouteMulti: several shard databases chosen by the key conditions (IN
	// lists, ranges) or by the rows of an INSERT, each with its own SQL.
	RouteMulti Route = "multi"
	// RouteScatter: every database of the table's resolver (no usable key).
	RouteScatter Route = "scatter"
	// RouteBroadcastRead: a read of broadcast tables only, on the default
	// database.
	RouteBroadcastRead Route = "broadcast_read"
	// RouteBroadcastWrite: a write of a broadcast table, on every database.
	RouteBroadcastWrite Route = "broadcast_write"
	// RouteDDLAll: DDL of a sharded or broadcast table, on every database
	// that holds it.
	RouteDDLAll Route = "ddl_all"
	// RoutePinned: the caller pinned the shard; the statement runs there
	// unchanged.
	RoutePinned Route = "pinned"
)

// Plan is the routing of one statement: where it runs, with which SQL and
// arguments per database, and how the results combine. It is plain data and
// marshals to stable JSON (for golden tests and grant explain); argument
// values are left out of the JSON.
type Plan struct {
	// Statement is the SQL text as the application wrote it.
	Statement string `json:"statement"`
	Route     Route  `json:"route"`
	// Table is the sharded (or broadcast) table that decided the route.
	Table string `json:"table,omitempty"`
	// Reason says why, e.g. `"orders"."customer_id" = $1 -> s2`.
	Reason string `json:"reason"`
	// Writes is true when the statement modifies data (or schema) on every
	// database of Shards. A transaction may write to one database only until
	// two-phase commit is available.
	Writes bool `json:"writes"`
	// Shards lists one query per database, in the planner's database order
	// (broadcast writes and DDL: every database concerned).
	Shards []ShardQuery `json:"shards"`
	// Merge, set for a read on several databases (or a write with RETURNING
	// on several shards), combines their rows: merge.Open(ctx, *Merge, one
	// source per Shards entry, in order).
	Merge *merge.Spec `json:"merge,omitempty"`
	// Strategy is Merge.Describe(), for people reading the plan.
	Strategy string `json:"strategy,omitempty"`
	// RowsAffected is "sum" when a write runs on several shards, each
	// holding different rows: the caller's RowsAffected is the sum, and
	// LastInsertId is not available.
	RowsAffected string `json:"rows_affected,omitempty"`
	// ReturningOrder is "rows" when an INSERT with RETURNING is split over
	// shards: the caller expects the returned rows in the order of the
	// INSERT's VALUES rows (GORM assigns generated ids by position), so the
	// k-th row returned by Shards[i] takes the place of VALUES row
	// Shards[i].Rows[k]. Merge is nil then.
	ReturningOrder string `json:"returning_order,omitempty"`
	// ResultFrom names the database whose result (rows affected, last insert
	// id, RETURNING rows) the caller gets when the same statement runs as a
	// copy on several databases (broadcast writes, DDL).
	ResultFrom string `json:"result_from,omitempty"`
	// SetKeyTo names, for an UPDATE on several databases that sets the shard
	// key, the database the new key belongs to. On every other database the
	// statement must change no row, since a changed row would now belong
	// elsewhere: the executor runs each part so that it can be undone (a
	// transaction or savepoint of its own) and refuses the statement,
	// undoing it everywhere, when it did.
	SetKeyTo string `json:"set_key_to,omitempty"`

	one [1]ShardQuery // backing array of Shards for one database
}

// ShardQuery is the statement one database runs.
type ShardQuery struct {
	Database string `json:"database"`
	SQL      string `json:"sql"`
	// Args are the arguments of SQL, in its placeholder order. When the SQL
	// is the original text they are the caller's args, the same slice.
	Args []driver.NamedValue `json:"-"`
	// ArgOrdinals lists, for a rewritten SQL, the ordinal of the caller's
	// argument behind each of Args (PostgreSQL $n and SQLite ?NNN renumbered
	// 1..k); it is nil when SQL is the original text and Args the caller's
	// args unchanged.
	ArgOrdinals []int `json:"args,omitempty"`
	// Rows lists, for an INSERT split over shards, the indexes (from 0) of
	// the original VALUES rows this shard's SQL holds, in its order.
	Rows []int `json:"rows,omitempty"`
}

// WriteDatabases returns the databases the plan writes to (none for a read).
func (p *Plan) WriteDatabases() []string {
	if !p.Writes {
		return nil
	}
	out := make([]string, len(p.Shards))
	for i := range p.Shards {
		out[i] = p.Shards[i].Database
	}
	return out
}

// JSON returns the plan as indented JSON with short arrays on one line.
func (p *Plan) JSON() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(p); err != nil {
		return nil, err
	}
	b := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	return shortArrayRE.ReplaceAllFunc(b, func(m []byte) []byte {
		return spaceRE.ReplaceAll(m, []byte(" "))
	}), nil
}

var (
	shortArrayRE = regexp.MustCompile(`\[\s+[^\[\]{}"]*?\s+\]`)
	spaceRE      = regexp.MustCompile(`\s+`)
)

// table is one configured sharded or broadcast table.
type table struct {
	name, schema string // as configured
	key          string
	broadcast    bool
	resolverName string
	resolver     Resolver
	ranges       RangeResolver // when the resolver is one
	group        int           // binding group; one of its own when not bound
	dbs          dbSet         // the databases of the resolver
	// insertReason is the reason of an INSERT whose rows all go to one
	// database, by database index.
	insertReason []string
}

// NewPlanner builds the planner of a cluster: its sharding configuration, its
// dialect, its default database and every database name, in the order plans
// list them (config.Cluster.DatabaseNames). It validates cfg and returns
// every problem joined.
func NewPlanner(cfg Config, d dialect.Dialect, defaultDB string, databases []string) (*Planner, error) {
	if !d.Valid() {
		return nil, fmt.Errorf("sharding: planner needs a valid dialect, not %v", d)
	}
	if errs := cfg.Validate("sharding", databases, defaultDB); len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	p := &Planner{
		d: d, fold: d != dialect.Postgres, defaultDB: defaultDB,
		dbs: slices.Clone(databases), dbIndex: make(map[string]int, len(databases)),
		tables: map[string]*table{},
		base: merge.Spec{Dialect: d, MaxMemoryRows: cfg.MaxMemoryRows, ShardRowsInFlight: cfg.ShardRowsInFlight,
			Collation: merge.Collation(cfg.Collation)},
		collations: map[string]merge.Collation{},
	}
	for key, c := range cfg.Collations {
		if p.fold {
			key = lowerASCIIString(key)
		}
		p.collations[key] = merge.Collation(c)
	}
	for i, db := range p.dbs {
		p.dbIndex[db] = i
		p.all.add(i)
	}
	if defaultDB == "" && len(p.dbs) == 1 {
		p.defaultDB = p.dbs[0]
	}
	resolvers := map[string]Resolver{}
	for _, name := range sortedKeys(cfg.Resolvers) {
		r, err := New(name, cfg.Resolvers[name], databases)
		if err != nil {
			return nil, err
		}
		resolvers[name] = r
	}
	groups := map[string]int{}
	for i, g := range cfg.Bindings {
		for _, name := range g {
			groups[name] = i + 1
		}
	}
	next := len(cfg.Bindings) + 1
	for _, name := range sortedKeys(cfg.Tables) {
		tc := cfg.Tables[name]
		t := p.newTable(name)
		t.key, t.resolverName, t.resolver = tc.Key, tc.Resolver, resolvers[tc.Resolver]
		t.ranges, _ = t.resolver.(RangeResolver)
		if t.group = groups[name]; t.group == 0 {
			t.group, next = next, next+1
		}
		t.insertReason = make([]string, len(p.dbs))
		for _, db := range t.resolver.Databases() {
			t.dbs.add(p.dbIndex[db])
			t.insertReason[p.dbIndex[db]] = "INSERT rows by " + t.label() + "." + t.key + " -> " + db
		}
	}
	for _, name := range cfg.Broadcast {
		t := p.newTable(name)
		t.broadcast, t.dbs = true, p.all
	}
	return p, nil
}

// newTable registers a configured table under its unqualified name.
func (p *Planner) newTable(name string) *table {
	t := &table{name: unqualified(name)}
	if i := len(name) - len(t.name) - 1; i > 0 {
		t.schema = name[:i]
	}
	key := t.name
	if p.fold {
		key = lowerASCIIString(key)
	}
	p.tables[key] = t
	p.maxLen = max(p.maxLen, len(key))
	return t
}

// Databases returns every database of the cluster, in plan order.
func (p *Planner) Databases() []string { return slices.Clone(p.dbs) }

// DefaultDatabase returns the database of unsharded tables.
func (p *Planner) DefaultDatabase() string { return p.defaultDB }

// lowerASCIIString lower-cases ASCII letters.
func lowerASCIIString(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
