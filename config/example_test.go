package config_test

import (
	"errors"
	"fmt"

	"github.com/grantsql/grant/config"
)

// A real driver's DSN is a one-node cluster of its dialect.
func ExampleFromDSN() {
	c, err := config.FromDSN("postgres://app:s3cret@10.0.0.1:5432/app?sslmode=disable")
	if err != nil {
		panic(err)
	}
	fmt.Println(c.Dialect, c.DatabaseNames(), c.Pool.StatementCache)
	// Output: postgres [main] 64
}

// A string that could be read two ways is refused; the error masks the
// password.
func ExampleFromDSN_ambiguous() {
	_, err := config.FromDSN("app:s3cret@tcp(db:3306)/orders.db")
	fmt.Println(errors.Is(err, config.ErrAmbiguousDSN))
	fmt.Println(err)
	// Output:
	// true
	// grant: ambiguous name: "app:xxxxx@tcp(db:3306)/orders.db": could be a MySQL DSN or a SQLite file: use a config file, or write the DSN in one driver's syntax only
}

// A value of the wrong type is an error naming the key and the type; the
// value itself is never shown.
func ExampleParse_wrongType() {
	_, err := config.Parse([]byte(`
dialect: mysql
databases: {main: {primary: "app:pw@tcp(db:3306)/app"}}
pool: {max_open: 1.5, statement_cache: "s3cret"}
`), "yaml")
	fmt.Println(err)
	// Output:
	// grant config: 2 problems:
	//   pool.max_open: want an integer, not a float
	//   pool.statement_cache: want an integer, not a string
}
