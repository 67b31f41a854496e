package planner

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
)

// TestGoldenMerged checks the plans of aggregates merged across shards
// (COUNT, SUM and AVG(DISTINCT x) by value, and what stays refused) in
// testdata/merged/<dialect>.txt, planned with the test catalog: each case
// is "### name", the SQL, optional "args: [JSON]", "---", then the first
// shard's SQL and the merge spec as JSON, or "error: ...".
func TestGoldenMerged(t *testing.T) {
	for _, d := range []dialect.Dialect{dialect.Postgres, dialect.MySQL, dialect.SQLite} {
		t.Run(d.String(), func(t *testing.T) {
			path := filepath.Join("testdata", "merged", d.String()+".txt")
			data, err := os.ReadFile(path)
			require.NoError(t, err)
			header, cases := parseGolden(t, string(data))
			p := newTestPlanner(t, d)
			var out strings.Builder
			out.WriteString(header)
			for _, c := range cases {
				got := renderCollationCase(t, p, d, c)
				if !*update && got != c.want {
					t.Errorf("case %q:\n--- want\n%s--- got\n%s(run go test ./internal/planner -run TestGoldenMerged -update and review the diff)", c.name, c.want, got)
				}
				fmt.Fprintf(&out, "### %s\n%s\n", c.name, c.sql)
				if c.args != "" {
					fmt.Fprintf(&out, "args: %s\n", c.args)
				}
				fmt.Fprintf(&out, "---\n%s\n", got)
			}
			if *update {
				require.NoError(t, os.WriteFile(path, []byte(out.String()), 0o644))
			}
		})
	}
}
