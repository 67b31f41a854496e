package analyze_test

import (
	"fmt"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/analyze"
)

func ExampleAnalyze() {
	st := analyze.Analyze(dialect.Postgres,
		`SELECT * FROM "users" WHERE "users"."id" = $1 AND "users"."deleted_at" IS NULL ORDER BY "users"."id" LIMIT 1`)
	fmt.Println(st.Kind, st.Read, st.Full, st.TableNames())
	for _, c := range st.Select.Where.Conjuncts {
		fmt.Println(c.Kind, c.Column.Name)
	}
	fmt.Println(st.SQL[:st.Select.LockAt] + " FOR UPDATE")

	st = analyze.Analyze(dialect.MySQL, "SELECT GET_LOCK('job', 10)")
	fmt.Println(st.Kind, st.Read, st.Pins, st.Reason)
	// Output:
	// select true true [users]
	// eq id
	// is_null deleted_at
	// SELECT * FROM "users" WHERE "users"."id" = $1 AND "users"."deleted_at" IS NULL ORDER BY "users"."id" LIMIT 1 FOR UPDATE
	// select false true function get_lock takes a named lock
}

func ExampleCache() {
	c := analyze.NewCache(1024)
	a := c.Analyze(dialect.SQLite, "SELECT * FROM t WHERE id = ?")
	b := c.Analyze(dialect.SQLite, "SELECT * FROM t WHERE id = ?")
	fmt.Println(a == b, c.Stats().Hits)
	// Output: true 1
}
