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
)

// A cluster built in Go, opened the database/sql way.
func ExampleNewConnector() {
	dir, _ := os.MkdirTemp("", "grant-example")
	defer os.RemoveAll(dir)

	c, err := grant.NewConnector(&grant.Config{
		Dialect: dialect.SQLite,
		Databases: map[string]*config.Database{
			"main": {Primary: "file:" + filepath.Join(dir, "app.db")},
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	db := sql.OpenDB(c)
	defer db.Close()

	ctx := context.Background()
	db.ExecContext(ctx, `CREATE TABLE greetings (id INTEGER PRIMARY KEY, text TEXT)`)
	db.ExecContext(ctx, `INSERT INTO greetings (text) VALUES (?)`, "hello, cluster")
	var text string
	if err := db.QueryRowContext(ctx, `SELECT text FROM greetings WHERE id = ?`, 1).Scan(&text); err != nil {
		log.Fatal(err)
	}
	fmt.Println(text)
	// Output: hello, cluster
}

// A cluster registered under a name, opened with sql.Open.
func ExampleRegister() {
	dir, _ := os.MkdirTemp("", "grant-example")
	defer os.RemoveAll(dir)

	err := grant.Register("inventory", &grant.Config{
		Dialect:   dialect.SQLite,
		Databases: map[string]*config.Database{"main": {Primary: "file:" + filepath.Join(dir, "inv.db")}},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer grant.Unregister("inventory")

	db, err := sql.Open("grant", "inventory")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	var n int
	db.QueryRow(`SELECT 40 + 2`).Scan(&n)
	fmt.Println(n)
	// Output: 42
}

// A cluster described in a YAML file; `${VAR}` is expanded from the
// environment and every mistake is reported at open time with its key path.
func Example_configFile() {
	dir, _ := os.MkdirTemp("", "grant-example")
	defer os.RemoveAll(dir)
	os.Setenv("APP_DIR", dir)

	path := filepath.Join(dir, "cluster.yaml")
	os.WriteFile(path, []byte(`
dialect: sqlite
databases:
  main:
    primary: "file:${APP_DIR}/app.db"
    replicas: ["file:${APP_DIR}/app.db?mode=ro"]
pool: {max_open: 10}
health: {interval: 5s}
`), 0o600)

	db, err := sql.Open("grant", "file:"+path)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	fmt.Println(db.Ping() == nil)

	_, err = sql.Open("grant", writeFile(dir, "bad.yaml", "dialect: sqlite\ndatabases: {main: {}}\n"))
	fmt.Println(err != nil)
	// Output:
	// true
	// true
}

func writeFile(dir, name, text string) string {
	p := filepath.Join(dir, name)
	os.WriteFile(p, []byte(text), 0o600)
	return p
}

// UseDatabase sends a context's statements to another database of the
// cluster, the Go form of Rails' connected_to(database: ...).
func ExampleUseDatabase() {
	dir, _ := os.MkdirTemp("", "grant-example")
	defer os.RemoveAll(dir)
	c, _ := grant.NewConnector(&grant.Config{
		Dialect:         dialect.SQLite,
		DefaultDatabase: "app",
		Databases: map[string]*config.Database{
			"app":  {Primary: "file:" + filepath.Join(dir, "app.db")},
			"logs": {Primary: "file:" + filepath.Join(dir, "logs.db")},
		},
	})
	db := sql.OpenDB(c)
	defer db.Close()

	ctx := context.Background()
	logs := grant.UseDatabase(ctx, "logs")
	db.ExecContext(logs, `CREATE TABLE events (msg TEXT)`)
	db.ExecContext(logs, `INSERT INTO events VALUES ('started')`)

	var msg string
	db.QueryRowContext(logs, `SELECT msg FROM events`).Scan(&msg)
	_, err := db.ExecContext(ctx, `SELECT msg FROM events`) // the default database has no such table
	fmt.Println(msg, err != nil)
	// Output: started true
}
