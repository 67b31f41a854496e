package grant_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/sharding"
)

// A statement's own context ends before Commit (a per-statement timeout):
// the transaction still commits, as it does on one database.
func TestShardTxCommitsAfterStatementContextEnds(t *testing.T) {
	forEachDialect(t, func(t *testing.T, tg target) {
		sc := execCluster(t, tg)
		tx, err := sc.db.BeginTx(context.Background(), nil)
		require.NoError(t, err)
		defer tx.Rollback()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, err = tx.ExecContext(ctx, sc.bind(`INSERT INTO orders (id, customer_id) VALUES (?, ?)`), 1, 1)
		require.NoError(t, err)
		var n int
		require.NoError(t, tx.QueryRowContext(ctx, `SELECT count(*) FROM orders`).Scan(&n))
		cancel()
		require.NoError(t, tx.Commit())
		assert.Equal(t, []int{0, 1, 0, 0}, sc.counts(t))
	})
}

// The database named at BeginTx (UseShard, UseDatabase) is the one its
// statements run on when theirs name none.
func TestShardTxKeepsItsDatabase(t *testing.T) {
	sc := newShardCluster(t, target{d: dialect.SQLite}, 2)
	_, err := sc.db.Exec(`CREATE TABLE notes (id INTEGER PRIMARY KEY)`) // unsharded: s0 only
	require.NoError(t, err)
	_, err = sc.db.ExecContext(grant.UseShard(context.Background(), "s1"), `CREATE TABLE notes (id INTEGER PRIMARY KEY)`)
	require.NoError(t, err)
	tx, err := sc.db.BeginTx(grant.UseShard(context.Background(), "s1"), nil)
	require.NoError(t, err)
	_, err = tx.Exec(`INSERT INTO notes (id) VALUES (1)`)
	require.NoError(t, err)
	require.NoError(t, tx.Commit())
	var n0, n1 int
	require.NoError(t, sc.shards[0].QueryRow(`SELECT count(*) FROM notes`).Scan(&n0))
	require.NoError(t, sc.shards[1].QueryRow(`SELECT count(*) FROM notes`).Scan(&n1))
	assert.Equal(t, []int{0, 1}, []int{n0, n1})

	// Without sharding too.
	dir := t.TempDir()
	c, err := grant.NewConnector(&grant.Config{Dialect: dialect.SQLite, DefaultDatabase: "a",
		Databases: map[string]*config.Database{"a": {Primary: "file:" + dir + "/a.db"}, "b": {Primary: "file:" + dir + "/b.db"}}})
	require.NoError(t, err)
	db := sql.OpenDB(c)
	defer db.Close()
	b := grant.UseDatabase(context.Background(), "b")
	_, err = db.ExecContext(b, `CREATE TABLE notes (id INTEGER PRIMARY KEY)`)
	require.NoError(t, err)
	tx, err = db.BeginTx(b, nil)
	require.NoError(t, err)
	_, err = tx.Exec(`INSERT INTO notes (id) VALUES (1)`)
	require.NoError(t, err, "runs on b, where the table is")
	require.NoError(t, tx.Commit())
}

// A merged read inside a transaction may stay open while the transaction
// runs other statements on the same connections (iterate and update).
func TestShardTxReadWhileWriting(t *testing.T) {
	sc := execCluster(t, target{d: dialect.SQLite})
	_, err := sc.db.Exec(`INSERT INTO orders (id, customer_id, amount) VALUES (1, 1, 1), (2, 1, 2), (3, 2, 3)`)
	require.NoError(t, err)
	tx, err := sc.db.Begin()
	require.NoError(t, err)
	defer tx.Rollback()
	rows, err := tx.Query(`SELECT id FROM orders WHERE customer_id = 1 OR amount > 2 ORDER BY id`)
	require.NoError(t, err)
	var ids []int
	for rows.Next() {
		var id int
		require.NoError(t, rows.Scan(&id))
		ids = append(ids, id)
		if id < 3 {
			_, err := tx.Exec(`UPDATE orders SET amount = amount * 10 WHERE customer_id = 1 AND id = ?`, id)
			require.NoError(t, err)
		}
	}
	require.NoError(t, rows.Err())
	require.NoError(t, tx.Commit())
	assert.Equal(t, []int{1, 2, 3}, ids)
	var sum int
	require.NoError(t, sc.db.QueryRow(`SELECT sum(amount) FROM orders`).Scan(&sum))
	assert.Equal(t, 10+20+3, sum)
}

// Concurrent fan-outs over capped pools take their connections in one
// order, so they never wait on each other in a cycle.
func TestShardFanOutWithCappedPools(t *testing.T) {
	dir := t.TempDir()
	dbs := map[string]*config.Database{}
	for i := range 4 {
		dbs[shardName(i)] = &config.Database{Primary: fmt.Sprintf("file:%s/s%d.db?_pragma=journal_mode(WAL)", dir, i)}
	}
	c, err := grant.NewConnector(&grant.Config{Dialect: dialect.SQLite, Databases: dbs, DefaultDatabase: "s0",
		Pool: config.Pool{MaxOpen: 2}, Health: config.Health{Disabled: true}, Sharding: shardingConfig(4)})
	require.NoError(t, err)
	db := sql.OpenDB(c)
	defer db.Close()
	_, err = db.Exec(`CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL)`)
	require.NoError(t, err)
	_, err = db.Exec(`INSERT INTO orders WITH RECURSIVE k(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM k WHERE x < 2000) SELECT x, x FROM k`)
	require.ErrorIs(t, err, sharding.ErrRefused, "INSERT .. SELECT into a sharded table")
	for i := range 4 {
		_, err = db.ExecContext(grant.UseShard(context.Background(), shardName(i)),
			fmt.Sprintf(`INSERT INTO orders SELECT x*4+%d, x*4+%d FROM (WITH RECURSIVE k(x) AS (SELECT 0 UNION ALL SELECT x+1 FROM k WHERE x < 1999) SELECT x FROM k)`, i, i))
		require.NoError(t, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var n int
			if err := db.QueryRowContext(ctx, `SELECT count(*) FROM orders`).Scan(&n); err != nil {
				errs <- err
			}
			rows, err := db.QueryContext(ctx, `SELECT id FROM orders ORDER BY id`)
			if err != nil {
				errs <- err
				return
			}
			for rows.Next() {
			}
			if err := errors.Join(rows.Err(), rows.Close()); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// Raw inside a transaction counts as a write (CopyFrom), so the one
// writing database rule holds.
func TestShardRawCountsAsWrite(t *testing.T) {
	sc := execCluster(t, target{d: dialect.SQLite})
	conn, err := sc.db.Conn(context.Background())
	require.NoError(t, err)
	defer conn.Close()
	tx, err := conn.BeginTx(context.Background(), nil)
	require.NoError(t, err)
	defer tx.Rollback()
	err = conn.Raw(func(dc any) error {
		return dc.(*grant.Conn).Raw(grant.UseShard(context.Background(), "s1"), func(any) error { return nil })
	})
	require.NoError(t, err)
	_, err = tx.Exec(`INSERT INTO orders (id, customer_id) VALUES (1, 0)`)
	require.ErrorIs(t, err, grant.ErrCrossShardWrite, "s1 was written to through Raw")
}

// Broadcast writes are never tentative: inside a transaction they are
// refused, even when they would change nothing.
func TestShardBroadcastWriteInTxRefused(t *testing.T) {
	sc := newShardCluster(t, target{d: dialect.SQLite}, 2)
	_, err := sc.db.Exec(`CREATE TABLE countries (code TEXT PRIMARY KEY, name TEXT)`)
	require.NoError(t, err)
	tx, err := sc.db.Begin()
	require.NoError(t, err)
	defer tx.Rollback()
	_, err = tx.Exec(`UPDATE countries SET name = 'x' WHERE code = 'zz'`)
	require.ErrorIs(t, err, grant.ErrCrossShardWrite)
}

// A SAVEPOINT sent through Query is kept like one sent through Exec.
func TestShardSavepointThroughQuery(t *testing.T) {
	sc := execCluster(t, target{d: dialect.SQLite})
	tx, err := sc.db.Begin()
	require.NoError(t, err)
	defer tx.Rollback()
	_, err = tx.Exec(`INSERT INTO orders (id, customer_id) VALUES (1, 0)`)
	require.NoError(t, err)
	rows, err := tx.Query(`SAVEPOINT b`)
	require.NoError(t, err)
	require.NoError(t, rows.Close())
	var n int
	require.NoError(t, tx.QueryRow(`SELECT count(*) FROM orders`).Scan(&n)) // s1..s3 join with b
	_, err = tx.Exec(`ROLLBACK TO SAVEPOINT b`)
	require.NoError(t, err)
	require.NoError(t, tx.Commit())
	assert.Equal(t, []int{1, 0, 0, 0}, sc.counts(t))
}
