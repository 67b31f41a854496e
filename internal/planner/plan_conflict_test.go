package planner

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/sharding"
)

// TestGoldenConflicts checks the conflict check of INSERTs on sharded
// tables: testdata/conflicts/<dialect>.txt holds cases like the golden
// plans, whose "keys:" lines give the catalog's unique keys of a table
// ("keys: orders pkey(customer_id, id) email_key(email) ex!" where a name
// ending in ! is an exclusion constraint); the result is the plan's route
// and reason, or the refusal.
func TestGoldenConflicts(t *testing.T) {
	for _, d := range []dialect.Dialect{dialect.Postgres, dialect.MySQL, dialect.SQLite} {
		t.Run(d.String(), func(t *testing.T) {
			path := filepath.Join("testdata", "conflicts", d.String()+".txt")
			data, err := os.ReadFile(path)
			require.NoError(t, err)
			header, cases := parseConflictCases(t, string(data))
			var out strings.Builder
			out.WriteString(header)
			for _, c := range cases {
				got := ""
				for _, noFast := range []bool{false, true} {
					p := newTestPlanner(t, d)
					p.noFast = noFast
					for table, keys := range c.keys {
						st := analyze.Analyze(d, "INSERT IGNORE INTO "+table+" (a) VALUES (1)")
						if d != dialect.MySQL {
							st = analyze.Analyze(d, "INSERT INTO "+table+" (a) VALUES (1) ON CONFLICT DO NOTHING")
						}
						r := p.KeysWanted(st)
						require.NotNil(t, r, "keys of %s", table)
						require.True(t, p.SetUniqueKeys(r, keys))
					}
					g := renderConflict(t, p, d, c.goldenCase)
					if noFast {
						require.Equal(t, got, g, "case %q: the fast path and the general path disagree", c.name)
					}
					got = g
				}
				if !*update && got != c.want {
					t.Errorf("case %q:\n--- want\n%s--- got\n%s(run go test ./internal/planner -run TestGoldenConflicts -update and review the diff)", c.name, c.want, got)
				}
				fmt.Fprintf(&out, "### %s\n%s\n", c.name, c.sql)
				for _, k := range c.keyLines {
					fmt.Fprintf(&out, "keys: %s\n", k)
				}
				if c.args != "" {
					fmt.Fprintf(&out, "args: %s\n", c.args)
				}
				if c.shard != "" {
					fmt.Fprintf(&out, "shard: %s\n", c.shard)
				}
				fmt.Fprintf(&out, "---\n%s\n", got)
			}
			if *update {
				require.NoError(t, os.WriteFile(path, []byte(out.String()), 0o644))
			}
		})
	}
}

type conflictCase struct {
	goldenCase
	keyLines []string
	keys     map[string][]UniqueKey
}

func parseConflictCases(t *testing.T, data string) (string, []conflictCase) {
	var out []conflictCase
	var stripped strings.Builder
	var lines [][]string
	for _, part := range strings.Split(data, "\n### ") {
		var keep, keys []string
		for _, l := range strings.Split(part, "\n") {
			if k, ok := strings.CutPrefix(l, "keys: "); ok {
				keys = append(keys, k)
				continue
			}
			keep = append(keep, l)
		}
		if stripped.Len() > 0 {
			stripped.WriteString("\n### ")
		}
		stripped.WriteString(strings.Join(keep, "\n"))
		lines = append(lines, keys)
	}
	header, cases := parseGolden(t, stripped.String())
	if !strings.HasPrefix(data, "### ") {
		lines = lines[1:]
	}
	for i, c := range cases {
		cc := conflictCase{goldenCase: c, keyLines: lines[i], keys: map[string][]UniqueKey{}}
		for _, l := range lines[i] {
			table, rest, _ := strings.Cut(l, " ")
			keys := []UniqueKey{}
			for _, k := range strings.Fields(strings.ReplaceAll(rest, ", ", ",")) {
				if name, ok := strings.CutSuffix(k, "!"); ok {
					keys = append(keys, UniqueKey{Name: name, Exclusion: true})
					continue
				}
				name, cols, _ := strings.Cut(strings.TrimSuffix(k, ")"), "(")
				keys = append(keys, UniqueKey{Name: name, Columns: strings.Split(cols, ",")})
			}
			cc.keys[table] = keys
		}
		out = append(out, cc)
	}
	return header, out
}

func renderConflict(t *testing.T, p *Planner, d dialect.Dialect, c goldenCase) string {
	args := parseArgs(t, c.args)
	pl, err := p.Plan(bg, analyze.Analyze(d, c.sql), args, Options{Shard: c.shard})
	if err != nil {
		return "error: " + err.Error() + "\n"
	}
	return "plan: " + string(pl.Route) + ": " + pl.Reason + "\n"
}

func TestKeysWanted(t *testing.T) {
	p := newTestPlanner(t, dialect.MySQL)
	ignore := analyze.Analyze(dialect.MySQL, "INSERT IGNORE INTO orders (id, customer_id) VALUES (1, 2)")
	for _, q := range []string{
		"INSERT INTO orders (id, customer_id) VALUES (1, 2)",
		"INSERT IGNORE INTO countries (code) VALUES ('x')",
		"INSERT IGNORE INTO users (id) VALUES (1)",
		"SELECT * FROM orders",
	} {
		assert.Nil(t, p.KeysWanted(analyze.Analyze(dialect.MySQL, q)), q)
	}
	r := p.KeysWanted(ignore)
	require.NotNil(t, r)
	assert.Equal(t, KeysRequest{Table: "orders", Name: "orders", Database: "s0"}, KeysRequest{Table: r.Table, Schema: r.Schema, Name: r.Name, Database: r.Database})
	_, err := p.Plan(bg, ignore, nil, Options{})
	assert.ErrorContains(t, err, "INSERT IGNORE: the unique keys of orders are not known")

	// Keys read while DDL ran are not kept.
	stale := p.KeysWanted(ignore)
	p.ForgetUniqueKeys()
	assert.False(t, p.SetUniqueKeys(stale, []UniqueKey{{Name: "PRIMARY", Columns: []string{"customer_id", "id"}}}))
	r = p.KeysWanted(ignore)
	require.True(t, p.SetUniqueKeys(r, []UniqueKey{{Name: "PRIMARY", Columns: []string{"customer_id", "id"}}}))
	assert.Nil(t, p.KeysWanted(ignore), "known now")
	_, err = p.Plan(bg, ignore, nil, Options{})
	assert.NoError(t, err)
	p.ForgetUniqueKeys()
	assert.NotNil(t, p.KeysWanted(ignore), "forgotten after DDL")
	_, err = p.Plan(bg, ignore, nil, Options{})
	assert.ErrorIs(t, err, sharding.ErrRefused)

	// PostgreSQL: a named target needs no catalog.
	pg := newTestPlanner(t, dialect.Postgres)
	assert.Nil(t, pg.KeysWanted(analyze.Analyze(dialect.Postgres, "INSERT INTO orders (id, customer_id) VALUES (1, 2) ON CONFLICT (id) DO NOTHING")))
	assert.NotNil(t, pg.KeysWanted(analyze.Analyze(dialect.Postgres, "INSERT INTO orders (id, customer_id) VALUES (1, 2) ON CONFLICT ON CONSTRAINT orders_pkey DO NOTHING")))
}
