package analyze

import (
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/grantsql/grant/dialect"
)

// TestLinearTime guards against quadratic work on long or deeply nested
// texts (statements over MaxCachedSQL are analyzed on every call): sixteen
// times the input must cost well under the 256 times quadratic work would
// (the bound of 100 leaves room for caches, the collector and a busy host).
func TestLinearTime(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("timing test skipped in -short mode and under the race detector")
	}
	inputs := map[string]func(n int) string{
		"parens":     func(n int) string { return "SELECT " + strings.Repeat("(", n) + "1" + strings.Repeat(")", n) },
		"openparens": func(n int) string { return "SELECT " + strings.Repeat("(", n) },
		"ands":       func(n int) string { return "SELECT 1 FROM t WHERE " + strings.Repeat("a = 1 AND ", n) + "b = 2" },
		"nestedand": func(n int) string {
			return "SELECT 1 FROM t WHERE " + strings.Repeat("(a = 1 AND ", n) + "b = 2" + strings.Repeat(")", n)
		},
		"case":    func(n int) string { return "SELECT " + strings.Repeat("CASE ", n) },
		"with":    func(n int) string { return strings.Repeat("WITH a AS (SELECT 1) ", n) },
		"explain": func(n int) string { return strings.Repeat("EXPLAIN ", n) },
		"subq":    func(n int) string { return "SELECT " + strings.Repeat("(SELECT ", n) },
		"xparen":  func(n int) string { return strings.Repeat("x(", n) },
		"with2":   func(n int) string { return "WITH " + strings.Repeat("a(", n) },
		"for":     func(n int) string { return strings.Repeat("FOR UPDATE ", n) },
		"from":    func(n int) string { return "SELECT * FROM " + strings.Repeat("(", n) },
		"comma":   func(n int) string { return "SELECT " + strings.Repeat("a,", n) + "b" },
		"in":      func(n int) string { return "SELECT 1 WHERE a IN (" + strings.Repeat("1,", n) + "2)" },
		"semis":   func(n int) string { return strings.Repeat("SELECT 1;", n) },
	}
	best := func(d dialect.Dialect, in string) time.Duration {
		var b time.Duration
		for i := 0; i < 5; i++ {
			runtime.GC()
			start := time.Now()
			Analyze(d, in)
			if el := time.Since(start); i == 0 || el < b {
				b = el
			}
		}
		return max(b, 50*time.Microsecond)
	}
	for name, gen := range inputs {
		small, large := gen(500), gen(8000)
		for _, d := range []dialect.Dialect{dialect.Postgres, dialect.MySQL, dialect.SQLite} {
			ts, tl := best(d, small), best(d, large)
			if tl > 100*ts {
				t.Errorf("%s %s: 500 -> %v, 8000 -> %v", name, d, ts, tl)
			}
		}
	}
}
