// Package txn runs a function in a database transaction: it commits when the
// function returns nil and rolls back when it returns an error or panics.
// A Run inside another Run on the same database runs in a savepoint of the
// same transaction; the outermost Run can retry the whole transaction on
// serialization failures and deadlocks; AfterCommit and AfterRollback
// register callbacks that run once the outermost transaction has ended
// (Rails' transaction blocks, requires_new savepoints, after_commit and
// after_rollback).
//
// It works with any database/sql driver, through *sql.DB or *sql.Conn:
// PostgreSQL, MySQL/MariaDB, SQLite, and a Grant cluster, whose commit is
// then Grant's own (see the root package for transactions over several
// databases).
//
//	err := txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
//		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET balance = balance - $1 WHERE id = $2`, amount, from); err != nil {
//			return err
//		}
//		txn.AfterCommit(ctx, func(ctx context.Context) { notify(from) })
//		return transfer(ctx, db, to, amount) // may call txn.Run(ctx, db, ...) itself
//	}, txn.Isolation(sql.LevelSerializable), txn.Retries(3))
//
// # Nesting
//
// The context that Run gives to its function carries the transaction. Run
// given such a context (or one derived from it) and the same database value
// (the same *sql.DB or *sql.Conn, compared with ==) does not begin a new
// transaction: it sets a savepoint (SAVEPOINT txn_sp_N, N the nesting
// depth, a name valid on every supported dialect), runs the function, and
// releases the savepoint when the function returns nil. An error or a panic
// rolls back to the savepoint only; the error is returned to the enclosing
// function, which decides whether the whole transaction fails. On
// PostgreSQL the transaction is usable again after the rollback to the
// savepoint, even when a statement inside it failed.
//
// Current(ctx, db) gives that transaction to code deep in a call chain that
// has the context and the database but not the *sql.Tx.
//
// A different database value means a different transaction: Run with another
// *sql.DB (or another *sql.Conn, even of the same pool) begins a new,
// independent transaction, and its own nested Runs nest in it. Detach
// removes the transactions from a context, so that Run begins an independent
// transaction even on the same database.
//
// A nested Run cannot change what BEGIN fixed: asking for an isolation level
// or read-only mode that the enclosing transaction does not have fails with
// ErrNestedOptions before the function runs. Retry options of a nested Run
// are ignored: only the outermost Run retries.
//
// A transaction serves one goroutine at a time. A nested Run on a context
// that is not the innermost open one of its transaction (a context of an
// enclosing function used inside a nested one, or a goroutine's Run while
// another nested Run is open) fails with ErrNotInnermost.
//
// # Retries
//
// With Retries(n), an outermost Run whose attempt fails with an error that
// the retry predicate accepts (RetryOn, by default DefaultRetryable) runs
// the function again from the start in a new transaction, up to n more
// times, waiting between attempts with exponential backoff and full jitter
// (Backoff) while the context allows. The error can come from BEGIN, from
// the function, or from COMMIT (PostgreSQL reports some serialization
// failures at commit). A nested Run does not retry: its error goes to the
// enclosing function, and when that function returns it, the outermost Run
// retries the whole transaction (a deadlock rolls back the whole transaction
// on MySQL, and a retry inside the savepoint could not succeed anyway).
// Without Retries, Run never runs its function twice.
//
// # Callbacks
//
// AfterCommit and AfterRollback register functions on the innermost open
// transaction or savepoint of the context. They run in registration order:
//
//   - after the outermost transaction commits: the AfterCommit callbacks;
//   - after it rolls back (an error, a panic, a failed commit): the
//     AfterRollback callbacks;
//   - when a savepoint is released, its callbacks move to the enclosing
//     transaction or savepoint;
//   - when a savepoint rolls back, its AfterCommit callbacks are dropped and
//     its AfterRollback callbacks run at once, before the nested Run
//     returns;
//   - an attempt that is retried rolled back: its AfterCommit callbacks are
//     dropped and its AfterRollback callbacks run before the next attempt,
//     which registers its own.
//
// Callbacks of the outermost transaction receive the context given to the
// outermost Run, so a Run inside one begins a new transaction. The
// AfterRollback callbacks that run when a savepoint rolls back receive the
// context given to the nested Run (which still carries the enclosing
// transaction). Outside any
// transaction, AfterCommit runs its function at once (the statements have
// committed already) and AfterRollback drops it. Registering on the context
// of a transaction or savepoint that has ended runs the function at once
// if the work it belongs to ended the way the callback waits for, and
// drops it otherwise.
//
// A callback that panics does not stop the others: every callback runs, and
// then Run panics with a *CallbackPanic holding the first panic value and
// its stack. The transaction has ended by then (a panic after a commit does
// not undo it), which is why it is not reported as an error: a caller could
// take an error for a failed transaction and run it again.
//
// # Panics
//
// A panic in the function rolls back its savepoint or transaction, runs the
// AfterRollback callbacks of what rolled back, and continues with the
// original panic value (a callback's panic during that rollback is
// dropped). runtime.Goexit (t.FailNow in a test) rolls back too.
//
// # Isolation levels and read-only transactions
//
// Isolation and ReadOnly become the sql.TxOptions of BeginTx; the driver
// maps them to the server (SET TRANSACTION ISOLATION LEVEL, READ ONLY).
// PostgreSQL and MySQL/MariaDB honour them; a driver that does not support
// a level fails at BeginTx. modernc.org/sqlite accepts and ignores both:
// SQLite transactions are always serializable.
package txn
