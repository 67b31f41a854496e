package config

import (
	"errors"
	"fmt"

	"github.com/grantsql/grant/internal/dsn"
	"github.com/grantsql/grant/sharding"
)

// Validate checks c and returns a normalized copy: environment references in
// DSNs expanded, defaults filled in, the default database set. It reports
// every problem at once as Errors, each naming its key path; DSNs in messages
// are shown with their passwords masked. c itself is not modified.
func (c *Cluster) Validate() (*Cluster, error) {
	return c.validate(osLookup)
}

func (c *Cluster) validate(lookup func(string) (string, bool)) (*Cluster, error) {
	out := c.Clone()
	var errs collector
	if !out.Dialect.Valid() {
		errs.add("dialect", "missing or unknown dialect: want postgres, mysql or sqlite")
	}
	if len(out.Databases) == 0 {
		errs.add("databases", "no databases: declare at least one with a primary")
	}
	seen := map[string]string{} // expanded DSN -> key path of its first use
	for _, name := range out.DatabaseNames() {
		path := join("databases", name)
		if !validName(name) {
			errs.add(path, "invalid database name: use letters, digits, '_' and '-'")
		}
		db := out.Databases[name]
		if db == nil {
			errs.add(path, "empty database: it needs a primary")
			continue
		}
		if db.Primary == "" {
			errs.add(path+".primary", "missing primary DSN")
		} else {
			db.Primary = out.checkDSN(&errs, path+".primary", db.Primary, seen, lookup)
		}
		for i, r := range db.Replicas {
			p := fmt.Sprintf("%s.replicas[%d]", path, i)
			if r == "" {
				errs.add(p, "empty replica DSN")
				continue
			}
			db.Replicas[i] = out.checkDSN(&errs, p, r, seen, lookup)
		}
		if db.Pool != nil {
			checkPool(&errs, path+".pool", *db.Pool)
		}
	}
	switch {
	case out.DefaultDatabase != "":
		if _, ok := out.Databases[out.DefaultDatabase]; !ok && len(out.Databases) > 0 {
			errs.add("default_database", "unknown database %s: declared databases are %v", showName(out.DefaultDatabase), out.DatabaseNames())
		}
	case len(out.Databases) == 1:
		out.DefaultDatabase = out.DatabaseNames()[0]
	case len(out.Databases) > 1:
		errs.add("default_database", "required when there is more than one database (declared: %v)", out.DatabaseNames())
	}
	checkPool(&errs, "pool", out.Pool)
	out.applyDefaults(&errs)
	for _, p := range out.Routing.Validate("routing", out.replicaNames()) {
		errs.wrap(p.Path, p.Err)
	}
	out.validateSharding(&errs)
	out.validateTransactions(&errs)
	if err := errs.err(); err != nil {
		return nil, err
	}
	return out, nil
}

// checkDSN expands environment references and rejects a DSN used twice.
func (c *Cluster) checkDSN(errs *collector, path, raw string, seen map[string]string, lookup func(string) (string, bool)) string {
	v, err := expandEnv(raw, lookup)
	if err != nil {
		errs.wrap(path, err)
		return raw
	}
	if first, dup := seen[v]; dup {
		errs.add(path, "same DSN as %s (%s): each node needs its own", first, dsn.Redact(c.Dialect, v))
		return v
	}
	seen[v] = path
	return v
}

// showName quotes a name given as a value, unless it is not a valid
// database name (then it may be a misplaced secret).
func showName(name string) string {
	if validName(name) {
		return fmt.Sprintf("%q", name)
	}
	return "(not a valid database name)"
}

func checkPool(errs *collector, path string, p Pool) {
	if p.MaxOpen < 0 {
		errs.add(path+".max_open", "must not be negative (0 means unlimited)")
	}
	if p.MaxIdle < 0 {
		errs.add(path+".max_idle", "must not be negative")
	}
	if p.MaxOpen > 0 && p.MaxIdle > p.MaxOpen {
		errs.add(path+".max_idle", "%d is more than max_open %d", p.MaxIdle, p.MaxOpen)
	}
}

func (c *Cluster) applyDefaults(errs *collector) {
	if c.Pool.StatementCache == 0 {
		c.Pool.StatementCache = DefaultStatementCache
	}
	if c.Pool.MaxIdle == 0 {
		c.Pool.MaxIdle = DefaultMaxIdle
		if c.Pool.MaxOpen > 0 && c.Pool.MaxOpen < DefaultMaxIdle {
			c.Pool.MaxIdle = c.Pool.MaxOpen
		}
	}
	h := &c.Health
	if h.Interval == 0 {
		h.Interval = Duration(DefaultHealthInterval)
	}
	if h.Timeout == 0 {
		h.Timeout = Duration(DefaultHealthTimeout)
	}
	if h.Timeout > h.Interval {
		errs.add("health.timeout", "%s is longer than health.interval %s", h.Timeout, h.Interval)
	}
	if h.Failures < 0 {
		errs.add("health.failures", "must not be negative")
	} else if h.Failures == 0 {
		h.Failures = DefaultHealthFailures
	}
	if h.Successes < 0 {
		errs.add("health.successes", "must not be negative")
	} else if h.Successes == 0 {
		h.Successes = DefaultHealthSuccesses
	}
	if c.Retry.Attempts < 0 {
		errs.add("retry.attempts", "must not be negative (1 disables retry)")
	} else if c.Retry.Attempts == 0 {
		c.Retry.Attempts = DefaultRetryAttempts
	}
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// replicaNames returns every replica's node name ("main.replicas[0]"),
// never nil, so that routing weights naming no replica are always caught.
func (c *Cluster) replicaNames() []string {
	names := []string{}
	for _, name := range c.DatabaseNames() {
		if db := c.Databases[name]; db != nil {
			for i := range db.Replicas {
				names = append(names, fmt.Sprintf("%s.replicas[%d]", name, i))
			}
		}
	}
	return names
}

// validateSharding checks the sharding section against the databases. A
// missing default database is reported once, by the databases check.
func (c *Cluster) validateSharding(errs *collector) {
	if c.Sharding == nil || len(c.Databases) == 0 {
		return
	}
	reported := false
	for _, e := range errs.errs {
		reported = reported || e.Path == "default_database"
	}
	for _, err := range c.Sharding.Validate("sharding", c.DatabaseNames(), c.DefaultDatabase) {
		var ce *sharding.ConfigError
		if !errors.As(err, &ce) {
			errs.wrap("sharding", err)
			continue
		}
		if ce.Path == "default_database" && reported {
			continue
		}
		errs.wrap(ce.Path, errors.New(ce.Message))
	}
}
