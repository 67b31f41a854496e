package planner

import (
	"fmt"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/merge"
	"github.com/grantsql/grant/sharding"
)

// table is one configured sharded or broadcast table.
type table struct {
	name, schema string // as configured
	key          string
	broadcast    bool
	resolverName string
	resolver     sharding.Resolver
	ranges       sharding.RangeResolver // when the resolver is one
	group        int                    // binding group; one of its own when not bound
	dbs          dbSet                  // the databases of the resolver
	// insertReason is the reason of an INSERT whose rows all go to one
	// database, by database index.
	insertReason []string
	// id is the table's id generation, nil without one.
	id *idColumn
	// unique is what the planner knows of the table's unique keys, read
	// from the catalog by the engine (plan_conflict.go).
	unique atomic.Pointer[uniqueState]
}

// New builds the planner of a cluster from its sharding configuration,
// validated (sharding.Config.Validate), its dialect, its default database,
// every database name in the order plans list them
// (config.Cluster.DatabaseNames), and the resolvers built for it once
// (sharding.Registry.Build), which it uses and does not close.
func New(cfg sharding.Config, d dialect.Dialect, defaultDB string, databases []string, resolvers sharding.Resolvers) (*Planner, error) {
	if !d.Valid() {
		return nil, fmt.Errorf("sharding: planner needs a valid dialect, not %v", d)
	}
	for _, name := range sortedKeys(cfg.Tables) {
		if resolvers[cfg.Tables[name].Resolver] == nil {
			return nil, fmt.Errorf("sharding: table %s: resolver %q was not built", name, cfg.Tables[name].Resolver)
		}
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
		t.ranges, _ = t.resolver.(sharding.RangeResolver)
		if t.group = groups[name]; t.group == 0 {
			t.group, next = next, next+1
		}
		if tc.ID != nil {
			t.id = newIDColumn(name, tc.ID)
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

// unqualified returns the part of schema.name after the dot.
func unqualified(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[i+1:]
	}
	return name
}

// sortedKeys returns the keys of m in sorted order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
