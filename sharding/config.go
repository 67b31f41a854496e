package sharding

import (
	"maps"
	"slices"
)

// Config is the sharding section of a cluster configuration: the resolvers,
// the sharded tables with their key column and resolver, the binding groups
// and the broadcast tables. Every other table lives in the cluster's default
// database.
//
//	default_database: s0
//	sharding:
//	  resolvers:
//	    by_customer: {type: modulo, databases: [s0, s1, s2, s3]}
//	  tables:
//	    orders:      {key: customer_id, resolver: by_customer}
//	    order_items: {key: customer_id, resolver: by_customer}
//	  bindings: [[orders, order_items]]
//	  broadcast: [countries]
//
// Table names are matched against the names a statement uses: exactly on
// PostgreSQL (where the analyzer folds bare names to lower case, so write
// them in lower case unless they were created quoted), ignoring ASCII case
// on MySQL and SQLite. A name without a schema matches the table in any
// schema; schema.name matches that schema or an unqualified reference.
type Config struct {
	// Resolvers maps a resolver name to its specification.
	Resolvers map[string]Spec `yaml:"resolvers" json:"resolvers"`
	// Tables maps a sharded table to its key column and resolver.
	Tables map[string]TableConfig `yaml:"tables" json:"tables"`
	// Bindings lists groups of sharded tables that share a resolver and
	// whose rows with equal keys live together, so a join of two of them on
	// their keys runs on each shard on its own.
	Bindings [][]string `yaml:"bindings,omitempty" json:"bindings,omitempty"`
	// Broadcast lists tables copied in full to every database: writes go to
	// every database, reads to the default database.
	Broadcast []string `yaml:"broadcast,omitempty" json:"broadcast,omitempty"`
	// Collation is an optimization, never needed for correct results: the
	// merge of a fan-out read orders, groups and removes duplicates of text
	// as the servers do, from the collations their catalogs give each
	// column (MySQL by the server's weights, PostgreSQL byte-wise or by the
	// server's ranks, SQLite by BINARY, NOCASE or RTRIM). Collation says
	// how to compare text whose collation the catalogs do not give (an
	// expression over tables the planner cannot see): "binary" (byte
	// order) or "nocase" (MySQL's *_general_ci, case only); empty means the
	// dialect's default there. A shard whose rows arrive in another order
	// makes the read fail rather than return a wrong order.
	Collation string `yaml:"collation,omitempty" json:"collation,omitempty"`
	// Collations sets Collation for single columns, keyed "table.column";
	// the catalogs' collations take precedence.
	Collations map[string]string `yaml:"collations,omitempty" json:"collations,omitempty"`
	// MaxMemoryRows caps the groups or distinct rows a fan-out read holds in
	// memory (merge.Spec.MaxMemoryRows): 0 means the merge default, a
	// negative value no cap.
	MaxMemoryRows int `yaml:"max_memory_rows,omitempty" json:"max_memory_rows,omitempty"`
	// ShardRowsInFlight bounds the rows read ahead per shard in a fan-out
	// read (merge.Spec.ShardRowsInFlight): 0 means the merge default.
	ShardRowsInFlight int `yaml:"shard_rows_in_flight,omitempty" json:"shard_rows_in_flight,omitempty"`
}

// TableConfig is one sharded table: the column holding its shard key and the
// name of the resolver that maps the key to a database, and optionally how
// Grant generates its ids.
type TableConfig struct {
	Key      string `yaml:"key" json:"key"`
	Resolver string `yaml:"resolver" json:"resolver"`
	// ID makes Grant generate the values of one column, unique over every
	// shard, for the INSERTs that omit it (see IDConfig).
	ID *IDConfig `yaml:"id,omitempty" json:"id,omitempty"`
}

// The id generators of IDConfig.Generator.
const (
	// GeneratorSnowflake makes 64-bit time-ordered ids in the process, with
	// no I/O but for leasing a node number when none is configured.
	GeneratorSnowflake = "snowflake"
	// GeneratorSequence takes blocks of consecutive ids from a counter
	// table in the default database.
	GeneratorSequence = "sequence"
)

// IDConfig is the id generation of a sharded table:
//
//	sharding:
//	  tables:
//	    orders: {key: customer_id, resolver: by_customer, id: {column: id, generator: snowflake, node: 7}}
//	    users:  {key: id, resolver: by_user, id: {column: id, generator: sequence, cache: 1000}}
//
// An INSERT into the table that does not give Column gets it filled in by
// Grant, one id per row (snowflake: increasing; sequence: consecutive), and
// LastInsertId returns the first. An INSERT that gives the column keeps its
// values. See package sharding/idgen for the generators' guarantees.
type IDConfig struct {
	// Column is the column Grant fills in.
	Column string `yaml:"column" json:"column"`
	// Generator is GeneratorSnowflake or GeneratorSequence.
	Generator string `yaml:"generator" json:"generator"`
	// Node is the snowflake node number, 0..255, unique among the
	// processes writing to the cluster. Without it each process leases a
	// free number from the default database (idgen.Lease).
	Node *int `yaml:"node,omitempty" json:"node,omitempty"`
	// Cache is the sequence's block size: the ids a process takes from the
	// counter table at once, in one transaction on the default database's
	// primary (default 10000). Ids left in a block when a process ends are
	// skipped.
	Cache int64 `yaml:"cache,omitempty" json:"cache,omitempty"`
	// Start is the sequence's first id when its counter row is created
	// (default 1).
	Start int64 `yaml:"start,omitempty" json:"start,omitempty"`
}

// Clone returns a deep copy of c (Spec.Options values are copied shallowly).
func (c *Config) Clone() *Config {
	if c == nil {
		return nil
	}
	out := *c
	if c.Resolvers != nil {
		out.Resolvers = make(map[string]Spec, len(c.Resolvers))
		for name, s := range c.Resolvers {
			s.Databases = slices.Clone(s.Databases)
			s.Ranges = slices.Clone(s.Ranges)
			s.Values = maps.Clone(s.Values)
			s.Options = maps.Clone(s.Options)
			out.Resolvers[name] = s
		}
	}
	out.Tables = maps.Clone(c.Tables)
	for name, t := range out.Tables {
		if t.ID != nil {
			id := *t.ID
			if id.Node != nil {
				n := *id.Node
				id.Node = &n
			}
			t.ID = &id
			out.Tables[name] = t
		}
	}
	if c.Bindings != nil {
		out.Bindings = make([][]string, len(c.Bindings))
		for i, g := range c.Bindings {
			out.Bindings[i] = slices.Clone(g)
		}
	}
	out.Broadcast = slices.Clone(c.Broadcast)
	out.Collations = maps.Clone(c.Collations)
	return &out
}

// Empty reports whether c shards nothing and broadcasts nothing.
func (c *Config) Empty() bool {
	return c == nil || (len(c.Tables) == 0 && len(c.Broadcast) == 0)
}
