package planner

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/grantsql/grant/sharding"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/merge"
	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"
)

// The differential tests run each statement on one SQLite database holding
// every row, and as planned on four SQLite shards holding the rows of
// customer_id % 4 (the by_customer resolver): the answers must agree.

const shardSchema = `
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, status TEXT, total INTEGER, note TEXT, created_at TEXT);
CREATE TABLE order_items (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, order_id INTEGER, qty INTEGER);
CREATE TABLE countries (code TEXT PRIMARY KEY, name TEXT);`

type sqliteShards struct {
	full   driver.Conn
	shards map[string]driver.Conn
}

func newSQLiteShards(t *testing.T) *sqliteShards {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(3, 5))
	type row struct {
		table string
		cust  int64
		vals  []any
	}
	var rows []row
	statuses := []any{"new", "paid", "void", "Paid", nil}
	codes := []string{"fr", "de", "us", "xx"}
	for _, c := range codes[:3] {
		rows = append(rows, row{"countries", -1, []any{c, strings.ToUpper(c)}})
	}
	for id := int64(1); id <= 400; id++ {
		var total any = int64(rng.IntN(551) - 50)
		if rng.IntN(8) == 0 {
			total = nil
		}
		cust := int64(rng.IntN(40))
		created := fmt.Sprintf("2024-%02d-%02dT%02d:00:00Z", 1+rng.IntN(12), 1+rng.IntN(28), rng.IntN(24))
		rows = append(rows, row{"orders", cust, []any{id, cust, statuses[rng.IntN(len(statuses))], total, codes[rng.IntN(len(codes))], created}})
		for k := range rng.IntN(3) {
			rows = append(rows, row{"order_items", cust, []any{id*10 + int64(k), cust, id, int64(rng.IntN(10))}})
		}
	}
	load := func(name string, keep func(cust int64) bool) driver.Conn {
		path := filepath.Join(dir, name+".db")
		db, err := sql.Open("sqlite", path)
		require.NoError(t, err)
		defer db.Close()
		_, err = db.Exec(shardSchema)
		require.NoError(t, err)
		tx, err := db.Begin()
		require.NoError(t, err)
		for _, r := range rows {
			if r.cust >= 0 && !keep(r.cust) {
				continue
			}
			marks := strings.TrimSuffix(strings.Repeat("?, ", len(r.vals)), ", ")
			_, err := tx.Exec("INSERT INTO "+r.table+" VALUES ("+marks+")", r.vals...)
			require.NoError(t, err)
		}
		require.NoError(t, tx.Commit())
		conn, err := db.Driver().Open(path)
		require.NoError(t, err)
		t.Cleanup(func() { conn.Close() })
		return conn
	}
	c := &sqliteShards{full: load("full", func(int64) bool { return true }), shards: map[string]driver.Conn{}}
	for i, name := range planDatabases {
		c.shards[name] = load(name, func(cust int64) bool { return cust%4 == int64(i) })
	}
	return c
}

// run executes a plan's reads: one database's rows, or the merge of all.
func (c *sqliteShards) run(t *testing.T, pl *sharding.Plan) [][]driver.Value {
	ctx := context.Background()
	if pl.Merge == nil {
		require.Len(t, pl.Shards, 1)
		q := pl.Shards[0]
		rows, err := c.shards[q.Database].(driver.QueryerContext).QueryContext(ctx, q.SQL, q.Args)
		require.NoError(t, err, q.SQL)
		return readRows(t, rows)
	}
	var srcs []merge.Source
	for _, q := range pl.Shards {
		conn := c.shards[q.Database]
		srcs = append(srcs, merge.Source{Name: q.Database, Open: func(ctx context.Context) (driver.Rows, error) {
			return conn.(driver.QueryerContext).QueryContext(ctx, q.SQL, q.Args)
		}})
	}
	rows, err := merge.Open(ctx, *pl.Merge, srcs)
	require.NoError(t, err)
	return readRows(t, rows)
}

func readRows(t *testing.T, rows driver.Rows) [][]driver.Value {
	defer rows.Close()
	var out [][]driver.Value
	for {
		dest := make([]driver.Value, len(rows.Columns()))
		err := rows.Next(dest)
		if errors.Is(err, io.EOF) {
			return out
		}
		require.NoError(t, err)
		for i, v := range dest {
			if b, ok := v.([]byte); ok {
				dest[i] = slices.Clone(b)
			}
		}
		out = append(out, dest)
	}
}

// args turns values into positional driver arguments; a [2]any{name, v}
// is a named one.
func args(vals ...any) []driver.NamedValue {
	out := make([]driver.NamedValue, len(vals))
	for i, v := range vals {
		out[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
		if nv, ok := v.([2]any); ok {
			out[i].Name, out[i].Value = nv[0].(string), nv[1]
		}
		if n, ok := out[i].Value.(int); ok {
			out[i].Value = int64(n)
		}
	}
	return out
}

var differentialReads = []struct {
	sql     string
	args    []driver.NamedValue
	ordered bool
}{
	{`SELECT id, total FROM orders WHERE status = ? ORDER BY total DESC, id LIMIT 10 OFFSET 5`, args("paid"), true},
	{`SELECT id FROM orders ORDER BY created_at, id LIMIT 7`, nil, true},
	{`SELECT * FROM orders ORDER BY total DESC, id LIMIT 9 OFFSET 2`, nil, true},
	{`SELECT o.* FROM orders o WHERE o.status = ? ORDER BY o.created_at, o.id`, args("paid"), true},
	{`SELECT id, customer_id FROM orders WHERE customer_id IN (?, ?, ?, ?, ?) ORDER BY id`, args(1, 2, 5, 6, 13), true},
	{`SELECT count(*), sum(total), min(total), max(total), avg(total) FROM orders`, nil, true},
	{`SELECT status, count(*), avg(total) FROM orders GROUP BY status`, nil, false},
	{`SELECT status, sum(total) AS s FROM orders GROUP BY status ORDER BY s DESC, status LIMIT 2`, nil, true},
	{`SELECT status FROM orders GROUP BY status ORDER BY count(*) DESC, status`, nil, true},
	{`SELECT count(*) FROM orders GROUP BY substr(created_at, 1, 7) ORDER BY substr(created_at, 1, 7)`, nil, true},
	{`SELECT DISTINCT status FROM orders ORDER BY status`, nil, true},
	{`SELECT DISTINCT customer_id FROM orders ORDER BY customer_id LIMIT 5 OFFSET 3`, nil, true},
	{`SELECT customer_id, count(*), avg(total) FROM orders GROUP BY customer_id HAVING count(*) > 10 ORDER BY customer_id`, nil, true},
	{`SELECT count(DISTINCT customer_id) FROM orders`, nil, true},
	{`SELECT o.id, i.qty FROM orders o JOIN order_items i ON i.customer_id = o.customer_id AND i.order_id = o.id ORDER BY o.id, i.id`, nil, true},
	{`SELECT o.id, c.name FROM orders o JOIN countries c ON c.code = o.note WHERE o.customer_id IN (3, 4) ORDER BY o.id`, nil, true},
	{`SELECT * FROM orders WHERE id = ? ORDER BY id LIMIT 1`, args(17), true},
	{`SELECT * FROM orders WHERE status = 'void' LIMIT 1000`, nil, false},
	{`SELECT status, max(created_at) FROM orders WHERE customer_id IN (?1, ?2, ?3) GROUP BY 1 ORDER BY 1`, args(1, 2, 7), true},
	{`SELECT id FROM orders WHERE customer_id IN (:a, :b) AND status = :s ORDER BY id`, args([2]any{"a", 9}, [2]any{"b", 10}, [2]any{"s", "new"}), true},
	{`SELECT id FROM orders o WHERE EXISTS (SELECT 1 FROM order_items i WHERE i.customer_id = o.customer_id AND i.qty > 8) ORDER BY id`, nil, true},
	{`SELECT count(*) FROM orders LIMIT 1`, nil, true},
	{`SELECT id, total FROM orders ORDER BY 2 DESC, 1 LIMIT 3`, nil, true},
	{`SELECT id FROM orders ORDER BY abs(total - ?), id LIMIT 5`, args(100), true},
	{`SELECT id, total FROM orders WHERE customer_id = ? ORDER BY id`, args(22), true},
	{`SELECT note, avg(total), count(total) FROM orders WHERE customer_id IN (1, 2, 3) GROUP BY note ORDER BY note`, nil, true},
}

func TestDifferentialReadsSQLite(t *testing.T) {
	c := newSQLiteShards(t)
	p := newTestPlanner(t, dialect.SQLite)
	ctx := context.Background()
	for _, r := range differentialReads {
		t.Run(r.sql, func(t *testing.T) {
			rows, err := c.full.(driver.QueryerContext).QueryContext(ctx, r.sql, r.args)
			require.NoError(t, err)
			want := readRows(t, rows)
			pl, err := p.Plan(bg, analyze.Analyze(dialect.SQLite, r.sql), r.args, Options{})
			require.NoError(t, err)
			checkPlan(t, p, pl, r.args)
			got := c.run(t, pl)
			if !r.ordered {
				sortValues(want)
				sortValues(got)
			}
			require.Len(t, got, len(want))
			for i := range want {
				require.Len(t, got[i], len(want[i]))
				for j := range want[i] {
					w, wf := want[i][j].(float64)
					g, gf := got[i][j].(float64)
					if wf && gf {
						require.InDelta(t, w, g, 1e-9*math.Max(1, math.Abs(w)), "row %d column %d", i, j)
						continue
					}
					require.Equal(t, want[i][j], got[i][j], "row %d column %d", i, j)
				}
			}
		})
	}
}

func sortValues(rows [][]driver.Value) {
	slices.SortFunc(rows, func(a, b []driver.Value) int {
		return strings.Compare(fmt.Sprintf("%#v", a), fmt.Sprintf("%#v", b))
	})
}
