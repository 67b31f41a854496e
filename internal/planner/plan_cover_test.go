package planner

import (
	"bytes"
	"maps"
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

// TestCoverPlans checks the plans of testdata/cover/<dialect>.txt: windows
// partitioned by the key, subqueries bound to the key, derived tables and
// CTEs computed per shard, UNION [ALL] across shards, and the shapes that
// stay refused. The cases are those of the golden plans ("### name", the
// SQL, optional "args:", "---", the plan or "error: ..."), planned with the
// catalog of the collation plans (testCatalogs), as the executor plans
// statements that compare text.
func TestCoverPlans(t *testing.T) {
	goldenDir(t, "cover", "TestCoverPlans", newTestPlanner, renderCoverCase)
}

// renderCoverCase plans one case with the test catalog and renders the
// plan (or the error).
func renderCoverCase(t *testing.T, p *Planner, d dialect.Dialect, c goldenCase) string {
	args := parseArgs(t, c.args)
	st := analyze.Analyze(d, c.sql)
	pl, err := p.Plan(bg, st, args, Options{Catalog: coverCatalog(d)})
	if err != nil {
		return "error: " + err.Error() + "\n"
	}
	checkPlan(t, p, pl, args)
	b, err := pl.JSON()
	require.NoError(t, err)
	var out bytes.Buffer
	out.Write(b)
	out.WriteByte('\n')
	return out.String()
}

// coverCatalog is the catalog of the collation plans (testCatalogs), which
// also knows the number columns of order_items and events and the text of
// countries, as the executor's catalog knows every column of the tables a
// statement reads.
func coverCatalog(d dialect.Dialect) Catalog {
	c := testCatalogs[d]
	cols := maps.Clone(c.columns)
	for _, col := range []string{"order_items.id", "order_items.customer_id", "order_items.order_id", "order_items.qty",
		"order_items.total", "payments.customer_id", "events.region_id"} {
		cols[col] = TextOrder{}
	}
	cols["countries.code"] = c.def
	cols["countries.name"] = c.def
	c.columns = cols
	return c
}

// The refusals of the shapes left out, each naming why.
func TestCoverRefusals(t *testing.T) {
	p := newTestPlanner(t, dialect.Postgres)
	for _, tc := range []struct{ sql, why string }{
		{"SELECT id, row_number() OVER (ORDER BY id) FROM orders", "PARTITION BY must hold the shard key customer_id"},
		{"SELECT id, count(*) OVER (PARTITION BY customer_id + 0) FROM orders", "PARTITION BY must hold the shard key"},
		{"SELECT id, count(*) OVER (PARTITION BY customer_id), count(*) OVER () FROM orders", "PARTITION BY must hold the shard key"},
		{"SELECT status, rank() OVER (PARTITION BY status ORDER BY count(*)) FROM orders GROUP BY status", "PARTITION BY must hold the shard key"},
		{"SELECT id FROM orders WHERE customer_id IN (SELECT customer_id FROM payments)", "reads it across shards"},
		{"SELECT id FROM orders WHERE customer_id IN (SELECT customer_id FROM order_items LIMIT 3)", "reads it across shards"},
		{"SELECT id FROM orders WHERE customer_id IN (SELECT customer_id FROM order_items) OR id = 1", "reads it across shards"},
		{"SELECT avg(n) FROM (SELECT status, count(*) AS n FROM orders GROUP BY status) t", "must group by the shard key customer_id"},
		{"SELECT * FROM (SELECT id FROM orders ORDER BY id LIMIT 5) t", "with LIMIT or OFFSET"},
		{"SELECT * FROM (SELECT id, rank() OVER (ORDER BY id) FROM orders) t", "with window functions"},
		{"WITH t AS (SELECT customer_id, count(*) AS n FROM orders GROUP BY customer_id) SELECT n FROM t WHERE n > (SELECT avg(n) FROM t)", "more than once or outside"},
		{"SELECT o.id FROM orders o JOIN (SELECT customer_id, count(*) AS n FROM order_items GROUP BY customer_id) t ON t.customer_id = o.customer_id", "reads it across shards"},
		{"SELECT id FROM orders UNION ALL SELECT id FROM orders UNION SELECT id FROM orders ORDER BY 1", "mixed"},
		{"SELECT customer_id FROM orders INTERSECT SELECT customer_id FROM order_items", "INTERSECT across shards"},
		{"SELECT code FROM countries UNION ALL SELECT country FROM orders", "reads no sharded table"},
		{"SELECT count(*) FROM orders UNION ALL SELECT count(*) FROM order_items", "must group by the shard key"},
		{"SELECT region_id FROM events UNION ALL SELECT customer_id FROM orders", "different databases"},
		{"SELECT name FROM orders UNION SELECT status FROM orders ORDER BY 1", "compares differently in its arms"},
	} {
		_, err := p.Plan(bg, analyze.Analyze(dialect.Postgres, tc.sql), nil, Options{Catalog: coverCatalog(dialect.Postgres)})
		if assert.ErrorIs(t, err, sharding.ErrRefused, tc.sql) {
			assert.Contains(t, err.Error(), tc.why, tc.sql)
		}
	}
	// Without ORDER BY the executor reads no catalog for a UNION, and the
	// merge could not remove duplicate text as the servers do.
	for _, d := range []dialect.Dialect{dialect.Postgres, dialect.MySQL, dialect.SQLite} {
		sql := "SELECT customer_id FROM orders UNION SELECT customer_id FROM order_items"
		_, err := newTestPlanner(t, d).Plan(bg, analyze.Analyze(d, sql), nil, Options{})
		if assert.ErrorIs(t, err, sharding.ErrRefused, sql) {
			assert.Contains(t, err.Error(), "add ORDER BY", sql)
		}
	}
}

// FuzzCoverPlans plans text near the coverage cases, with and without a
// catalog: the planner never panics, and every plan holds checkPlan.
func FuzzCoverPlans(f *testing.F) {
	for _, d := range []dialect.Dialect{dialect.Postgres, dialect.MySQL, dialect.SQLite} {
		data, err := os.ReadFile(filepath.Join("testdata", "cover", d.String()+".txt"))
		if err != nil {
			f.Fatal(err)
		}
		for _, part := range strings.Split(string(data), "\n### ")[1:] {
			if lines := strings.SplitN(part, "\n", 3); len(lines) > 1 {
				f.Add(uint8(d), lines[1])
			}
		}
	}
	planners := map[dialect.Dialect]*Planner{}
	for _, d := range []dialect.Dialect{dialect.Postgres, dialect.MySQL, dialect.SQLite} {
		planners[d] = newTestPlanner(f, d)
	}
	f.Fuzz(func(t *testing.T, which uint8, sql string) {
		d := dialect.Dialect(1 + which%3)
		p := planners[d]
		st := analyze.Analyze(d, sql)
		if st.Params > 0 {
			return
		}
		for _, o := range []Options{{}, {Catalog: coverCatalog(d)}} {
			if pl, err := p.Plan(bg, st, nil, o); err == nil {
				checkPlan(t, p, pl, nil)
			}
		}
	})
}
