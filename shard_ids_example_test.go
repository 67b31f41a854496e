package grant_test

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/sharding"
)

// Ids unique over every shard: the INSERTs omit the id, Grant fills it in
// from a sequence kept in the default database, and LastInsertId returns
// it (for several rows, the first; the others follow it).
func Example_generatedIDs() {
	dir, _ := os.MkdirTemp("", "grant-example")
	defer os.RemoveAll(dir)
	c, err := grant.NewConnector(&grant.Config{
		Dialect: dialect.SQLite,
		Databases: map[string]*config.Database{
			"s0": {Primary: "file:" + filepath.Join(dir, "s0.db")},
			"s1": {Primary: "file:" + filepath.Join(dir, "s1.db")},
		},
		DefaultDatabase: "s0",
		Sharding: &sharding.Config{
			Resolvers: map[string]sharding.Spec{"by_customer": {Type: "modulo", Databases: []string{"s0", "s1"}}},
			Tables: map[string]sharding.TableConfig{"orders": {Key: "customer_id", Resolver: "by_customer",
				ID: &sharding.IDConfig{Column: "id", Generator: sharding.GeneratorSequence}}},
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	db := sql.OpenDB(c)
	defer db.Close()
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, `CREATE TABLE orders (id BIGINT PRIMARY KEY, customer_id INTEGER NOT NULL, total INTEGER)`); err != nil {
		log.Fatal(err)
	}
	res, err := db.ExecContext(ctx, `INSERT INTO orders (customer_id, total) VALUES (1, 30)`)
	if err != nil {
		log.Fatal(err)
	}
	id, _ := res.LastInsertId()
	fmt.Println("one row:", id)
	res, err = db.ExecContext(ctx, `INSERT INTO orders (customer_id, total) VALUES (2, 10), (3, 50), (4, 20)`)
	if err != nil {
		log.Fatal(err)
	}
	first, _ := res.LastInsertId()
	fmt.Println("three rows on two shards, from:", first)
	rows, err := db.QueryContext(ctx, `SELECT id, customer_id FROM orders ORDER BY id`)
	if err != nil {
		log.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, customer int
		if err := rows.Scan(&id, &customer); err != nil {
			log.Fatal(err)
		}
		fmt.Println(id, customer)
	}
	// Output:
	// one row: 1
	// three rows on two shards, from: 2
	// 1 1
	// 2 2
	// 3 3
	// 4 4
}
