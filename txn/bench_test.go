package txn_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/grantsql/grant/txn"
)

// What Run adds to BeginTx/Commit, on SQLite (a local file, so the
// database's own cost is small and the overhead shows).
func BenchmarkTransaction(b *testing.B) {
	ctx := context.Background()
	db, table := sqliteBackend().open(b)
	q := `SELECT COUNT(*) FROM ` + table
	b.Run("raw", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				b.Fatal(err)
			}
			var n int
			tx.QueryRowContext(ctx, q).Scan(&n)
			if err := tx.Commit(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Run", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			err := txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
				var n int
				return tx.QueryRowContext(ctx, q).Scan(&n)
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Run+nested", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			err := txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
				return txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
					var n int
					return tx.QueryRowContext(ctx, q).Scan(&n)
				})
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}
