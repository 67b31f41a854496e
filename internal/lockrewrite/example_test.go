package lockrewrite_test

import (
	"database/sql/driver"
	"fmt"
	"time"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/internal/lockrewrite"
	"github.com/grantsql/grant/locking"
)

// The locking clause goes after LIMIT and before a trailing comment; the
// timeout becomes the server's own.
func ExamplePessimistic() {
	const q = "SELECT * FROM jobs WHERE state = ? ORDER BY run_at LIMIT 1 -- next job"
	st := analyze.Analyze(dialect.MySQL, q)
	r := locking.Request{Strength: locking.Update, Timeout: 2 * time.Second}
	l, _ := lockrewrite.Pessimistic(lockrewrite.MariaDB, st, r)
	fmt.Println(l.SQL)
	l, _ = lockrewrite.Pessimistic(lockrewrite.MySQL, st, r)
	fmt.Println(l.SQL)
	fmt.Println(l.Timeout.Set)
	_, err := lockrewrite.Pessimistic(lockrewrite.Postgres, analyze.Analyze(dialect.Postgres, "SELECT count(*) FROM jobs"), r)
	fmt.Println(err)
	// Output:
	// SELECT * FROM jobs WHERE state = ? ORDER BY run_at LIMIT 1 FOR UPDATE WAIT 2 -- next job
	// SELECT * FROM jobs WHERE state = ? ORDER BY run_at LIMIT 1 FOR UPDATE -- next job
	// SET SESSION innodb_lock_wait_timeout = 2
	// locking: cannot lock rows of "SELECT count(*) FROM jobs": PostgreSQL does not allow FOR UPDATE with aggregate functions
}

// The version condition goes before LIMIT, so its ? takes the place of the
// LIMIT argument, which moves up.
func ExampleOptimistic() {
	st := analyze.Analyze(dialect.MySQL, "UPDATE accounts SET balance = ? WHERE id = ? LIMIT ?")
	v, _ := lockrewrite.Optimistic(st, &locking.Config{VersionColumn: "lock_version"})
	fmt.Println(v.SQL)
	args := []driver.NamedValue{{Ordinal: 1, Value: int64(90)}, {Ordinal: 2, Value: int64(7)}, {Ordinal: 3, Value: int64(1)}}
	for i, a := range v.Args(args, 4) {
		if i > 0 {
			fmt.Print(" ")
		}
		fmt.Print(a.Ordinal, "=", a.Value)
	}
	fmt.Println()
	fmt.Println(v.Check(0, 4))
	// Output:
	// UPDATE accounts SET balance = ?, lock_version = lock_version + 1 WHERE id = ? AND lock_version = ? LIMIT ?
	// 1=90 2=7 3=4 4=1
	// locking: stale object: no row of accounts at version 4 (lock_version) was changed: another transaction changed or deleted it
}
