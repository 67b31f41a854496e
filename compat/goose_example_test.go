package compat_test

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"testing/fstest"

	"github.com/pressly/goose/v3"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/sharding"
)

// goose migrates a sharded cluster through Grant like one database. The
// DDL of a sharded or broadcast table runs on every database, and SQLite
// cannot commit several databases as one transaction, so such a migration
// is marked NO TRANSACTION (or the provider gets goose.WithIsolateDDL(true));
// on PostgreSQL, goose's default transaction works too (two-phase commit).
// goose's version table is a table like any other: it lives in the default
// database.
func Example_gooseSharded() {
	dir, err := os.MkdirTemp("", "compat-goose")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	file := func(name string) string {
		return "file:" + filepath.Join(dir, name+".db") + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)"
	}
	c, err := grant.NewConnector(&grant.Config{
		Dialect:         dialect.SQLite,
		Databases:       map[string]*config.Database{"s0": {Primary: file("s0")}, "s1": {Primary: file("s1")}},
		DefaultDatabase: "s0",
		Sharding: &sharding.Config{
			Resolvers: map[string]sharding.Spec{"by_customer": {Type: "modulo", Databases: []string{"s0", "s1"}}},
			Tables:    map[string]sharding.TableConfig{"orders": {Key: "customer_id", Resolver: "by_customer"}},
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	db := sql.OpenDB(c)
	defer db.Close()

	migrations := fstest.MapFS{
		"00001_orders.sql": {Data: []byte(`-- +goose NO TRANSACTION
-- +goose Up
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, total INTEGER NOT NULL);
CREATE INDEX orders_customer ON orders (customer_id);

-- +goose Down
DROP TABLE orders;
`)},
		"00002_notes.sql": {Data: []byte(`-- +goose Up
CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);

-- +goose Down
DROP TABLE notes;
`)},
	}
	ctx := context.Background()
	p, err := goose.NewProvider(goose.DialectSQLite3, db, migrations)
	if err != nil {
		log.Fatal(err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range results {
		fmt.Println(r.Direction, r.Source.Path)
	}
	for _, shard := range []string{"s0", "s1"} {
		var tables string
		err := db.QueryRowContext(grant.UseShard(ctx, shard), `SELECT group_concat(name, ' ') FROM
			(SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY name)`).Scan(&tables)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s: %s\n", shard, tables)
	}
	// Output:
	// up 00001_orders.sql
	// up 00002_notes.sql
	// s0: goose_db_version notes orders
	// s1: orders
}
