package idgen_test

import (
	"context"
	"fmt"

	"github.com/grantsql/grant/sharding/idgen"
)

func ExampleSnowflake() {
	g, err := idgen.NewSnowflake(7)
	if err != nil {
		panic(err)
	}
	ids := make([]int64, 3) // the rows of one INSERT
	if err := g.Fill(context.Background(), ids, nil); err != nil {
		panic(err)
	}
	_, node, _ := idgen.Parts(ids[0])
	fmt.Println("node", node, "consecutive:", ids[1] == ids[0]+1 && ids[2] == ids[1]+1)
	// Output: node 7 consecutive: true
}

func ExampleSequence() {
	store := &idgen.MemoryStore{} // the engine's store is the default database
	s := idgen.NewSequence("orders", 100, 1)
	ids := make([]int64, 3)
	for range 2 {
		if err := s.Fill(context.Background(), ids, store); err != nil {
			panic(err)
		}
		fmt.Println(ids)
	}
	// Output:
	// [1 2 3]
	// [4 5 6]
}
