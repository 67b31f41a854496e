package config

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// expandEnv replaces `${NAME}` and `${NAME:-default}` in s with the
// environment's values. An unset NAME without a default is an error naming
// the variable; "$$" stands for a literal "$". A "$" not followed by "{" or
// "$" is kept as it is, so DSN passwords containing "$" need no escaping.
// An invalid or unterminated reference is an error that shows no part of s,
// which may be a password holding "${".
func expandEnv(s string, lookup func(string) (string, bool)) (string, error) {
	if !strings.Contains(s, "$") {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '$' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		switch s[i+1] {
		case '$':
			b.WriteByte('$')
			i++
			continue
		case '{':
		default:
			b.WriteByte(c)
			continue
		}
		end := strings.IndexByte(s[i+2:], '}')
		if end < 0 {
			return "", errors.New("unterminated ${ in value (write $${ for a literal ${)")
		}
		expr := s[i+2 : i+2+end]
		name, def, hasDef := strings.Cut(expr, ":-")
		if !validEnvName(name) {
			// The text may be part of a password: do not show it.
			return "", errors.New("invalid environment reference ${...}: want ${NAME} or ${NAME:-default} (write $${ for a literal ${)")
		}
		v, ok := lookup(name)
		switch {
		case ok && (v != "" || !hasDef):
			b.WriteString(v)
		case hasDef:
			b.WriteString(def)
		default:
			return "", fmt.Errorf("environment variable %s is not set", name)
		}
		i += 2 + end
	}
	return b.String(), nil
}

func validEnvName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		ok := r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || i > 0 && r >= '0' && r <= '9'
		if !ok {
			return false
		}
	}
	return true
}

// osLookup is the lookup Validate uses.
var osLookup = os.LookupEnv
