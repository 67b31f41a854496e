package locking_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/grantsql/grant/locking"
)

// A context from ForUpdate makes the SELECTs run with it lock the rows they
// return until the transaction ends. With NoWait a locked row fails the
// statement at once instead of waiting.
func ExampleForUpdate() {
	ctx := locking.ForUpdate(context.Background(), locking.NoWait)
	// tx, _ := db.BeginTx(ctx, nil)
	// tx.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1", id)
	// runs SELECT balance FROM accounts WHERE id = $1 FOR UPDATE NOWAIT
	r, _ := locking.FromContext(ctx)
	fmt.Println(r)
	// Output: FOR UPDATE NOWAIT
}

// A job queue: each worker takes the next jobs no other worker holds.
func ExampleSkipLocked() {
	ctx := locking.ForUpdate(context.Background(), locking.SkipLocked, locking.Of("jobs"))
	// SELECT * FROM jobs j JOIN payloads p ON p.job_id = j.id ORDER BY j.run_at LIMIT 10
	// runs with FOR UPDATE OF j SKIP LOCKED (the alias of jobs) on PostgreSQL
	r, _ := locking.FromContext(ctx)
	fmt.Println(r)
	// Output: FOR UPDATE OF jobs SKIP LOCKED
}

// Timeout bounds the wait for a lock; past it the statement fails with an
// error IsLockTimeout matches.
func ExampleTimeout() {
	ctx := locking.ForShare(context.Background(), locking.Timeout(2*time.Second))
	r, _ := locking.FromContext(ctx)
	fmt.Println(r.Strength, r.Timeout)
	// Output: FOR SHARE 2s
}

// ExpectVersion makes an UPDATE check and bump the row's version column; a
// row changed meanwhile by someone else makes it fail with a
// *StaleObjectError.
func ExampleExpectVersion() {
	ctx := locking.ExpectVersion(context.Background(), 4)
	// db.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", b, id)
	// runs UPDATE accounts SET balance = $1, lock_version = lock_version + 1
	//      WHERE id = $2 AND lock_version = $3   with $3 = 4
	v, ok := locking.VersionFrom(ctx)
	fmt.Println(v, ok)
	// Output: 4 true
}

// IsRetryable tells which failures a retry of the whole transaction may
// cure.
func ExampleIsRetryable() {
	var err error = &locking.StaleObjectError{Table: "accounts", Version: 4}
	for attempt := 1; attempt <= 3; attempt++ {
		// err = runTransfer(ctx)
		if !locking.IsRetryable(err) {
			break
		}
		fmt.Println("attempt", attempt, "retryable:", errors.Is(err, locking.ErrStaleObject))
		err = nil
	}
	// Output: attempt 1 retryable: true
}

// CheckAffected is the stale-object check for a version condition written
// by hand.
func ExampleCheckAffected() {
	// res, _ := tx.ExecContext(ctx, "UPDATE accounts SET ... WHERE id = ? AND version = ?", id, 4)
	// n, _ := res.RowsAffected()
	n := int64(0)
	err := locking.CheckAffected(n, "accounts", "version", 4)
	fmt.Println(err)
	// Output: locking: stale object: no row of accounts at version 4 (version) was changed: another transaction changed or deleted it
}

// Validate reports every problem of the locking section with its key path.
func ExampleConfig_Validate() {
	c := locking.Config{VersionColumn: "lock_version", VersionColumns: map[string]string{"accounts": ""}}
	for _, err := range c.Validate("locking") {
		fmt.Println(err)
	}
	fmt.Println(c.ColumnFor("", "orders"))
	// Output:
	// locking.version_columns.accounts: empty column name
	// lock_version
}
