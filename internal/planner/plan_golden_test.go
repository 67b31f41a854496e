package planner

import (
	"bytes"
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/grantsql/grant/sharding"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/analyze"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden plans in testdata/plans")

// planDatabases and planConfig are the cluster of the golden plans.
var planDatabases = []string{"s0", "s1", "s2", "s3"}

func planConfig() sharding.Config {
	return sharding.Config{
		Resolvers: map[string]sharding.Spec{
			"by_customer": {Type: "modulo", Databases: planDatabases},
			"by_region": {Type: "range", Ranges: []sharding.RangeSpec{
				{To: 1000, Database: "s0"}, {From: 1000, To: 2000, Database: "s1"}, {From: 2000, Database: "s2"},
			}},
		},
		Tables: map[string]sharding.TableConfig{
			"orders":      {Key: "customer_id", Resolver: "by_customer"},
			"order_items": {Key: "customer_id", Resolver: "by_customer"},
			"payments":    {Key: "customer_id", Resolver: "by_customer"},
			"events":      {Key: "region_id", Resolver: "by_region"},
		},
		Bindings:  [][]string{{"orders", "order_items"}},
		Broadcast: []string{"countries", "currencies"},
		// ent's MySQL text columns are utf8mb4_bin.
		Collations: map[string]string{"order_items.sku": "binary", "countries.name": "nocase"},
	}
}

func newTestPlanner(t testing.TB, d dialect.Dialect) *Planner {
	t.Helper()
	p, err := NewPlanner(planConfig(), d, "s0", planDatabases)
	require.NoError(t, err)
	return p
}

// goldenCase is one case of a golden file.
type goldenCase struct {
	name, sql, args, shard, want string
	tx                           bool
}

// goldenDir runs the golden cases of testdata/<dir>/<dialect>.txt (the
// format of the golden plans, without shard or transaction lines) for each
// dialect: plan makes the dialect's planner, render renders one case. With
// -update it rewrites the files; test names the test for the message.
func goldenDir(t *testing.T, dir, test string, plan func(testing.TB, dialect.Dialect) *Planner,
	render func(*testing.T, *Planner, dialect.Dialect, goldenCase) string) {
	for _, d := range []dialect.Dialect{dialect.Postgres, dialect.MySQL, dialect.SQLite} {
		t.Run(d.String(), func(t *testing.T) {
			path := filepath.Join("testdata", dir, d.String()+".txt")
			data, err := os.ReadFile(path)
			require.NoError(t, err)
			header, cases := parseGolden(t, string(data))
			p := plan(t, d)
			var out strings.Builder
			out.WriteString(header)
			for _, c := range cases {
				got := render(t, p, d, c)
				if !*update && got != c.want {
					t.Errorf("case %q:\n--- want\n%s--- got\n%s(run go test ./internal/planner -run %s -update and review the diff)", c.name, c.want, got, test)
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

// The golden files hold cases separated by "### name" lines: the SQL (one
// or more lines), optional "args: [JSON values]" (an object
// {"name": n, "value": v} is a named argument), "shard: db" and
// "in transaction" lines, a "---" line, then the plan as JSON and each
// rewritten shard's argument values, or "error: ...".
func TestGoldenPlans(t *testing.T) {
	for _, d := range []dialect.Dialect{dialect.Postgres, dialect.MySQL, dialect.SQLite} {
		t.Run(d.String(), func(t *testing.T) {
			path := filepath.Join("testdata", "plans", d.String()+".txt")
			data, err := os.ReadFile(path)
			require.NoError(t, err)
			header, cases := parseGolden(t, string(data))
			p := newTestPlanner(t, d)
			general := newTestPlanner(t, d)
			general.noFast = true
			var out strings.Builder
			out.WriteString(header)
			for _, c := range cases {
				got := renderCase(t, p, d, c)
				require.Equal(t, renderCase(t, general, d, c), got, "case %q: the fast path and the general path disagree", c.name)
				if !*update && got != c.want {
					t.Errorf("case %q:\n--- want\n%s--- got\n%s(run go test ./internal/planner -run TestGoldenPlans -update and review the diff)", c.name, c.want, got)
				}
				fmt.Fprintf(&out, "### %s\n%s\n", c.name, c.sql)
				if c.args != "" {
					fmt.Fprintf(&out, "args: %s\n", c.args)
				}
				if c.shard != "" {
					fmt.Fprintf(&out, "shard: %s\n", c.shard)
				}
				if c.tx {
					out.WriteString("in transaction\n")
				}
				fmt.Fprintf(&out, "---\n%s\n", got)
			}
			if *update {
				require.NoError(t, os.WriteFile(path, []byte(out.String()), 0o644))
				return
			}
			if !t.Failed() && string(data) != out.String() {
				t.Errorf("%s is not in its canonical form: run go test ./internal/planner -run TestGoldenPlans -update", path)
			}
		})
	}
}

func parseGolden(t *testing.T, data string) (string, []goldenCase) {
	parts := strings.Split(data, "\n### ")
	header := parts[0] + "\n"
	if strings.HasPrefix(data, "### ") {
		header, parts[0] = "", strings.TrimPrefix(parts[0], "### ")
	} else {
		parts = parts[1:]
	}
	var cases []goldenCase
	for _, part := range parts {
		in, want, _ := strings.Cut(part, "\n---\n")
		lines := strings.Split(in, "\n")
		c := goldenCase{name: lines[0], want: strings.TrimRight(want, "\n") + "\n"}
		var sql []string
		for _, l := range lines[1:] {
			switch {
			case strings.HasPrefix(l, "args: "):
				c.args = strings.TrimPrefix(l, "args: ")
			case strings.HasPrefix(l, "shard: "):
				c.shard = strings.TrimPrefix(l, "shard: ")
			case l == "in transaction":
				c.tx = true
			default:
				sql = append(sql, l)
			}
		}
		c.sql = strings.TrimSpace(strings.Join(sql, "\n"))
		require.NotEmpty(t, c.sql, "case %q has no SQL", c.name)
		cases = append(cases, c)
	}
	return header, cases
}

// renderCase plans one case and renders the plan (or the error).
func renderCase(t *testing.T, p *Planner, d dialect.Dialect, c goldenCase) string {
	args := parseArgs(t, c.args)
	st := analyze.Analyze(d, c.sql)
	pl, err := p.Plan(bg, st, args, Options{Shard: c.shard, InTx: c.tx})
	if err != nil {
		return "error: " + err.Error() + "\n"
	}
	checkPlan(t, p, pl, args)
	b, err := pl.JSON()
	require.NoError(t, err)
	var out bytes.Buffer
	out.Write(b)
	out.WriteByte('\n')
	for _, q := range pl.Shards {
		if q.ArgOrdinals != nil && len(q.Args) > 0 {
			vals := make([]string, len(q.Args))
			for i, a := range q.Args {
				vals[i] = formatArg(a)
			}
			fmt.Fprintf(&out, "%s args: [%s]\n", q.Database, strings.Join(vals, ", "))
		}
	}
	return out.String()
}

func parseArgs(t *testing.T, s string) []driver.NamedValue {
	if s == "" {
		return nil
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var raw []any
	require.NoError(t, dec.Decode(&raw), "args %s", s)
	args := make([]driver.NamedValue, len(raw))
	for i, v := range raw {
		nv := driver.NamedValue{Ordinal: i + 1}
		if m, ok := v.(map[string]any); ok {
			nv.Name, v = m["name"].(string), m["value"]
		}
		if n, ok := v.(json.Number); ok {
			if x, err := n.Int64(); err == nil {
				v = x
			} else {
				v, _ = n.Float64()
			}
		}
		nv.Value = v
		args[i] = nv
	}
	return args
}

func formatArg(a driver.NamedValue) string {
	v := fmt.Sprint(a.Value)
	if s, ok := a.Value.(string); ok {
		v = strconv.Quote(s)
	}
	if a.Value == nil {
		v = "null"
	}
	if a.Name != "" {
		return a.Name + "=" + v
	}
	return v
}

// NewPlanner validates cfg, builds its resolvers and returns the planner,
// as a connector does.
func NewPlanner(cfg sharding.Config, d dialect.Dialect, defaultDB string, databases []string) (*Planner, error) {
	if errs := cfg.Validate("sharding", databases, defaultDB); len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	rs, err := sharding.Build(&cfg, databases)
	if err != nil {
		return nil, err
	}
	return New(cfg, d, defaultDB, databases, rs)
}

// bg is the context of plans in tests.
var bg = context.Background()
