package config

import (
	"sort"
	"time"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/locking/lockcfg"
	"github.com/grantsql/grant/routing/routecfg"
	"github.com/grantsql/grant/sharding"
)

// Cluster is one Grant cluster: a dialect shared by every node and the named
// databases behind it. The zero values of Pool, Health and Retry mean "use the
// defaults"; Validate fills them in.
type Cluster struct {
	// Dialect is the SQL dialect of every node (postgres, mysql or sqlite).
	Dialect dialect.Dialect `yaml:"dialect" json:"dialect"`
	// Databases maps a database name to its nodes.
	Databases map[string]*Database `yaml:"databases" json:"databases"`
	// DefaultDatabase receives every statement not routed elsewhere. It may
	// be omitted when there is exactly one database.
	DefaultDatabase string `yaml:"default_database,omitempty" json:"default_database,omitempty"`
	// Pool holds the pool settings of every node unless a database overrides them.
	Pool Pool `yaml:"pool,omitempty" json:"pool,omitempty"`
	// Health configures the background health checks of every node.
	Health Health `yaml:"health,omitempty" json:"health,omitempty"`
	// Retry configures the transparent retry of idempotent reads.
	Retry Retry `yaml:"retry,omitempty" json:"retry,omitempty"`
	// Routing configures read/write routing between primaries and replicas.
	Routing routecfg.Config `yaml:"routing,omitempty" json:"routing,omitempty"`
	// Sharding spreads tables over the databases: sharded tables with their
	// key and resolver, binding groups and broadcast tables. Every other
	// table lives in DefaultDatabase. Nil means no sharding.
	Sharding *sharding.Config `yaml:"sharding,omitempty" json:"sharding,omitempty"`
	// Transactions configures transactions that write to several
	// databases: two-phase commit and its recovery.
	Transactions Transactions `yaml:"transactions,omitempty" json:"transactions,omitempty"`
	// Locking configures optimistic locking: the version column of each
	// table (locking.ExpectVersion). Nil means the default column,
	// lock_version, for every table.
	Locking *lockcfg.Config `yaml:"locking,omitempty" json:"locking,omitempty"`
}

// Database is one logical database: one primary and any number of replicas,
// each a DSN of the dialect's real driver. `${VAR}` and `${VAR:-default}` in a
// DSN are expanded from the environment by Validate.
type Database struct {
	Primary  string   `yaml:"primary" json:"primary"`
	Replicas []string `yaml:"replicas,omitempty" json:"replicas,omitempty"`
	// Pool overrides the cluster's pool settings for this database's nodes;
	// fields left zero inherit the cluster's.
	Pool *Pool `yaml:"pool,omitempty" json:"pool,omitempty"`
}

// Pool holds the database/sql pool settings of one physical node.
type Pool struct {
	MaxOpen         int      `yaml:"max_open,omitempty" json:"max_open,omitempty"`                     // 0: unlimited
	MaxIdle         int      `yaml:"max_idle,omitempty" json:"max_idle,omitempty"`                     // 0: DefaultMaxIdle
	ConnMaxLifetime Duration `yaml:"conn_max_lifetime,omitempty" json:"conn_max_lifetime,omitempty"`   // 0: forever
	ConnMaxIdleTime Duration `yaml:"conn_max_idle_time,omitempty" json:"conn_max_idle_time,omitempty"` // 0: forever
	// StatementCache is the number of server-side prepared statements kept
	// per physical connection. 0 means DefaultStatementCache; a negative
	// value disables the cache (see StatementCacheSize).
	StatementCache int `yaml:"statement_cache,omitempty" json:"statement_cache,omitempty"`
}

// StatementCacheSize returns the effective number of prepared statements
// kept per connection: 0 when the cache is disabled, DefaultStatementCache
// when StatementCache is 0.
func (p Pool) StatementCacheSize() int {
	switch {
	case p.StatementCache < 0:
		return 0
	case p.StatementCache == 0:
		return DefaultStatementCache
	}
	return p.StatementCache
}

// Health configures background health checks. A node that fails Failures
// consecutive checks leaves rotation; one that then passes Successes
// consecutive checks comes back.
type Health struct {
	Disabled  bool     `yaml:"disabled,omitempty" json:"disabled,omitempty"`
	Interval  Duration `yaml:"interval,omitempty" json:"interval,omitempty"`
	Timeout   Duration `yaml:"timeout,omitempty" json:"timeout,omitempty"`
	Failures  int      `yaml:"failures,omitempty" json:"failures,omitempty"`
	Successes int      `yaml:"successes,omitempty" json:"successes,omitempty"`
}

// Retry configures the transparent retry of an idempotent read that failed
// at the connection level before returning any row.
type Retry struct {
	// Attempts is the total number of tries, first included; 1 disables retry.
	Attempts int `yaml:"attempts,omitempty" json:"attempts,omitempty"`
	// Backoff is the pause before each further try.
	Backoff Duration `yaml:"backoff,omitempty" json:"backoff,omitempty"`
}

// Defaults applied by Validate to settings left zero.
const (
	DefaultMaxIdle         = 2
	DefaultHealthInterval  = 2 * time.Second
	DefaultHealthTimeout   = time.Second
	DefaultHealthFailures  = 2
	DefaultHealthSuccesses = 1
	DefaultRetryAttempts   = 2
	// DefaultStatementCache is the number of server-side prepared
	// statements kept per physical connection (pool.statement_cache).
	DefaultStatementCache = 64
)

// DatabaseNames returns the names of the databases in sorted order.
func (c *Cluster) DatabaseNames() []string {
	names := make([]string, 0, len(c.Databases))
	for n := range c.Databases {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Clone returns a deep copy of c, so a validated copy never aliases the
// caller's maps and slices.
func (c *Cluster) Clone() *Cluster {
	out := *c
	out.Routing = c.Routing.Clone()
	out.Sharding = c.Sharding.Clone()
	out.Locking = c.Locking.Clone()
	if r := c.Transactions.RecoveryInterval; r != nil {
		d := *r
		out.Transactions.RecoveryInterval = &d
	}
	out.Databases = make(map[string]*Database, len(c.Databases))
	for name, db := range c.Databases {
		if db == nil {
			out.Databases[name] = nil
			continue
		}
		d := *db
		d.Replicas = append([]string(nil), db.Replicas...)
		if db.Pool != nil {
			p := *db.Pool
			d.Pool = &p
		}
		out.Databases[name] = &d
	}
	return &out
}

// PoolFor returns the effective pool settings of database name: the
// database's overrides on top of the cluster's.
func (c *Cluster) PoolFor(name string) Pool {
	p := c.Pool
	db := c.Databases[name]
	if db == nil || db.Pool == nil {
		return p
	}
	o := db.Pool
	if o.MaxOpen != 0 {
		p.MaxOpen = o.MaxOpen
	}
	if o.MaxIdle != 0 {
		p.MaxIdle = o.MaxIdle
	}
	if o.ConnMaxLifetime != 0 {
		p.ConnMaxLifetime = o.ConnMaxLifetime
	}
	if o.ConnMaxIdleTime != 0 {
		p.ConnMaxIdleTime = o.ConnMaxIdleTime
	}
	if o.StatementCache != 0 {
		p.StatementCache = o.StatementCache
	}
	return p
}
