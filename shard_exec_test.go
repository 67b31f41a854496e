package grant_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/sharding"
)

// execCluster is a 4-shard cluster with an orders table created through
// Grant: id primary key, customer_id the shard key (modulo 4).
func execCluster(t *testing.T, tg target, opts ...func(*grant.Config)) *shardCluster {
	sc := newShardCluster(t, tg, 4, opts...)
	_, err := sc.db.Exec(`CREATE TABLE orders (id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL, amount BIGINT, note VARCHAR(20))`)
	require.NoError(t, err)
	return sc
}

// refuseCrossShard configures a cluster whose transactions write to one
// database only (transactions.cross_shard: refuse), as SQLite's always do.
func refuseCrossShard(c *grant.Config) { c.Transactions.CrossShard = config.CrossShardRefuse }

// counts returns the number of orders on each shard, read directly.
func (sc *shardCluster) counts(t *testing.T) []int {
	out := make([]int, sc.n)
	for i, s := range sc.shards {
		require.NoError(t, s.QueryRow(`SELECT count(*) FROM orders`).Scan(&out[i]))
	}
	return out
}

// A multi-row INSERT split over the shards gives RETURNING rows in the order
// of its VALUES rows, the summed row count, and no LastInsertId.
func TestShardInsertReturningKeepsValuesOrder(t *testing.T) {
	forEachDialect(t, func(t *testing.T, tg target) {
		sc := execCluster(t, tg)
		q := sc.bind(`INSERT INTO orders (id, customer_id, amount) VALUES (?, ?, 10), (?, ?, 20), (?, ?, 30), (?, ?, 40), (?, ?, 50) RETURNING id, amount`)
		args := []any{5, 3, 1, 1, 4, 2, 2, 0, 3, 7} // customers on s3, s1, s2, s0, s3
		rows, err := sc.db.Query(q, args...)
		require.NoError(t, err)
		cols, err := rows.Columns()
		require.NoError(t, err)
		assert.Equal(t, []string{"id", "amount"}, cols)
		var ids []int64
		for rows.Next() {
			var id, amount int64
			require.NoError(t, rows.Scan(&id, &amount))
			ids = append(ids, id)
		}
		require.NoError(t, rows.Err())
		require.NoError(t, rows.Close())
		assert.Equal(t, []int64{5, 1, 4, 2, 3}, ids, "VALUES order, not shard order")
		assert.Equal(t, []int{1, 1, 1, 2}, sc.counts(t))

		res, err := sc.db.Exec(sc.bind(`INSERT INTO orders (id, customer_id) VALUES (?, ?), (?, ?)`), 10, 10, 11, 11)
		require.NoError(t, err)
		n, err := res.RowsAffected()
		require.NoError(t, err)
		assert.EqualValues(t, 2, n)
		_, err = res.LastInsertId()
		assert.ErrorContains(t, err, "several databases (s2, s3)")
	})
}

// A write on several shards outside a transaction commits everywhere or
// nowhere: a duplicate key on one shard leaves the others untouched.
func TestShardMultiWriteAllOrNothing(t *testing.T) {
	forEachDialect(t, func(t *testing.T, tg target) {
		sc := execCluster(t, tg)
		_, err := sc.shards[1].Exec(`INSERT INTO orders (id, customer_id) VALUES (99, 1)`)
		require.NoError(t, err)
		_, err = sc.db.Exec(`INSERT INTO orders (id, customer_id) VALUES (1, 0), (99, 5), (2, 2), (3, 3)`)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "shard s1")
		assert.Equal(t, []int{0, 1, 0, 0}, sc.counts(t), "nothing committed on s0, s2, s3")

		_, err = sc.db.Exec(`INSERT INTO orders (id, customer_id, amount) VALUES (1, 0, 1), (2, 2, 1), (3, 3, 1)`)
		require.NoError(t, err)
		res, err := sc.db.Exec(`UPDATE orders SET amount = 2`)
		require.NoError(t, err)
		n, _ := res.RowsAffected()
		assert.EqualValues(t, 4, n, "rows affected add up over the shards")
	})
}

// DDL cannot be rolled back everywhere: when it fails on one shard the error
// names that shard and the shards where it ran.
func TestShardDDLFailureNamesTheShards(t *testing.T) {
	forEachDialect(t, func(t *testing.T, tg target) {
		sc := newShardCluster(t, tg, 2)
		_, err := sc.shards[1].Exec(`CREATE TABLE orders (id BIGINT PRIMARY KEY)`)
		require.NoError(t, err)
		_, err = sc.db.Exec(`CREATE TABLE orders (id BIGINT PRIMARY KEY, customer_id BIGINT)`)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "shard s1")
		assert.Contains(t, err.Error(), "it did run on s0")
	})
}

// SELECT * across shards with ORDER BY (GORM's Find with Order and
// pagination) returns exactly the table's columns, merged in order.
func TestShardSelectStarOrderBy(t *testing.T) {
	forEachDialect(t, func(t *testing.T, tg target) {
		sc := execCluster(t, tg)
		_, err := sc.db.Exec(`INSERT INTO orders (id, customer_id, amount, note) VALUES (1, 1, 50, 'a'), (2, 2, 40, 'b'), (3, 3, 50, 'c'), (4, 4, 10, 'd'), (5, 5, 30, NULL)`)
		require.NoError(t, err)
		rows, err := sc.db.Query(sc.bind(`SELECT * FROM orders ORDER BY amount DESC, id LIMIT ? OFFSET ?`), 3, 1)
		require.NoError(t, err)
		cols, err := rows.Columns()
		require.NoError(t, err)
		assert.Equal(t, []string{"id", "customer_id", "amount", "note"}, cols)
		types, err := rows.ColumnTypes()
		require.NoError(t, err)
		assert.Len(t, types, 4)
		var got []string
		for rows.Next() {
			var id, cust, amount int64
			var note sql.NullString
			require.NoError(t, rows.Scan(&id, &cust, &amount, &note))
			got = append(got, fmt.Sprint(id, ":", amount))
		}
		require.NoError(t, rows.Err())
		assert.Equal(t, []string{"3:50", "2:40", "5:30"}, got)
	})
}

// Fan-out reads give every connection back, after a full read, an early
// Close, a failing shard and a cancelled context.
func TestShardFanOutReleasesConnections(t *testing.T) {
	forEachDialect(t, func(t *testing.T, tg target) {
		sc := execCluster(t, tg)
		_, err := sc.db.Exec(`INSERT INTO orders (id, customer_id, amount) VALUES (1, 1, 5), (2, 2, 6), (3, 3, 7), (4, 4, 8)`)
		require.NoError(t, err)
		ctx := context.Background()
		for range 3 {
			var n int
			require.NoError(t, sc.db.QueryRowContext(ctx, `SELECT count(*) FROM orders`).Scan(&n))
			assert.Equal(t, 4, n)
			rows, err := sc.db.QueryContext(ctx, `SELECT id FROM orders ORDER BY id`)
			require.NoError(t, err)
			require.True(t, rows.Next())
			require.NoError(t, rows.Close())
		}
		bad := `SELECT id, 10 / (amount - 6) FROM orders ORDER BY id`
		if tg.d == dialect.Postgres {
			_, err = sc.db.QueryContext(ctx, bad)
			require.Error(t, err, "division by zero on the shard of customer 2")
			assert.Contains(t, err.Error(), "shard s2")
		}
		cctx, cancel := context.WithCancel(ctx)
		rows, err := sc.db.QueryContext(cctx, `SELECT id FROM orders ORDER BY id`)
		require.NoError(t, err)
		cancel()
		for rows.Next() {
		}
		rows.Close()
		assert.Eventually(t, func() bool {
			for _, n := range sc.c.Registry().Nodes() {
				if n.InFlight() != 0 {
					return false
				}
			}
			return true
		}, 5*time.Second, 10*time.Millisecond, "every node's connections are back")
	})
}

// In a transaction, a fan-out read sees the transaction's own write on its
// one shard, and a second writing shard is refused without running.
func TestShardTransactionReadsItsWrite(t *testing.T) {
	forEachDialect(t, func(t *testing.T, tg target) {
		sc := execCluster(t, tg, refuseCrossShard)
		ctx := context.Background()
		tx, err := sc.db.BeginTx(ctx, nil)
		require.NoError(t, err)
		defer tx.Rollback()
		_, err = tx.Exec(sc.bind(`INSERT INTO orders (id, customer_id) VALUES (?, ?)`), 1, 1)
		require.NoError(t, err)
		var n int
		require.NoError(t, tx.QueryRow(`SELECT count(*) FROM orders`).Scan(&n))
		assert.Equal(t, 1, n, "the uncommitted row on s1 is visible to its transaction")
		_, err = tx.Exec(sc.bind(`INSERT INTO orders (id, customer_id) VALUES (?, ?)`), 2, 2)
		require.ErrorIs(t, err, grant.ErrCrossShardWrite)
		require.NoError(t, tx.Commit())
		assert.Equal(t, []int{0, 1, 0, 0}, sc.counts(t))
	})
}

// In a transaction an UPDATE or DELETE without the key runs on every shard
// after a savepoint; it stays when it changed rows on one database only (an
// UPDATE by primary key, as GORM's Save and Delete issue inside their
// transactions) and is undone everywhere otherwise.
func TestShardTentativeWriteInTransaction(t *testing.T) {
	forEachDialect(t, func(t *testing.T, tg target) {
		sc := execCluster(t, tg, refuseCrossShard)
		_, err := sc.db.Exec(`INSERT INTO orders (id, customer_id, amount) VALUES (1, 1, 1), (2, 2, 1), (3, 3, 1)`)
		require.NoError(t, err)
		ctx := context.Background()
		tx, err := sc.db.BeginTx(ctx, nil)
		require.NoError(t, err)
		defer tx.Rollback()
		res, err := tx.Exec(sc.bind(`UPDATE orders SET amount = 7 WHERE id = ?`), 2)
		require.NoError(t, err, "changes one row on s2 only")
		n, _ := res.RowsAffected()
		assert.EqualValues(t, 1, n)
		_, err = tx.Exec(sc.bind(`DELETE FROM orders WHERE id = ?`), 42)
		require.NoError(t, err, "changes nothing anywhere")

		_, err = tx.Exec(sc.bind(`UPDATE orders SET amount = 9 WHERE id IN (?, ?)`), 2, 3)
		require.ErrorIs(t, err, grant.ErrCrossShardWrite, "would change s2 and s3")
		assert.ErrorContains(t, err, "was undone")
		_, err = tx.Exec(sc.bind(`DELETE FROM orders WHERE id = ?`), 1)
		require.ErrorIs(t, err, grant.ErrCrossShardWrite, "s1 besides s2, which the transaction writes")
		var sum int
		require.NoError(t, tx.QueryRow(`SELECT sum(amount) FROM orders`).Scan(&sum))
		assert.Equal(t, 1+7+1, sum, "the refused statements left nothing behind")
		require.NoError(t, tx.Commit())
		require.NoError(t, sc.db.QueryRow(`SELECT sum(amount) FROM orders`).Scan(&sum))
		assert.Equal(t, 9, sum)
	})
}

// Plan shows the route without running anything.
func TestShardPlanExplains(t *testing.T) {
	sc := newShardCluster(t, target{d: dialect.SQLite}, 4)
	ctx := context.Background()
	p, err := sc.c.Plan(ctx, `SELECT * FROM orders WHERE customer_id = ?`, 6)
	require.NoError(t, err)
	assert.Equal(t, sharding.RouteSingle, p.Route)
	assert.Equal(t, "s2", p.Shards[0].Database)
	p, err = sc.c.Plan(ctx, `SELECT count(*) FROM orders`)
	require.NoError(t, err)
	assert.Equal(t, sharding.RouteScatter, p.Route)
	assert.Len(t, p.Shards, 4)
	p, err = sc.c.Plan(grant.UseShard(ctx, "s3"), `SELECT count(*) FROM orders`)
	require.NoError(t, err)
	assert.Equal(t, sharding.RoutePinned, p.Route)
	_, err = sc.c.Plan(grant.UseShard(ctx, "s9"), `SELECT 1`)
	assert.ErrorContains(t, err, `unknown database "s9"`)
	_, err = sc.c.Plan(ctx, `UPDATE orders SET customer_id = 2 WHERE customer_id = 1`)
	require.ErrorIs(t, err, sharding.ErrRefused)
	assert.True(t, strings.Contains(err.Error(), "orders"))
}

// Savepoints apply to every database of a transaction, including one that
// joins after the savepoint was set (GORM's nested transactions).
func TestShardSavepointsSpanDatabases(t *testing.T) {
	forEachDialect(t, func(t *testing.T, tg target) {
		sc := execCluster(t, tg)
		ctx := context.Background()
		tx, err := sc.db.BeginTx(ctx, nil)
		require.NoError(t, err)
		defer tx.Rollback()
		exec := func(q string, args ...any) {
			t.Helper()
			_, err := tx.Exec(sc.bind(q), args...)
			require.NoError(t, err, q)
		}
		exec(`SAVEPOINT sp1`) // before any database joined
		exec(`INSERT INTO orders (id, customer_id) VALUES (?, ?)`, 1, 1)
		exec(`SAVEPOINT sp2`)
		var n int
		require.NoError(t, tx.QueryRow(`SELECT count(*) FROM orders`).Scan(&n)) // s0, s2, s3 join here
		assert.Equal(t, 1, n)
		exec(`ROLLBACK TO SAVEPOINT sp1`)
		require.NoError(t, tx.QueryRow(`SELECT count(*) FROM orders`).Scan(&n))
		assert.Equal(t, 0, n, "the insert on s1 is undone")
		exec(`INSERT INTO orders (id, customer_id) VALUES (?, ?)`, 2, 1)
		exec(`RELEASE SAVEPOINT sp1`)
		_, err = tx.Exec(`ROLLBACK TO SAVEPOINT sp2`)
		assert.Error(t, err, "sp2 went with sp1")
		require.NoError(t, tx.Rollback())

		tx, err = sc.db.BeginTx(ctx, nil)
		require.NoError(t, err)
		defer tx.Rollback()
		exec(`INSERT INTO orders (id, customer_id) VALUES (?, ?)`, 3, 2)
		exec(`SAVEPOINT a`)
		exec(`UPDATE orders SET amount = 5 WHERE customer_id = ?`, 2)
		exec(`ROLLBACK TO SAVEPOINT a`)
		require.NoError(t, tx.Commit())
		var amount sql.NullInt64
		require.NoError(t, sc.shards[2].QueryRow(`SELECT amount FROM orders WHERE id = 3`).Scan(&amount))
		assert.False(t, amount.Valid)
	})
}

// An UPDATE that sets the shard key without giving it in the WHERE (GORM's
// Save sets every column, selecting the row by primary key) runs on every
// shard; it stands when it changed rows only on the new key's shard, and is
// undone and refused when it would move a row to another shard.
func TestShardSetKeyGuard(t *testing.T) {
	forEachDialect(t, func(t *testing.T, tg target) {
		sc := execCluster(t, tg, refuseCrossShard)
		_, err := sc.db.Exec(`INSERT INTO orders (id, customer_id, amount) VALUES (1, 1, 1), (2, 2, 1)`)
		require.NoError(t, err)
		save := sc.bind(`UPDATE orders SET customer_id = ?, amount = ? WHERE id = ?`)
		res, err := sc.db.Exec(save, 1, 5, 1)
		require.NoError(t, err, "the key keeps its value")
		n, _ := res.RowsAffected()
		assert.EqualValues(t, 1, n)
		_, err = sc.db.Exec(save, 3, 6, 2)
		require.ErrorIs(t, err, sharding.ErrRefused, "customer 3 lives on s3, the row on s2")
		assert.ErrorContains(t, err, "changed rows on s2, but the new key belongs to s3")

		tx, err := sc.db.Begin()
		require.NoError(t, err)
		defer tx.Rollback()
		_, err = tx.Exec(save, 2, 7, 2)
		require.NoError(t, err)
		_, err = tx.Exec(save, 3, 8, 2)
		require.ErrorIs(t, err, sharding.ErrRefused, "the row would move from s2 to s3")
		_, err = tx.Exec(save, 5, 8, 1)
		require.ErrorIs(t, err, grant.ErrCrossShardWrite, "customer 5 stays on s1, but the transaction writes s2")
		require.NoError(t, tx.Commit())
		var got []string
		rows, err := sc.db.Query(`SELECT id, customer_id, amount FROM orders ORDER BY id`)
		require.NoError(t, err)
		for rows.Next() {
			var id, cust, amount int
			require.NoError(t, rows.Scan(&id, &cust, &amount))
			got = append(got, fmt.Sprint(id, "/", cust, "/", amount))
		}
		require.NoError(t, rows.Err())
		assert.Equal(t, []string{"1/1/5", "2/2/7"}, got)
	})
}

// Outside a transaction a write on several shards commits database by
// database once every part succeeded. A commit that fails after another
// shard committed (here a deferred foreign key checked at commit, on s1
// only) is the window two-phase commit will close: the error matches
// ErrPartialCommit and names both sides.
func TestShardPartialCommitIsNamed(t *testing.T) {
	forEachDialect(t, func(t *testing.T, tg target) {
		var sc *shardCluster
		switch tg.d {
		case dialect.MySQL:
			t.Skip("MySQL has no deferred constraints to fail a commit")
		case dialect.SQLite:
			sc = sqliteForeignKeyCluster(t)
		default:
			sc = newShardCluster(t, tg, 2, refuseCrossShard)
		}
		_, err := sc.shards[0].Exec(`CREATE TABLE orders (id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL, parent BIGINT)`)
		require.NoError(t, err)
		_, err = sc.shards[1].Exec(`CREATE TABLE parents (id BIGINT PRIMARY KEY)`)
		require.NoError(t, err)
		_, err = sc.shards[1].Exec(`CREATE TABLE orders (id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL,
			parent BIGINT REFERENCES parents (id) DEFERRABLE INITIALLY DEFERRED)`)
		require.NoError(t, err)
		_, err = sc.db.Exec(`INSERT INTO orders (id, customer_id, parent) VALUES (1, 0, 7), (2, 1, 7)`)
		require.ErrorIs(t, err, grant.ErrPartialCommit)
		assert.ErrorContains(t, err, "committed on s0, commit failed on s1")
		var n int
		require.NoError(t, sc.shards[0].QueryRow(`SELECT count(*) FROM orders`).Scan(&n))
		assert.Equal(t, 1, n, "s0 committed")
		require.NoError(t, sc.shards[1].QueryRow(`SELECT count(*) FROM orders`).Scan(&n))
		assert.Equal(t, 0, n, "s1 did not")
		_, err = sc.db.Exec(`INSERT INTO orders (id, customer_id) VALUES (3, 0), (4, 1)`)
		require.NoError(t, err, "the failed commit left no transaction open in the pool")
	})
}

// sqliteForeignKeyCluster is a 2-shard SQLite cluster whose connections
// enforce foreign keys (a per-connection setting in SQLite).
func sqliteForeignKeyCluster(t *testing.T) *shardCluster {
	sc := &shardCluster{d: dialect.SQLite, n: 2}
	dbs := map[string]*config.Database{}
	for i := range 2 {
		dsn := "file:" + filepath.Join(t.TempDir(), shardName(i)+".db") + "?_pragma=foreign_keys(1)&_pragma=busy_timeout(5000)"
		dbs[shardName(i)] = &config.Database{Primary: dsn}
		sc.shards = append(sc.shards, openDirect(t, dialect.SQLite, dsn))
	}
	c, err := grant.NewConnector(&grant.Config{Dialect: dialect.SQLite, Databases: dbs, DefaultDatabase: "s0",
		Health: config.Health{Disabled: true}, Sharding: shardingConfig(2)})
	require.NoError(t, err)
	sc.c, sc.db = c, sql.OpenDB(c)
	t.Cleanup(func() { sc.db.Close() })
	return sc
}
