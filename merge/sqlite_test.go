package merge

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/grantsql/grant/dialect"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"
)

// sqliteCluster is one database holding all rows and four shards holding
// the rows with id % 4 == shard, each as a raw driver connection.
type sqliteCluster struct {
	full   driver.Conn
	shards []driver.Conn
}

const sqliteSchema = `CREATE TABLE t (id INTEGER PRIMARY KEY, g INTEGER, n INTEGER, s TEXT, f REAL, m)`

func newSQLiteCluster(t *testing.T, rows int) *sqliteCluster {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(7, 11))
	maybe := func(v any) any {
		if rng.IntN(10) == 0 {
			return nil
		}
		return v
	}
	words := []string{"a", "A", "ab", "Ab", "b", "B", "", "b ", "é", "É", "z"}
	type rec struct{ id, g, n, s, f, m any }
	var data []rec
	for id := 1; id <= rows; id++ {
		var m any
		switch rng.IntN(5) {
		case 0:
			m = int64(rng.IntN(10))
		case 1:
			m = float64(rng.IntN(20)) + 0.5
		case 2:
			m = words[rng.IntN(len(words))]
		case 3:
			m = []byte{byte(rng.IntN(3)), 'x'}
		}
		data = append(data, rec{int64(id), maybe(int64(rng.IntN(6))), maybe(int64(rng.IntN(101) - 50)),
			maybe(words[rng.IntN(len(words))]), maybe(float64(rng.IntN(20001)-10000) / 100), m})
	}
	load := func(name string, keep func(id int64) bool) driver.Conn {
		path := filepath.Join(dir, name+".db")
		db, err := sql.Open("sqlite", path)
		require.NoError(t, err)
		defer db.Close()
		_, err = db.Exec(sqliteSchema)
		require.NoError(t, err)
		tx, err := db.Begin()
		require.NoError(t, err)
		for _, r := range data {
			if keep(r.id.(int64)) {
				_, err := tx.Exec(`INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)`, r.id, r.g, r.n, r.s, r.f, r.m)
				require.NoError(t, err)
			}
		}
		require.NoError(t, tx.Commit())
		conn, err := db.Driver().Open(path)
		require.NoError(t, err)
		t.Cleanup(func() { conn.Close() })
		return conn
	}
	c := &sqliteCluster{full: load("full", func(int64) bool { return true })}
	for s := range 4 {
		c.shards = append(c.shards, load(fmt.Sprint("s", s), func(id int64) bool { return id%4 == int64(s) }))
	}
	return c
}

func query(ctx context.Context, conn driver.Conn, q string) (driver.Rows, error) {
	return conn.(driver.QueryerContext).QueryContext(ctx, q, nil)
}

// differential is one query on the whole database and its rewrite for the
// shards, as the planner would write it, with the merge spec.
type differential struct {
	name, single, shard string
	spec                Spec
	ordered             bool  // compare in order, else as multisets
	approx              []int // float columns compared to 1e-9 relative
}

var differentials = []differential{
	{name: "concat", single: `SELECT id, g, n, s, f, m FROM t`, spec: Spec{}},
	{name: "order by int", single: `SELECT id, n FROM t ORDER BY n, id`, ordered: true,
		spec: Spec{OrderBy: []SortKey{{Column: 1}, {Column: 0}}}},
	{name: "order by int desc", single: `SELECT id, n FROM t ORDER BY n DESC, id DESC`, ordered: true,
		spec: Spec{OrderBy: []SortKey{{Column: 1, Desc: true}, {Column: 0, Desc: true}}}},
	{name: "order by text", single: `SELECT id, s FROM t ORDER BY s, id`, ordered: true,
		spec: Spec{OrderBy: []SortKey{{Column: 1}, {Column: 0}}}},
	{name: "order by real desc", single: `SELECT id, f FROM t ORDER BY f DESC, id`, ordered: true,
		spec: Spec{OrderBy: []SortKey{{Column: 1, Desc: true}, {Column: 0}}}},
	{name: "order by mixed types", single: `SELECT id, m FROM t ORDER BY m, id`, ordered: true,
		spec: Spec{OrderBy: []SortKey{{Column: 1}, {Column: 0}}}},
	{name: "nulls last", single: `SELECT id, n FROM t ORDER BY n NULLS LAST, id`, ordered: true,
		spec: Spec{OrderBy: []SortKey{{Column: 1, Nulls: NullsLast}, {Column: 0}}}},
	{name: "desc nulls first", single: `SELECT id, s FROM t ORDER BY s DESC NULLS FIRST, id`, ordered: true,
		spec: Spec{OrderBy: []SortKey{{Column: 1, Desc: true, Nulls: NullsFirst}, {Column: 0}}}},
	{name: "limit offset, hidden order column", ordered: true,
		single: `SELECT id FROM t ORDER BY n, id LIMIT 7 OFFSET 5`,
		shard:  `SELECT id, n FROM t ORDER BY n, id LIMIT 12`,
		spec:   Spec{Visible: 1, OrderBy: []SortKey{{Column: 1}, {Column: 0}}, Offset: 5, Limit: new(int64(7))}},
	{name: "aggregates", ordered: true, approx: []int{8},
		single: `SELECT COUNT(*), SUM(n), MIN(s), MAX(f), AVG(n), COUNT(n), MIN(m), MAX(m), TOTAL(f) FROM t`,
		shard:  `SELECT COUNT(*), SUM(n), MIN(s), MAX(f), AVG(n), COUNT(n), MIN(m), MAX(m), TOTAL(f), SUM(n), COUNT(n) FROM t`,
		spec: Spec{Visible: 9, Aggregates: []Aggregate{{Func: Count, Column: 0}, {Func: Sum, Column: 1},
			{Func: Min, Column: 2}, {Func: Max, Column: 3}, {Func: Avg, Column: 4, SumColumn: 9, CountColumn: 10},
			{Func: Count, Column: 5}, {Func: Min, Column: 6}, {Func: Max, Column: 7}, {Func: Sum, Column: 8}}}},
	{name: "aggregates over no rows", ordered: true,
		single: `SELECT COUNT(*), SUM(n), AVG(n), MIN(s) FROM t WHERE id < 0`,
		shard:  `SELECT COUNT(*), SUM(n), AVG(n), MIN(s), SUM(n), COUNT(n) FROM t WHERE id < 0`,
		spec: Spec{Visible: 4, Aggregates: []Aggregate{{Func: Count, Column: 0}, {Func: Sum, Column: 1},
			{Func: Avg, Column: 2, SumColumn: 4, CountColumn: 5}, {Func: Min, Column: 3}}}},
	{name: "group by, streaming", ordered: true, approx: []int{3},
		single: `SELECT g, COUNT(*), SUM(n), AVG(f), MIN(s), MAX(n) FROM t GROUP BY g ORDER BY g`,
		shard:  `SELECT g, COUNT(*), SUM(n), AVG(f), MIN(s), MAX(n), SUM(f), COUNT(f) FROM t GROUP BY g ORDER BY g`,
		spec: Spec{Visible: 6, GroupBy: []int{0}, GroupSorted: true, OrderBy: []SortKey{{Column: 0}},
			Aggregates: []Aggregate{{Func: Count, Column: 1}, {Func: Sum, Column: 2},
				{Func: Avg, Column: 3, SumColumn: 6, CountColumn: 7}, {Func: Min, Column: 4}, {Func: Max, Column: 5}}}},
	{name: "group by desc with limit pushed down", ordered: true,
		single: `SELECT g, COUNT(*) FROM t GROUP BY g ORDER BY g DESC LIMIT 3`,
		shard:  `SELECT g, COUNT(*) FROM t GROUP BY g ORDER BY g DESC LIMIT 3`,
		spec: Spec{GroupBy: []int{0}, GroupSorted: true, OrderBy: []SortKey{{Column: 0, Desc: true}},
			Aggregates: []Aggregate{{Func: Count, Column: 1}}, Limit: new(int64(3))}},
	{name: "group by in memory, ordered by an aggregate", ordered: true,
		single: `SELECT g, SUM(n) FROM t GROUP BY g ORDER BY SUM(n) DESC, g`,
		shard:  `SELECT g, SUM(n) FROM t GROUP BY g`,
		spec: Spec{GroupBy: []int{0}, Aggregates: []Aggregate{{Func: Sum, Column: 1}},
			OrderBy: []SortKey{{Column: 1, Desc: true}, {Column: 0}}}},
	{name: "group by text in memory",
		single: `SELECT s, COUNT(*), MAX(f) FROM t GROUP BY s`,
		spec:   Spec{GroupBy: []int{0}, Aggregates: []Aggregate{{Func: Count, Column: 1}, {Func: Max, Column: 2}}}},
	{name: "group by a hidden column", ordered: true,
		single: `SELECT COUNT(*) FROM t GROUP BY g ORDER BY g`,
		shard:  `SELECT COUNT(*), g FROM t GROUP BY g ORDER BY g`,
		spec: Spec{Visible: 1, GroupBy: []int{1}, GroupSorted: true, OrderBy: []SortKey{{Column: 1}},
			Aggregates: []Aggregate{{Func: Count, Column: 0}}}},
	{name: "group by mixed types", ordered: true,
		single: `SELECT m, COUNT(*) FROM t GROUP BY m ORDER BY m`,
		spec: Spec{GroupBy: []int{0}, GroupSorted: true, OrderBy: []SortKey{{Column: 0}},
			Aggregates: []Aggregate{{Func: Count, Column: 1}}}},
	{name: "distinct, streaming", ordered: true,
		single: `SELECT DISTINCT g FROM t ORDER BY g`,
		spec:   Spec{Distinct: true, OrderBy: []SortKey{{Column: 0}}}},
	{name: "distinct in memory", single: `SELECT DISTINCT s FROM t`, spec: Spec{Distinct: true}},
	{name: "distinct two columns", ordered: true,
		single: `SELECT DISTINCT g, s FROM t ORDER BY s, g`,
		spec:   Spec{Distinct: true, OrderBy: []SortKey{{Column: 1}, {Column: 0}}}},
	{name: "distinct with limit", ordered: true,
		single: `SELECT DISTINCT n FROM t ORDER BY n LIMIT 5`,
		spec:   Spec{Distinct: true, OrderBy: []SortKey{{Column: 0}}, Limit: new(int64(5))}},
}

func TestDifferentialSQLite(t *testing.T) {
	checkNoLeak(t)
	c := newSQLiteCluster(t, 600)
	ctx := context.Background()
	for _, d := range differentials {
		t.Run(d.name, func(t *testing.T) {
			single, err := query(ctx, c.full, d.single)
			require.NoError(t, err)
			want, err := readAll(t, single)
			require.NoError(t, err)
			require.NoError(t, single.Close())

			shardSQL := d.shard
			if shardSQL == "" {
				shardSQL = d.single
			}
			var srcs []Source
			for i, conn := range c.shards {
				srcs = append(srcs, Source{Name: fmt.Sprint("s", i), Open: func(ctx context.Context) (driver.Rows, error) {
					return query(ctx, conn, shardSQL)
				}})
			}
			spec := d.spec
			spec.Dialect = dialect.SQLite
			spec.ShardRowsInFlight = 8
			got := merged(t, spec, srcs)
			if !d.ordered {
				sortRows(want)
				sortRows(got)
			}
			require.Equal(t, len(want), len(got), "row count")
			for i := range want {
				assertRowEqual(t, want[i], got[i], d.approx, "row %d", i)
			}
		})
	}
}

func sortRows(rows [][]driver.Value) {
	slices.SortFunc(rows, func(a, b []driver.Value) int {
		return strings.Compare(fmt.Sprintf("%#v", a), fmt.Sprintf("%#v", b))
	})
}

func assertRowEqual(t *testing.T, want, got []driver.Value, approx []int, msg string, args ...any) {
	t.Helper()
	msg = fmt.Sprintf(msg, args...)
	for i := range want {
		w, okw := want[i].(float64)
		g, okg := got[i].(float64)
		if slices.Contains(approx, i) && okw && okg {
			assert.InDelta(t, w, g, 1e-9*math.Max(1, math.Abs(w)), "%s column %d", msg, i)
			continue
		}
		assert.Equal(t, want[i], got[i], "%s column %d", msg, i)
	}
}
