package planner

import (
	"database/sql/driver"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/grantsql/grant/sharding"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/analyze"
	"github.com/stretchr/testify/require"
)

// placeholderStyle writes the n-th placeholder (from 1) of a statement.
type placeholderStyle struct {
	d    dialect.Dialect
	name string
	mark func(n int) string
	arg  func(n int, v any) driver.NamedValue
}

func positional(n int, v any) driver.NamedValue { return driver.NamedValue{Ordinal: n, Value: v} }

var placeholderStyles = []placeholderStyle{
	{dialect.Postgres, "dollar", func(n int) string { return fmt.Sprintf("$%d", n) }, positional},
	{dialect.MySQL, "question", func(int) string { return "?" }, positional},
	{dialect.SQLite, "question", func(int) string { return "?" }, positional},
	{dialect.SQLite, "numbered", func(n int) string { return fmt.Sprintf("?%d", n) }, positional},
	{dialect.SQLite, "named", func(n int) string { return fmt.Sprintf(":p%d", n) }, func(n int, v any) driver.NamedValue {
		return driver.NamedValue{Ordinal: n, Name: fmt.Sprintf("p%d", n), Value: v}
	}},
}

// For random IN lists of the key, with other parameters around them, the
// shards' key arguments together are the original keys, each on the shard
// it resolves to, and every other argument reaches every shard.
func TestInSplitRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, style := range placeholderStyles {
		p := newTestPlanner(t, style.d)
		resolver := p.tables["orders"].resolver
		for range 200 {
			var vals []any
			var marks []string
			next := func(v any) string {
				vals = append(vals, v)
				return style.mark(len(vals))
			}
			head := next("paid")
			n := 1 + rng.IntN(12)
			var keys []int64
			for range n {
				k := int64(rng.IntN(60))
				keys = append(keys, k)
				marks = append(marks, next(k))
			}
			tail := next("tail")
			sql := fmt.Sprintf("SELECT id FROM orders WHERE status = %s AND customer_id IN (%s) AND note <> %s ORDER BY id",
				head, strings.Join(marks, ", "), tail)
			args := make([]driver.NamedValue, len(vals))
			for i, v := range vals {
				args[i] = style.arg(i+1, v)
			}
			pl, err := p.Plan(bg, analyze.Analyze(style.d, sql), args, Options{})
			require.NoError(t, err, sql)
			checkPlan(t, p, pl, args)
			var got []int64
			for _, q := range pl.Shards {
				strs := 0
				for _, a := range q.Args {
					switch v := a.Value.(type) {
					case int64:
						db, err := resolver.Resolve(bg, sharding.KeyOf(v))
						require.NoError(t, err)
						require.Equal(t, q.Database, db, "key %d in %s", v, q.SQL)
						got = append(got, v)
					case string:
						strs++
					}
				}
				require.Equal(t, 2, strs, "the other arguments reach %s: %s", q.Database, q.SQL)
			}
			slices.Sort(keys)
			slices.Sort(got)
			require.Equal(t, keys, got, "%s %s", style.name, sql)
		}
	}
}

// For random multi-row INSERTs, each shard gets exactly the rows whose key
// resolves to it, in their original order, with their own arguments.
func TestInsertSplitRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, style := range placeholderStyles {
		p := newTestPlanner(t, style.d)
		resolver := p.tables["orders"].resolver
		for range 200 {
			var vals []any
			var rows []string
			n := 1 + rng.IntN(10)
			for i := range n {
				vals = append(vals, int64(rng.IntN(40)), fmt.Sprint("row", i))
				rows = append(rows, fmt.Sprintf("(%s, %s)", style.mark(len(vals)-1), style.mark(len(vals))))
			}
			sql := "INSERT INTO orders (customer_id, note) VALUES " + strings.Join(rows, ", ") + " RETURNING id"
			args := make([]driver.NamedValue, len(vals))
			for i, v := range vals {
				args[i] = style.arg(i+1, v)
			}
			pl, err := p.Plan(bg, analyze.Analyze(style.d, sql), args, Options{})
			require.NoError(t, err, sql)
			checkPlan(t, p, pl, args)
			if pl.Route == sharding.RouteSingle {
				continue
			}
			seen := make([]bool, n)
			for _, q := range pl.Shards {
				require.Len(t, q.Args, 2*len(q.Rows))
				for k, row := range q.Rows {
					require.False(t, seen[row])
					seen[row] = true
					key, note := q.Args[2*k].Value, q.Args[2*k+1].Value
					require.Equal(t, vals[2*row], key)
					require.Equal(t, fmt.Sprint("row", row), note)
					db, err := resolver.Resolve(bg, sharding.KeyOf(key))
					require.NoError(t, err)
					require.Equal(t, q.Database, db)
					if k > 0 {
						require.Greater(t, row, q.Rows[k-1], "rows keep their order")
					}
				}
			}
			require.NotContains(t, seen, false, sql)
		}
	}
}

// FuzzPlan plans arbitrary text: the planner never panics, and every plan
// it returns holds checkPlan.
func FuzzPlan(f *testing.F) {
	for _, d := range []dialect.Dialect{dialect.Postgres, dialect.MySQL, dialect.SQLite} {
		data, err := os.ReadFile(filepath.Join("testdata", "plans", d.String()+".txt"))
		if err != nil {
			f.Fatal(err)
		}
		for _, part := range strings.Split(string(data), "\n### ")[1:] {
			lines := strings.SplitN(part, "\n", 3)
			if len(lines) > 1 {
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
		if st.Params > 1000 {
			return
		}
		args := make([]driver.NamedValue, st.Params)
		for i := range args {
			args[i] = driver.NamedValue{Ordinal: i + 1, Value: int64(i * 7)}
		}
		pl, err := p.Plan(bg, st, args, Options{})
		if err != nil || st.Named {
			return
		}
		checkPlan(t, p, pl, args)
	})
}
