package txn_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"

	_ "modernc.org/sqlite"

	"github.com/grantsql/grant/txn"
)

// openExample opens a SQLite database with an accounts table in a new
// directory; cleanup removes both.
func openExample() (db *sql.DB, cleanup func()) {
	dir, err := os.MkdirTemp("", "txn-example")
	if err != nil {
		log.Fatal(err)
	}
	db, err = sql.Open("sqlite", "file:"+filepath.Join(dir, "bank.db"))
	if err != nil {
		log.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE accounts (name TEXT PRIMARY KEY, balance INTEGER NOT NULL CHECK (balance >= 0));
		INSERT INTO accounts VALUES ('alice', 100), ('bob', 0)`); err != nil {
		log.Fatal(err)
	}
	return db, func() { db.Close(); os.RemoveAll(dir) }
}

func balances(db *sql.DB) string {
	var a, b int
	db.QueryRow(`SELECT (SELECT balance FROM accounts WHERE name = 'alice'), (SELECT balance FROM accounts WHERE name = 'bob')`).Scan(&a, &b)
	return fmt.Sprintf("alice %d, bob %d", a, b)
}

// transfer moves amount between two accounts in one transaction, or in a
// savepoint of the caller's transaction when ctx carries one.
func transfer(ctx context.Context, db *sql.DB, from, to string, amount int) error {
	return txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET balance = balance - ? WHERE name = ?`, amount, from); err != nil {
			return fmt.Errorf("debit %s: %w", from, err)
		}
		_, err := tx.ExecContext(ctx, `UPDATE accounts SET balance = balance + ? WHERE name = ?`, amount, to)
		return err
	})
}

// Run commits when the function returns nil and rolls back when it returns
// an error.
func Example() {
	db, cleanup := openExample()
	defer cleanup()
	ctx := context.Background()

	fmt.Println(transfer(ctx, db, "alice", "bob", 30))
	fmt.Println(balances(db))

	err := transfer(ctx, db, "alice", "bob", 500) // the CHECK constraint fails
	fmt.Println(err != nil)
	fmt.Println(balances(db))
	// Output:
	// <nil>
	// alice 70, bob 30
	// true
	// alice 70, bob 30
}

// A Run inside another Run on the same database runs in a savepoint: its
// failure undoes its own work only, and the enclosing function decides.
func ExampleRun_nested() {
	db, cleanup := openExample()
	defer cleanup()
	ctx := context.Background()

	err := txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
		if err := transfer(ctx, db, "alice", "bob", 10); err != nil {
			return err
		}
		if err := transfer(ctx, db, "bob", "alice", 1000); err != nil {
			fmt.Println("second transfer undone; the first stays")
		}
		return nil
	})
	fmt.Println(err)
	fmt.Println(balances(db))
	// Output:
	// second transfer undone; the first stays
	// <nil>
	// alice 90, bob 10
}

// AfterCommit runs once the outermost transaction has committed, and never
// when the work it belongs to rolls back.
func ExampleAfterCommit() {
	db, cleanup := openExample()
	defer cleanup()
	ctx := context.Background()

	err := txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
		txn.AfterCommit(ctx, func(context.Context) { fmt.Println("email: payment sent") })
		if err := transfer(ctx, db, "alice", "bob", 25); err != nil {
			return err
		}
		txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
			txn.AfterCommit(ctx, func(context.Context) { fmt.Println("never sent") })
			txn.AfterRollback(ctx, func(context.Context) { fmt.Println("bonus rolled back") })
			return errors.New("no bonus today")
		})
		fmt.Println("committing")
		return nil
	})
	fmt.Println(err)
	// Output:
	// bonus rolled back
	// committing
	// email: payment sent
	// <nil>
}

// Retries runs the whole transaction again after a serialization failure or
// a deadlock (here any error the predicate accepts), with backoff.
func ExampleRetries() {
	db, cleanup := openExample()
	defer cleanup()
	errBusy := errors.New("busy")

	attempts := 0
	err := txn.Run(context.Background(), db, func(ctx context.Context, tx *sql.Tx) error {
		attempts++
		if attempts < 3 {
			return errBusy
		}
		return nil
	}, txn.Retries(5), txn.RetryOn(func(err error) bool { return errors.Is(err, errBusy) }))
	fmt.Println(attempts, err)
	// Output: 3 <nil>
}
