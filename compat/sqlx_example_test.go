package compat_test

import (
	"database/sql"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/jmoiron/sqlx"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
)

// sqlx picks its placeholder style (?, $1, :name, @p1) from the driver name
// it is given, and it does not know the name "grant". Declare the style once
// with sqlx.BindDriver, then use "grant" everywhere: sqlx.Open, sqlx.Connect,
// sqlx.NewDb. PostgreSQL clusters use sqlx.DOLLAR, MySQL/MariaDB clusters
// sqlx.QUESTION; SQLite accepts both ($1 binds the first argument). The
// setting is global to the program: one that opens clusters of different
// dialects wraps each *sql.DB under its real driver's name instead, as in
// sqlx.NewDb(db, "pgx") or sqlx.NewDb(db, "mysql").
func Example_sqlxBindDriver() {
	dir, err := os.MkdirTemp("", "compat-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	err = grant.Register("compat-example", &grant.Config{
		Dialect: dialect.SQLite,
		Databases: map[string]*config.Database{
			"main": {Primary: "file:" + filepath.Join(dir, "app.db") + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)"},
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer grant.Unregister("compat-example")

	sqlx.BindDriver(grant.DriverName, sqlx.DOLLAR)
	db, err := sqlx.Open(grant.DriverName, "compat-example")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	db.MustExec(`CREATE TABLE compat_example_books (id INTEGER PRIMARY KEY, title TEXT NOT NULL, year INTEGER)`)
	_, err = db.NamedExec(`INSERT INTO compat_example_books (title, year) VALUES (:title, :year)`,
		[]map[string]any{{"title": "Dune", "year": 1965}, {"title": "Solaris", "year": 1961}, {"title": "Ubik", "year": 1969}})
	if err != nil {
		log.Fatal(err)
	}

	type book struct {
		Title string        `db:"title"`
		Year  sql.NullInt64 `db:"year"`
	}
	q, args, err := sqlx.In(`SELECT title, year FROM compat_example_books WHERE year IN (?) ORDER BY year`, []int{1961, 1969})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(db.Rebind(q))
	var books []book
	if err := db.Select(&books, db.Rebind(q), args...); err != nil {
		log.Fatal(err)
	}
	for _, b := range books {
		fmt.Println(b.Title, b.Year.Int64)
	}
	// Output:
	// SELECT title, year FROM compat_example_books WHERE year IN ($1, $2) ORDER BY year
	// Solaris 1961
	// Ubik 1969
}
