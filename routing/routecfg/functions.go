package routecfg

import (
	"fmt"
	"strings"
)

// validateFunctions checks primary_functions and unknown_functions.
func (c *Config) validateFunctions(add func(key, format string, args ...any)) {
	seen := map[string]int{}
	for i, f := range c.PrimaryFunctions {
		key := fmt.Sprintf("primary_functions[%d]", i)
		if !functionName(f) {
			add(key, "want a function name or schema.name (letters, digits, '_', '$')")
			continue
		}
		folded := strings.ToLower(f)
		if j, dup := seen[folded]; dup {
			add(key, "listed twice (also primary_functions[%d])", j)
			continue
		}
		seen[folded] = i
	}
	switch c.UnknownFunctions {
	case "":
		c.UnknownFunctions = DefaultUnknownFunctions
	case FuncsOnReplica, FuncsOnPrimary:
	default:
		add("unknown_functions", "unknown setting: want replica or primary")
	}
}

// functionName reports whether s is "name" or "schema.name", each part an
// unquoted SQL identifier.
func functionName(s string) bool {
	schema, name, qualified := strings.Cut(s, ".")
	if !qualified {
		return identifier(s)
	}
	return identifier(schema) && identifier(name)
}

func identifier(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
		if !letter && (i == 0 || !(c >= '0' && c <= '9' || c == '$')) {
			return false
		}
	}
	return true
}

// IsPrimaryFunction reports whether a call of fn, written "name" or
// "schema.name", matches PrimaryFunctions, ignoring case: an entry "name"
// matches the function in any schema; an entry "schema.name" matches that
// schema's function or an unqualified call of name.
func (c *Config) IsPrimaryFunction(fn string) bool {
	schema, name, qualified := strings.Cut(fn, ".")
	if !qualified {
		schema, name = "", fn
	}
	for _, e := range c.PrimaryFunctions {
		es, en, eq := strings.Cut(e, ".")
		if !eq {
			es, en = "", e
		}
		if !strings.EqualFold(en, name) {
			continue
		}
		if es == "" || schema == "" || strings.EqualFold(es, schema) {
			return true
		}
	}
	return false
}
