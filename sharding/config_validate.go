package sharding

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/grantsql/grant/merge"
	"github.com/grantsql/grant/sharding/idgen"
)

// Validate checks c against the cluster's databases and default database and
// returns every problem, each a *ConfigError (errors.Is(err, ErrConfig))
// whose Path is the configuration key under path (normally "sharding"):
//
//	sharding.tables.orders.resolver: unknown resolver "by_custmer"
//	sharding.bindings[0]: orders and users use different resolvers (by_customer, by_user)
//	sharding.resolvers.by_customer.databases[2]: unknown database "s9"
//
// It checks every resolver's specification (Registry.Check), so resolver
// errors are reported here too; it keeps no resolver. A problem with the default database is reported at default_database.
// A nil or empty Config is valid.
func (c *Config) Validate(path string, databases []string, defaultDB string) []error {
	return c.ValidateWith(defaultResolverRegistry, path, databases, defaultDB)
}

// ValidateWith is Validate with the resolver types of reg.
func (c *Config) ValidateWith(reg *Registry, path string, databases []string, defaultDB string) []error {
	if c == nil {
		return nil
	}
	if path == "" {
		path = "sharding"
	}
	v := &validator{path: path}
	v.resolvers(reg, c, databases)
	if !c.Empty() {
		switch {
		case defaultDB == "":
			v.add("default_database", "required with sharded or broadcast tables: it holds every other table")
		case !slices.Contains(databases, defaultDB):
			v.add("default_database", "unknown database %q", defaultDB)
		}
	}
	seen := map[string]string{} // folded table name -> where it is configured
	for _, name := range sortedKeys(c.Tables) {
		v.table(name, c.Tables[name], c, seen)
	}
	v.bindings(c)
	v.broadcast(c, seen)
	v.collations(c)
	if c.ShardRowsInFlight < 0 {
		v.add(path+".shard_rows_in_flight", "must not be negative")
	}
	return v.errs
}

// validator collects configuration problems.
type validator struct {
	path string
	errs []error
}

func (v *validator) add(at, format string, args ...any) {
	v.errs = append(v.errs, &ConfigError{Path: at, Message: fmt.Sprintf(format, args...)})
}

// resolvers checks every resolver's specification and reports the errors.
func (v *validator) resolvers(reg *Registry, c *Config, databases []string) {
	for _, name := range sortedKeys(c.Resolvers) {
		err := reg.Check(name, c.Resolvers[name], databases)
		if err == nil {
			continue
		}
		var ce *ConfigError
		if errors.As(err, &ce) && v.path != "sharding" && strings.HasPrefix(ce.Path, "sharding") {
			err = &ConfigError{Path: v.path + strings.TrimPrefix(ce.Path, "sharding"), Message: ce.Message}
		}
		v.errs = append(v.errs, err)
	}
}

// table checks one sharded table.
func (v *validator) table(name string, t TableConfig, c *Config, seen map[string]string) {
	at := v.path + ".tables." + name
	if !v.tableName(at, name, seen) {
		return
	}
	if t.Key == "" {
		v.add(at+".key", "required: the column holding the shard key")
	}
	switch _, ok := c.Resolvers[t.Resolver]; {
	case t.Resolver == "":
		v.add(at+".resolver", "required: the name of a resolver of %s.resolvers", v.path)
	case !ok:
		v.add(at+".resolver", "unknown resolver %q", t.Resolver)
	}
	if t.ID != nil {
		v.id(at+".id", t)
	}
}

// id checks the id generation of a sharded table.
func (v *validator) id(at string, t TableConfig) {
	id := t.ID
	if t.Key == "" || t.Resolver == "" {
		v.add(at, "an id generator needs a sharded table: give its key and resolver")
	}
	if id.Column == "" {
		v.add(at+".column", "required: the column Grant fills in")
	}
	switch id.Generator {
	case GeneratorSnowflake, GeneratorSequence:
	case "":
		v.add(at+".generator", "required: %s or %s", GeneratorSnowflake, GeneratorSequence)
	default:
		v.add(at+".generator", "unknown generator %q: want %s or %s", id.Generator, GeneratorSnowflake, GeneratorSequence)
	}
	if id.Node != nil {
		switch n := *id.Node; {
		case id.Generator == GeneratorSequence:
			v.add(at+".node", "applies to the %s generator only", GeneratorSnowflake)
		case n < 0 || n > idgen.MaxNode:
			v.add(at+".node", "%d out of range: want 0..%d", n, idgen.MaxNode)
		}
	}
	for _, f := range []struct {
		key string
		n   int64
	}{{"cache", id.Cache}, {"start", id.Start}} {
		switch {
		case f.n == 0:
		case id.Generator == GeneratorSnowflake:
			v.add(at+"."+f.key, "applies to the %s generator only", GeneratorSequence)
		case f.n < 0:
			v.add(at+"."+f.key, "must be positive")
		}
	}
}

// tableName checks a table name and that no other entry names the same
// table; it reports whether the name is usable.
func (v *validator) tableName(at, name string, seen map[string]string) bool {
	if name == "" || strings.Count(name, ".") > 1 || strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".") {
		v.add(at, "invalid table name %q: want name or schema.name", name)
		return false
	}
	folded := strings.ToLower(unqualified(name))
	if prev, dup := seen[folded]; dup {
		v.add(at, "names the same table as %s (tables are matched by name, ignoring case and schema)", prev)
		return false
	}
	seen[folded] = at
	return true
}

// bindings checks the binding groups: known sharded tables, each in one
// group, all of a group on one resolver.
func (v *validator) bindings(c *Config) {
	group := map[string]int{}
	for i, g := range c.Bindings {
		at := fmt.Sprintf("%s.bindings[%d]", v.path, i)
		if len(g) < 2 {
			v.add(at, "a binding group lists at least two tables")
		}
		first := ""
		for j, name := range g {
			t, ok := c.Tables[name]
			switch prev, dup := group[name]; {
			case !ok:
				v.add(fmt.Sprintf("%s[%d]", at, j), "unknown sharded table %q", name)
				continue
			case dup && prev == i:
				v.add(fmt.Sprintf("%s[%d]", at, j), "%s is listed twice", name)
				continue
			case dup:
				v.add(fmt.Sprintf("%s[%d]", at, j), "%s is already in %s.bindings[%d]", name, v.path, prev)
				continue
			}
			group[name] = i
			if first == "" {
				first = name
			} else if r0 := c.Tables[first].Resolver; t.Resolver != r0 {
				v.add(at, "%s and %s use different resolvers (%s, %s)", first, name, r0, t.Resolver)
			}
		}
	}
}

// broadcast checks the broadcast tables.
func (v *validator) broadcast(c *Config, seen map[string]string) {
	for i, name := range c.Broadcast {
		at := fmt.Sprintf("%s.broadcast[%d]", v.path, i)
		if _, sharded := c.Tables[name]; sharded {
			v.add(at, "%s is also a sharded table", name)
			continue
		}
		v.tableName(at, name, seen)
	}
}

// collations checks the collation names and the table.column keys.
func (v *validator) collations(c *Config) {
	check := func(at, name string) {
		if name != string(merge.CollationBinary) && name != string(merge.CollationNoCase) {
			v.add(at, "unknown collation %q: want binary or nocase", name)
		}
	}
	if c.Collation != "" {
		check(v.path+".collation", c.Collation)
	}
	for _, key := range sortedKeys(c.Collations) {
		at := v.path + ".collations." + key
		if t, col, ok := strings.Cut(key, "."); !ok || t == "" || col == "" || strings.Contains(col, ".") {
			v.add(at, "want a key of the form table.column")
			continue
		}
		check(at, c.Collations[key])
	}
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
