// Package lockcfg is the `locking:` section of a Grant cluster
// configuration: the optimistic-locking version column of each table.
//
// It imports nothing from Grant and no database driver, so that package
// config can hold a Config while package locking, which classifies the
// drivers' errors, re-exports it as locking.Config.
package lockcfg

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ErrConfig is matched (errors.Is) by every *ConfigError.
var ErrConfig = errors.New("locking: invalid configuration")

// Config is the `locking:` section of a cluster configuration: the
// optimistic-locking version column of each table.
//
//	locking:
//	  version_column: lock_version       # every table's, unless listed below
//	  version_columns:
//	    accounts: version                # this table's
//	    audit.events: row_version        # schema-qualified
//
// Names are written as the database stores them; a plain name (letters,
// digits, '_', lower case on PostgreSQL, not a reserved word) goes into
// statements as written, any other is quoted. The zero Config has no
// version column: locking.ExpectVersion then fails with
// locking.ErrCannotCheckVersion.
type Config struct {
	// VersionColumn is the version column of every table not listed in
	// VersionColumns.
	VersionColumn string `yaml:"version_column,omitempty" json:"version_column,omitempty"`
	// VersionColumns gives tables their own version column, keyed by table
	// name ("accounts") or schema-qualified name ("audit.events").
	VersionColumns map[string]string `yaml:"version_columns,omitempty" json:"version_columns,omitempty"`
}

// Clone returns a deep copy of c.
func (c *Config) Clone() *Config {
	if c == nil {
		return nil
	}
	out := *c
	out.VersionColumns = maps.Clone(c.VersionColumns)
	return &out
}

// ColumnFor returns the version column of the table schema.table (schema
// may be empty): its own entry (schema-qualified first, then by name, each
// exactly and then ignoring ASCII case), else VersionColumn. It returns ""
// when the table has none.
func (c *Config) ColumnFor(schema, table string) string {
	if c == nil {
		return ""
	}
	if len(c.VersionColumns) > 0 {
		keys := [2]string{table, ""}
		if schema != "" {
			keys = [2]string{schema + "." + table, table}
		}
		for _, k := range keys {
			if k == "" {
				continue
			}
			if col, ok := c.VersionColumns[k]; ok {
				return col
			}
			for name, col := range c.VersionColumns {
				if strings.EqualFold(name, k) {
					return col
				}
			}
		}
	}
	return c.VersionColumn
}

// ConfigError is one invalid setting at its key path.
type ConfigError struct {
	Path    string // e.g. "locking.version_columns.accounts"
	Message string
}

// Error formats the error as "path: message".
func (e *ConfigError) Error() string { return e.Path + ": " + e.Message }

// Is makes every *ConfigError match ErrConfig.
func (e *ConfigError) Is(target error) bool { return target == ErrConfig }

// maxIdent is the longest name accepted: MySQL's limit (PostgreSQL's is 63
// bytes, beyond which it truncates names with a notice).
const maxIdent = 64

// Validate checks c, whose key path is path (normally "locking"), and
// returns every problem, each a *ConfigError naming its key:
//
//	locking.version_column: contains a NUL byte
//	locking.version_columns."": empty table name
//	locking.version_columns.Accounts: same table as locking.version_columns.accounts (names are matched ignoring case)
//
// A nil or empty Config is valid.
func (c *Config) Validate(path string) []error {
	if c == nil {
		return nil
	}
	if path == "" {
		path = "locking"
	}
	var errs []error
	add := func(key, format string, args ...any) {
		errs = append(errs, &ConfigError{Path: path + "." + key, Message: fmt.Sprintf(format, args...)})
	}
	if c.VersionColumn != "" {
		if msg := checkName(c.VersionColumn); msg != "" {
			add("version_column", "%s", msg)
		}
	}
	seen := map[string]string{} // lower-cased table -> key as written
	for _, table := range slices.Sorted(maps.Keys(c.VersionColumns)) {
		key := "version_columns." + keyPath(table)
		switch {
		case strings.TrimSpace(table) == "":
			add(key, "empty table name")
			continue
		case strings.Count(table, ".") > 1:
			add(key, "table name %q has more than one dot: want table or schema.table", table)
		default:
			for part := range strings.SplitSeq(table, ".") {
				if msg := checkName(part); msg != "" {
					add(key, "table name: %s", msg)
				}
			}
		}
		if prev, ok := seen[strings.ToLower(table)]; ok {
			add(key, "same table as %s.version_columns.%s (names are matched ignoring case)", path, keyPath(prev))
		} else {
			seen[strings.ToLower(table)] = table
		}
		col := c.VersionColumns[table]
		if col == "" {
			add(key, "empty column name")
		} else if msg := checkName(col); msg != "" {
			add(key, "%s", msg)
		}
	}
	return errs
}

// keyPath writes a map key as a path element, quoted when it is not a
// plain word.
func keyPath(k string) string {
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c == '_' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return strconv.Quote(k)
		}
	}
	if k == "" {
		return `""`
	}
	return k
}

// checkName returns what is wrong with a table or column name, or "".
func checkName(s string) string {
	switch {
	case strings.TrimSpace(s) == "":
		return "empty name"
	case strings.IndexByte(s, 0) >= 0:
		return "contains a NUL byte"
	case !utf8.ValidString(s):
		return "not valid UTF-8"
	case len(s) > maxIdent:
		return fmt.Sprintf("name longer than %d bytes", maxIdent)
	case strings.TrimSpace(s) != s:
		return fmt.Sprintf("name %q has leading or trailing spaces", s)
	}
	return ""
}
