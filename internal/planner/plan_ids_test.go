package planner

import (
	"database/sql/driver"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/sharding"
	"github.com/grantsql/grant/sharding/idgen"
)

// idPlanner is the planner of the golden plans with ids generated for
// orders (snowflake) and events (a sequence).
func idPlanner(t testing.TB, d dialect.Dialect) *Planner {
	t.Helper()
	cfg := planConfig()
	node := 3
	o := cfg.Tables["orders"]
	o.ID = &sharding.IDConfig{Column: "id", Generator: sharding.GeneratorSnowflake, Node: &node}
	cfg.Tables["orders"] = o
	e := cfg.Tables["events"]
	e.ID = &sharding.IDConfig{Column: "event_id", Generator: sharding.GeneratorSequence, Cache: 10}
	cfg.Tables["events"] = e
	p, err := NewPlanner(cfg, d, "s0", planDatabases)
	require.NoError(t, err)
	return p
}

// TestGoldenIDs checks the id rewrites of testdata/ids/<dialect>.txt: each
// case is "### name", the SQL, an optional "args: [JSON]" line, "---", then
// the rewritten SQL and its arguments with the ids 1001, 1002, ... (or
// "unchanged", or "error: ..."). The rewritten statement must plan.
func TestGoldenIDs(t *testing.T) {
	goldenDir(t, "ids", "TestGoldenIDs", idPlanner, renderIDs)
}

func renderIDs(t *testing.T, p *Planner, d dialect.Dialect, c goldenCase) string {
	st := analyze.Analyze(d, c.sql)
	r, err := p.IDs(st)
	switch {
	case err != nil:
		return "error: " + err.Error() + "\n"
	case r == nil:
		return "unchanged\n"
	}
	again, err := p.IDs(st)
	require.NoError(t, err)
	assert.Same(t, r, again, "%s: the rewrite is cached", c.name)
	ids := make([]int64, r.Rows)
	for i := range ids {
		ids[i] = int64(1001 + i)
	}
	args := r.Args(parseArgs(t, c.args), ids)
	vals := make([]string, len(args))
	for i, a := range args {
		require.Equal(t, i+1, a.Ordinal, "%s: ordinals are renumbered", c.name)
		vals[i] = formatArg(a)
	}
	st2 := analyze.Analyze(d, r.SQL)
	require.True(t, st2.Full, "%s: the rewrite is understood: %s", c.name, st2.NotFull)
	again, err = p.IDs(st2)
	require.NoError(t, err)
	assert.Nil(t, again, "%s: the rewrite gives the column", c.name)
	pl, err := p.Plan(bg, st2, args, Options{})
	route := ""
	if err != nil {
		route = "plan error: " + err.Error()
	} else {
		route = "plan: " + string(pl.Route) + ": " + pl.Reason
	}
	return fmt.Sprintf("%s\nargs: [%s]\n%s\n", r.SQL, strings.Join(vals, ", "), route)
}

func TestIDRewriteArgs(t *testing.T) {
	args := func(vs ...any) []driver.NamedValue {
		out := make([]driver.NamedValue, len(vs))
		for i, v := range vs {
			out[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
		}
		return out
	}
	r := &IDRewrite{At: []int{1, 3}}
	in := args("a", "b")
	got := r.Args(in, []int64{7, 8})
	assert.Equal(t, args("a", int64(7), "b", int64(8)), got)
	assert.Equal(t, args("a", "b"), in, "the caller's arguments are not modified")
	assert.Equal(t, args(int64(7), int64(8)), (&IDRewrite{At: []int{0, 1}}).Args(nil, []int64{7, 8}))
	named := (&IDRewrite{Names: []string{"grant_id_1"}}).Args([]driver.NamedValue{{Name: "c", Ordinal: 1, Value: 1}}, []int64{9})
	assert.Equal(t, []driver.NamedValue{{Name: "c", Ordinal: 1, Value: 1}, {Name: "grant_id_1", Ordinal: 2, Value: int64(9)}}, named)
}

func TestIDGenerators(t *testing.T) {
	p := idPlanner(t, dialect.Postgres)
	r, err := p.IDs(analyze.Analyze(dialect.Postgres, "INSERT INTO orders (customer_id) VALUES (1)"))
	require.NoError(t, err)
	sf, ok := r.Generator.(*idgen.Snowflake)
	require.True(t, ok)
	node, _ := sf.Node()
	assert.Equal(t, 3, node)
	r, err = p.IDs(analyze.Analyze(dialect.Postgres, "INSERT INTO events (region_id) VALUES (1)"))
	require.NoError(t, err)
	seq, ok := r.Generator.(*idgen.Sequence)
	require.True(t, ok)
	assert.Equal(t, "events", seq.Name())

	// The cache is bounded.
	for i := range maxIDRewrites + 5 {
		_, err := p.IDs(analyze.Analyze(dialect.Postgres, fmt.Sprintf("INSERT INTO orders (customer_id) VALUES (%d)", i)))
		require.NoError(t, err)
	}
	p.tables["orders"].id.mu.RLock()
	assert.LessOrEqual(t, len(p.tables["orders"].id.cache), maxIDRewrites)
	p.tables["orders"].id.mu.RUnlock()
}
