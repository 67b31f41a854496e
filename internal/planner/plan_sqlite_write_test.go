package planner

import (
	"context"
	"database/sql/driver"
	"testing"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/analyze"
	"github.com/stretchr/testify/require"
)

var differentialWrites = []struct {
	sql  string
	args []driver.NamedValue
}{
	{`INSERT INTO orders (id, customer_id, status, total) VALUES (?, ?, ?, ?), (?, ?, ?, ?), (?, ?, ?, ?)`,
		args(1001, 1, "new", 5, 1002, 2, "new", 6, 1003, 5, "new", 7)},
	{`INSERT INTO order_items (id, customer_id, order_id, qty) VALUES (?1, ?2, ?3, ?4), (?5, ?6, ?3, ?4)`,
		args(90001, 3, 1001, 2, 90002, 6)},
	{`UPDATE orders SET total = total + 1 WHERE customer_id IN (?, ?, ?) AND status = ?`, args(1, 2, 3, "paid")},
	{`DELETE FROM orders WHERE status = 'void' AND customer_id IN (1, 2, 3, 4, 9)`, nil},
	{`UPDATE orders SET status = 'x' WHERE id = ?`, args(17)},
	{`UPDATE orders SET customer_id = ?, total = 0 WHERE customer_id = ? AND id = ?`, args(13, 1, 1001)},
	{`INSERT INTO countries (code, name) VALUES (?, ?)`, args("it", "IT")},
	{`DELETE FROM order_items WHERE customer_id = 6`, nil},
}

func TestDifferentialWritesSQLite(t *testing.T) {
	c := newSQLiteShards(t)
	p := newTestPlanner(t, dialect.SQLite)
	ctx := context.Background()
	for _, w := range differentialWrites {
		res, err := c.full.(driver.ExecerContext).ExecContext(ctx, w.sql, w.args)
		require.NoError(t, err, w.sql)
		want, err := res.RowsAffected()
		require.NoError(t, err)

		pl, err := p.Plan(bg, analyze.Analyze(dialect.SQLite, w.sql), w.args, Options{})
		require.NoError(t, err, w.sql)
		checkPlan(t, p, pl, w.args)
		require.True(t, pl.Writes)
		var got, first int64
		for i, q := range pl.Shards {
			res, err := c.shards[q.Database].(driver.ExecerContext).ExecContext(ctx, q.SQL, q.Args)
			require.NoError(t, err, q.SQL)
			n, err := res.RowsAffected()
			require.NoError(t, err)
			got += n
			if i == 0 {
				first = n
			}
		}
		if pl.RowsAffected != "sum" {
			got = first
		}
		require.Equal(t, want, got, "rows affected by %s", w.sql)
	}
	for _, table := range []string{"orders", "order_items", "countries"} {
		q := "SELECT * FROM " + table + " ORDER BY 1"
		rows, err := c.full.(driver.QueryerContext).QueryContext(ctx, q, nil)
		require.NoError(t, err)
		want := readRows(t, rows)
		var got [][]driver.Value
		for i, db := range planDatabases {
			rows, err := c.shards[db].(driver.QueryerContext).QueryContext(ctx, q, nil)
			require.NoError(t, err)
			part := readRows(t, rows)
			if table == "countries" {
				require.Equal(t, want, part, "broadcast table on %s", db)
				continue
			}
			for _, r := range part {
				require.Equal(t, int64(i), r[1].(int64)%4, "%s row %v on %s", table, r, db)
			}
			got = append(got, part...)
		}
		if table != "countries" {
			sortValues(want)
			sortValues(got)
			require.Equal(t, want, got, table)
		}
	}
}
