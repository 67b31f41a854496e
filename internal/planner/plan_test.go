package planner

import (
	"database/sql/driver"
	"errors"
	"strings"
	"testing"

	"github.com/grantsql/grant/sharding"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/analyze"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every kind of refusal: the error matches ErrRefused and names the
// statement, the table and the reason.
func TestRefusals(t *testing.T) {
	tests := []struct {
		d      dialect.Dialect
		sql    string
		args   []driver.NamedValue
		table  string
		reason string
	}{
		{dialect.Postgres, "UPDATE orders SET customer_id = 2 WHERE customer_id = 1", nil, "orders", "moves rows from s1 to s2"},
		{dialect.Postgres, "UPDATE orders SET customer_id = 2 WHERE customer_id IN (1, 3)", nil, "orders", "moves rows from s1, s3 to s2"},
		{dialect.Postgres, "SELECT 1 FROM orders o JOIN payments p ON p.customer_id = o.customer_id", nil, "orders", "without equal shard keys in one binding group"},
		{dialect.Postgres, "SELECT 1 FROM orders o JOIN users u ON u.id = o.customer_id", nil, "orders", "unsharded table users"},
		{dialect.Postgres, "SELECT 1 FROM orders WHERE id IN (SELECT order_id FROM payments)", nil, "payments", "reads it across shards"},
		{dialect.Postgres, "UPDATE orders SET (a, b) = (1, 2) WHERE customer_id = 1", nil, "orders", "does not fully understand"},
		{dialect.Postgres, "SELECT id, rank() OVER (ORDER BY total) FROM orders", nil, "orders", "window functions"},
		{dialect.Postgres, "SELECT 1 FROM orders; SELECT 2", nil, "orders", "several statements"},
		{dialect.Postgres, "INSERT INTO orders (customer_id) VALUES (1), (NULL)", nil, "orders", "row 2: shard key customer_id is NULL"},
		{dialect.Postgres, "INSERT INTO orders (customer_id) VALUES ($1)", []driver.NamedValue{{Ordinal: 1}}, "orders", "NULL"},
		{dialect.Postgres, "INSERT INTO orders (total) VALUES (1)", nil, "orders", "does not give shard key column customer_id"},
		{dialect.Postgres, "INSERT INTO orders (customer_id) SELECT customer_id FROM payments WHERE customer_id = 1", nil, "orders", "INSERT .. SELECT"},
		{dialect.Postgres, "INSERT INTO orders (id, customer_id) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET customer_id = 5", nil, "orders", "changes shard key"},
		{dialect.MySQL, "INSERT INTO orders (id, customer_id) VALUES (1, 1) ON DUPLICATE KEY UPDATE customer_id = 5", nil, "orders", "changes shard key"},
		{dialect.MySQL, "DELETE FROM orders WHERE id > 5 LIMIT 10", nil, "orders", "LIMIT on several shards"},
		{dialect.Postgres, "SELECT * FROM orders GROUP BY status", nil, "orders", "SELECT * with aggregates or GROUP BY"},
		{dialect.Postgres, "SELECT id FROM orders WHERE customer_id = true", nil, "orders", "bool"},
		{dialect.Postgres, "SELECT id FROM orders WHERE customer_id = $1", nil, "orders", "no argument for placeholder"},
		{dialect.Postgres, "LOCK TABLE orders", nil, "orders", "pin a shard"},
		{dialect.Postgres, "DROP TABLE orders, users", nil, "orders", "neither sharded nor broadcast"},
		{dialect.Postgres, "INSERT INTO countries (code) SELECT code FROM orders", nil, "countries", "reads sharded table orders"},
		{dialect.Postgres, "WITH x AS (UPDATE orders SET a = 1 WHERE customer_id = 1 RETURNING id) SELECT * FROM x", nil, "orders", "data-modifying CTE"},
		{dialect.Postgres, "SELECT id FROM orders WHERE customer_id = 1 UNION SELECT id FROM orders WHERE customer_id = 2", nil, "orders", "add ORDER BY"},
		{dialect.Postgres, "SELECT DISTINCT ON (status) id FROM orders", nil, "orders", "DISTINCT ON"},
		{dialect.Postgres, "SELECT id FROM orders ORDER BY id LIMIT $1", []driver.NamedValue{{Ordinal: 1, Value: 1.5}}, "orders", "LIMIT or OFFSET"},
	}
	for _, tt := range tests {
		t.Run(tt.sql, func(t *testing.T) {
			p := newTestPlanner(t, tt.d)
			pl, err := p.Plan(bg, analyze.Analyze(tt.d, tt.sql), tt.args, Options{})
			require.Error(t, err)
			require.Nil(t, pl)
			assert.ErrorIs(t, err, sharding.ErrRefused)
			var re *sharding.RefusedError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, tt.sql, re.Statement)
			assert.Equal(t, tt.table, re.Table)
			assert.Contains(t, re.Reason, tt.reason)
			assert.Contains(t, err.Error(), tt.sql)
			assert.Contains(t, err.Error(), "table "+tt.table)
		})
	}
}

func TestRefusedErrorUnwrapsTheCause(t *testing.T) {
	p := newTestPlanner(t, dialect.Postgres)
	_, err := p.Plan(bg, analyze.Analyze(dialect.Postgres, "INSERT INTO orders (customer_id) VALUES (-1)"), nil, Options{})
	assert.ErrorIs(t, err, sharding.ErrRefused)
	assert.ErrorIs(t, err, sharding.ErrKeyType)
	var ke *sharding.KeyError
	assert.ErrorAs(t, err, &ke)

	long := &sharding.RefusedError{Statement: strings.Repeat("x", 500), Reason: "r"}
	assert.Less(t, len(long.Error()), 300)
}

func TestShardedDoesNotAllocate(t *testing.T) {
	for _, d := range []dialect.Dialect{dialect.Postgres, dialect.MySQL, dialect.SQLite} {
		p := newTestPlanner(t, d)
		for _, sql := range []string{
			"SELECT id, email FROM users WHERE id = 1",
			"SELECT * FROM Users u JOIN Accounts a ON a.user_id = u.id",
			"UPDATE users SET email = 'x' WHERE id = 2",
			"SELECT 1",
			"BEGIN",
			"SELECT * FROM orders WHERE customer_id = 1",
			"SELECT * FROM ORDERS",
		} {
			st := analyze.Analyze(d, sql)
			want := strings.Contains(strings.ToLower(sql), "orders")
			assert.Equal(t, want, p.Sharded(st), "%v: %s", d, sql)
			allocs := testing.AllocsPerRun(100, func() { p.Sharded(st) })
			assert.Zero(t, allocs, "%v: %s", d, sql)
		}
	}
	var nilPlanner *Planner
	assert.False(t, nilPlanner.Sharded(analyze.Analyze(dialect.Postgres, "SELECT 1 FROM orders")))
}

func TestShardedMatchesNames(t *testing.T) {
	pg := newTestPlanner(t, dialect.Postgres)
	my := newTestPlanner(t, dialect.MySQL)
	assert.True(t, pg.Sharded(analyze.Analyze(dialect.Postgres, `SELECT 1 FROM public.orders`)))
	assert.True(t, pg.Sharded(analyze.Analyze(dialect.Postgres, `SELECT 1 FROM ORDERS`)), "bare names fold to lower case")
	assert.False(t, pg.Sharded(analyze.Analyze(dialect.Postgres, `SELECT 1 FROM "Orders"`)), "a quoted name is exact")
	assert.True(t, my.Sharded(analyze.Analyze(dialect.MySQL, "SELECT 1 FROM `Orders`")))
	assert.False(t, pg.Sharded(analyze.Analyze(dialect.Postgres, `WITH orders AS (SELECT 1) SELECT * FROM orders`)), "a CTE is not the table")
	assert.True(t, my.Sharded(analyze.Analyze(dialect.MySQL, "DROP INDEX i ON orders")))
	assert.True(t, my.Sharded(analyze.Analyze(dialect.MySQL, "DESCRIBE orders")))
}

func TestPinnedShard(t *testing.T) {
	p := newTestPlanner(t, dialect.Postgres)
	args := []driver.NamedValue{{Ordinal: 1, Value: int64(5)}}
	st := analyze.Analyze(dialect.Postgres, "SELECT * FROM orders WHERE customer_id = $1 ORDER BY created_at")
	pl, err := p.Plan(bg, st, args, Options{Shard: "s3"})
	require.NoError(t, err)
	assert.Equal(t, sharding.RoutePinned, pl.Route)
	require.Len(t, pl.Shards, 1)
	assert.Equal(t, "s3", pl.Shards[0].Database)
	assert.Equal(t, st.SQL, pl.Shards[0].SQL)
	assert.Equal(t, &args[0], &pl.Shards[0].Args[0], "the caller's args, not a copy")

	_, err = p.Plan(bg, analyze.Analyze(dialect.Postgres, "INSERT INTO orders (customer_id) VALUES ($1)"), args, Options{Shard: "s2"})
	assert.ErrorIs(t, err, sharding.ErrRefused)
	pl, err = p.Plan(bg, analyze.Analyze(dialect.Postgres, "INSERT INTO orders (customer_id) VALUES ($1)"), args, Options{Shard: "s1"})
	require.NoError(t, err)
	assert.Equal(t, []string{"s1"}, pl.WriteDatabases())
	_, err = p.Plan(bg, st, args, Options{Shard: "nope"})
	assert.ErrorContains(t, err, `pinned shard "nope"`)
}

func TestPlanWrongDialect(t *testing.T) {
	p := newTestPlanner(t, dialect.Postgres)
	_, err := p.Plan(bg, analyze.Analyze(dialect.MySQL, "SELECT 1"), nil, Options{})
	assert.ErrorContains(t, err, "analyzed as mysql")
}

func TestWriteDatabases(t *testing.T) {
	p := newTestPlanner(t, dialect.MySQL)
	plan := func(sql string, vals ...any) *sharding.Plan {
		pl, err := p.Plan(bg, analyze.Analyze(dialect.MySQL, sql), args(vals...), Options{})
		require.NoError(t, err)
		return pl
	}
	assert.Equal(t, []string{"s1", "s2"}, plan("INSERT INTO orders (customer_id) VALUES (?), (?), (?)", 1, 2, 5).WriteDatabases())
	assert.Equal(t, []string{"s3"}, plan("UPDATE orders SET a = 1 WHERE customer_id = 3").WriteDatabases())
	assert.Equal(t, planDatabases, plan("DELETE FROM countries").WriteDatabases())
	assert.Nil(t, plan("SELECT * FROM orders WHERE customer_id IN (1, 2) FOR UPDATE").WriteDatabases())
	assert.Nil(t, plan("SET @@session.x = 1").WriteDatabases())
	assert.Equal(t, planDatabases, plan("ALTER TABLE orders ADD COLUMN x int").WriteDatabases())
}

func TestUnshardedPlan(t *testing.T) {
	p := newTestPlanner(t, dialect.Postgres)
	args := []driver.NamedValue{{Ordinal: 1, Value: int64(1)}}
	pl, err := p.Plan(bg, analyze.Analyze(dialect.Postgres, "SELECT * FROM users WHERE id = $1"), args, Options{})
	require.NoError(t, err)
	assert.Equal(t, sharding.RouteUnsharded, pl.Route)
	assert.Equal(t, "s0", pl.Shards[0].Database)
	assert.False(t, pl.Writes)
	assert.Nil(t, pl.Merge)
}

func TestPlanJSONIsStable(t *testing.T) {
	p := newTestPlanner(t, dialect.Postgres)
	pl, err := p.Plan(bg, analyze.Analyze(dialect.Postgres, "SELECT status, avg(total) FROM orders WHERE customer_id IN (1, 2, 3) GROUP BY status"), nil, Options{})
	require.NoError(t, err)
	a, err := pl.JSON()
	require.NoError(t, err)
	b, err := pl.JSON()
	require.NoError(t, err)
	assert.Equal(t, a, b)
	assert.Contains(t, string(a), `"group_by": [ 0 ]`)
	assert.False(t, errors.Is(err, sharding.ErrRefused))
}

// New refuses an invalid dialect and a table whose resolver was not built.
func TestNewRefuses(t *testing.T) {
	rs, err := sharding.Build(&sharding.Config{Resolvers: planConfig().Resolvers}, planDatabases)
	require.NoError(t, err)
	_, err = New(planConfig(), dialect.Unknown, "s0", planDatabases, rs)
	assert.ErrorContains(t, err, "valid dialect")
	delete(rs, "by_region")
	_, err = New(planConfig(), dialect.Postgres, "s0", planDatabases, rs)
	assert.ErrorContains(t, err, `table events: resolver "by_region" was not built`)
}
