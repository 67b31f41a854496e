package grant_test

import (
	"context"
	"fmt"
	"log"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/config"
)

// Where a statement would run and why, without running it: what grant
// explain prints.
func ExampleConnector_Explain() {
	cfg, err := config.Load("testdata/sqlite-shards.yaml")
	if err != nil {
		log.Fatal(err)
	}
	c, err := grant.NewConnector(cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	x, err := c.Explain(context.Background(), `SELECT * FROM orders WHERE customer_id IN (?, ?)`, 1, 2)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(x.Kind, x.Effects, x.Plan.Route, x.Plan.Strategy)
	for i, q := range x.Plan.Shards {
		fmt.Printf("%s: %s -> %s\n", q.Database, q.SQL, x.Routes[i])
	}
	// Output:
	// select [replica_safe] multi concat
	// s0: SELECT * FROM orders WHERE customer_id IN (?) -> s0.primary (no replicas)
	// s1: SELECT * FROM orders WHERE customer_id IN (?) -> s1.primary (no replicas)
}

// Every node's statistics and whether routing uses it.
func ExampleConnector_Status() {
	cfg, err := config.Load("testdata/sqlite.yaml")
	if err != nil {
		log.Fatal(err)
	}
	c, err := grant.NewConnector(cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	for _, s := range c.Status() {
		line := fmt.Sprintf("%s (%s) in rotation: %v", s.Name, s.Role, s.InRotation)
		if s.Replica != nil {
			line += ", replication " + s.Replica.Status.String() // SQLite: never measured
		}
		fmt.Println(line)
	}
	// Output:
	// main.primary (primary) in rotation: true
	// main.replicas[0] (replica) in rotation: true, replication unknown
}
