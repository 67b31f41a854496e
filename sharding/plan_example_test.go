package sharding_test

import (
	"database/sql/driver"
	"errors"
	"fmt"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/sharding"
)

func ExamplePlanner_Plan() {
	cfg := sharding.Config{
		Resolvers: map[string]sharding.Spec{"by_customer": {Type: "modulo", Databases: exampleDatabases}},
		Tables:    map[string]sharding.TableConfig{"orders": {Key: "customer_id", Resolver: "by_customer"}},
		Broadcast: []string{"countries"},
	}
	p, err := sharding.NewPlanner(cfg, dialect.Postgres, "s0", exampleDatabases)
	if err != nil {
		panic(err)
	}
	plan := func(sql string, vals ...any) {
		args := make([]driver.NamedValue, len(vals))
		for i, v := range vals {
			args[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
		}
		st := analyze.Analyze(dialect.Postgres, sql)
		if !p.Sharded(st) {
			fmt.Println("unsharded: default routing")
			return
		}
		pl, err := p.Plan(st, args, "")
		if errors.Is(err, sharding.ErrRefused) {
			fmt.Println(err)
			return
		}
		fmt.Println(pl.Route, "-", pl.Reason)
		for _, q := range pl.Shards {
			fmt.Printf("  %s: %s %v\n", q.Database, q.SQL, q.ArgOrdinals)
		}
		if pl.Merge != nil {
			fmt.Println("  merge:", pl.Strategy)
		}
	}
	plan(`SELECT * FROM orders WHERE customer_id = $1`, int64(6))
	plan(`SELECT id FROM orders WHERE customer_id IN ($1, $2, $3) ORDER BY created_at LIMIT 10`, int64(1), int64(2), int64(5))
	plan(`SELECT * FROM users WHERE id = $1`, int64(1))
	plan(`UPDATE orders SET customer_id = 2 WHERE customer_id = 1`)
	// Output:
	// single - customer_id = $1 -> s2
	//   s2: SELECT * FROM orders WHERE customer_id = $1 []
	// multi - customer_id IN ($1, $2, $3) -> s1, s2
	//   s1: SELECT id, created_at FROM orders WHERE customer_id IN ($1, $2) ORDER BY created_at LIMIT 10 [1 3]
	//   s2: SELECT id, created_at FROM orders WHERE customer_id IN ($1) ORDER BY created_at LIMIT 10 [2]
	//   merge: ordered merge → limit
	// unsharded: default routing
	// sharding: refused "UPDATE orders SET customer_id = 2 WHERE customer_id = 1": table orders: SET of shard key customer_id moves rows from s1 to s2: a row cannot move between shards
}
