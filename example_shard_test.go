package grant_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/sharding"
)

// openShardedExample opens a cluster of two SQLite shards in dir, with
// orders sharded by customer_id.
func openShardedExample(dir string) (*grant.Connector, *sql.DB) {
	c, err := grant.NewConnector(&grant.Config{
		Dialect: dialect.SQLite,
		Databases: map[string]*config.Database{
			"s0": {Primary: "file:" + filepath.Join(dir, "s0.db")},
			"s1": {Primary: "file:" + filepath.Join(dir, "s1.db")},
		},
		DefaultDatabase: "s0",
		Sharding: &sharding.Config{
			Resolvers: map[string]sharding.Spec{"by_customer": {Type: "modulo", Databases: []string{"s0", "s1"}}},
			Tables:    map[string]sharding.TableConfig{"orders": {Key: "customer_id", Resolver: "by_customer"}},
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	return c, sql.OpenDB(c)
}

// Orders spread over two shards by customer: the application's SQL does
// not change. The DDL runs on both shards, the multi-row INSERT is split by
// key, and reads without the key are merged as one database would answer.
func Example_sharding() {
	dir, _ := os.MkdirTemp("", "grant-example")
	defer os.RemoveAll(dir)
	_, db := openShardedExample(dir)
	defer db.Close()
	ctx := context.Background()

	must := func(_ any, err error) {
		if err != nil {
			log.Fatal(err)
		}
	}
	must(db.ExecContext(ctx, `CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, total INTEGER NOT NULL)`))
	must(db.ExecContext(ctx, `INSERT INTO orders (id, customer_id, total) VALUES (1, 1, 30), (2, 2, 10), (3, 3, 50), (4, 4, 20)`))

	var n, sum int
	must(nil, db.QueryRowContext(ctx, `SELECT count(*), sum(total) FROM orders`).Scan(&n, &sum))
	fmt.Println("all shards:", n, "orders,", sum, "in total")
	must(nil, db.QueryRowContext(grant.UseShard(ctx, "s1"), `SELECT count(*) FROM orders`).Scan(&n))
	fmt.Println("on s1 (odd customers):", n)

	rows, err := db.QueryContext(ctx, `SELECT id, total FROM orders ORDER BY total DESC LIMIT 3`)
	must(nil, err)
	defer rows.Close()
	for rows.Next() {
		var id, total int
		must(nil, rows.Scan(&id, &total))
		fmt.Printf("order %d: %d\n", id, total)
	}

	_, err = db.ExecContext(ctx, `UPDATE orders SET customer_id = 2 WHERE customer_id = 1`)
	fmt.Println("refused:", errors.Is(err, sharding.ErrRefused))
	// Output:
	// all shards: 4 orders, 110 in total
	// on s1 (odd customers): 2
	// order 3: 50
	// order 1: 30
	// order 4: 20
	// refused: true
}

// Connector.Plan shows where a statement would run, without running it.
func ExampleConnector_Plan() {
	dir, _ := os.MkdirTemp("", "grant-example")
	defer os.RemoveAll(dir)
	c, db := openShardedExample(dir)
	defer db.Close()

	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`SELECT * FROM orders WHERE customer_id = ?`, []any{7}},
		{`SELECT * FROM orders WHERE customer_id IN (?, ?)`, []any{7, 8}},
		{`SELECT customer_id, count(*) FROM orders GROUP BY customer_id`, nil},
	} {
		p, err := c.Plan(context.Background(), q.sql, q.args...)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s: %d database(s): %s\n", p.Route, len(p.Shards), p.Reason)
	}
	// Output:
	// single: 1 database(s): customer_id = ? -> s1
	// multi: 2 database(s): customer_id IN (?, ?) -> s0, s1
	// scatter: 2 database(s): no key condition on orders.customer_id: every database of by_customer
}

// In a transaction, a write to a second shard is refused before it runs:
// until two-phase commit, nothing is ever half-committed.
func ExampleErrCrossShardWrite() {
	dir, _ := os.MkdirTemp("", "grant-example")
	defer os.RemoveAll(dir)
	_, db := openShardedExample(dir)
	defer db.Close()
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, `CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL)`); err != nil {
		log.Fatal(err)
	}

	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO orders (id, customer_id) VALUES (1, 1)`); err != nil {
		log.Fatal(err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO orders (id, customer_id) VALUES (2, 2)`)
	fmt.Println(errors.Is(err, grant.ErrCrossShardWrite))
	// Output: true
}
