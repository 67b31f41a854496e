package analyze

import (
	"strings"
	"testing"
	"time"

	"github.com/grantsql/grant/dialect"
)

// TestLinearTime guards against quadratic work on long or deeply nested
// texts (statements over MaxCachedSQL are analyzed on every call).
func TestLinearTime(t *testing.T) {
	n := 20000
	inputs := map[string]string{
		"parens":     "SELECT " + strings.Repeat("(", n) + "1" + strings.Repeat(")", n),
		"openparens": "SELECT " + strings.Repeat("(", n),
		"ands":       "SELECT 1 FROM t WHERE " + strings.Repeat("a = 1 AND ", n) + "b = 2",
		"nestedand":  "SELECT 1 FROM t WHERE " + strings.Repeat("(a = 1 AND ", n) + "b = 2" + strings.Repeat(")", n),
		"case":       "SELECT " + strings.Repeat("CASE ", n),
		"with":       strings.Repeat("WITH a AS (SELECT 1) ", n),
		"explain":    strings.Repeat("EXPLAIN ", n),
		"subq":       "SELECT " + strings.Repeat("(SELECT ", n),
		"xparen":     strings.Repeat("x(", n),
		"with2":      "WITH " + strings.Repeat("a(", n),
		"for":        strings.Repeat("FOR UPDATE ", n),
		"from":       "SELECT * FROM " + strings.Repeat("(", n),
		"comma":      "SELECT " + strings.Repeat("a,", n) + "b",
		"in":         "SELECT 1 WHERE a IN (" + strings.Repeat("1,", n) + "2)",
		"semis":      strings.Repeat("SELECT 1;", n),
	}
	for name, in := range inputs {
		for _, d := range []dialect.Dialect{dialect.Postgres, dialect.MySQL, dialect.SQLite} {
			start := time.Now()
			Analyze(d, in)
			if el := time.Since(start); el > 500*time.Millisecond {
				t.Errorf("%s %s: %v", name, d, el)
			}
		}
	}
}
