package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
)

// workload creates a small shop schema, writes orders in transactions and
// reads them back, through Grant.
func workload(ctx context.Context, db *sql.DB, orders int, out io.Writer) error {
	schema := []string{
		`CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, country TEXT NOT NULL)`,
		`CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id),
			total_cents INTEGER NOT NULL, status TEXT NOT NULL DEFAULT 'new')`,
		`CREATE INDEX orders_customer ON orders (customer_id)`,
	}
	for _, s := range schema {
		if _, err := db.ExecContext(ctx, s); err != nil {
			return err
		}
	}
	countries := []string{"DE", "FR", "JP", "US", "BR"}
	for i := 1; i <= 100; i++ {
		if _, err := db.ExecContext(ctx, `INSERT INTO customers (id, name, country) VALUES (?, ?, ?)`,
			i, fmt.Sprintf("customer-%03d", i), countries[i%len(countries)]); err != nil {
			return err
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	const batch = 100
	for done := 0; done < orders; done += batch {
		err := inTx(ctx, db, func(tx *sql.Tx) error {
			stmt, err := tx.PrepareContext(ctx, `INSERT INTO orders (customer_id, total_cents) VALUES (?, ?)`)
			if err != nil {
				return err
			}
			defer stmt.Close()
			for j := 0; j < batch && done+j < orders; j++ {
				if _, err := stmt.ExecContext(ctx, rng.IntN(100)+1, rng.IntN(100_00)+100); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "   wrote 100 customers and %d orders in %d transactions\n", orders, (orders+batch-1)/batch)

	// A transaction that fails half-way leaves nothing behind.
	errBoom := errors.New("payment declined")
	err := inTx(ctx, db, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE orders SET status = 'paid' WHERE customer_id = ?`, 7); err != nil {
			return err
		}
		return errBoom
	})
	var paid int
	if qerr := db.QueryRowContext(ctx, `SELECT count(*) FROM orders WHERE status = 'paid'`).Scan(&paid); qerr != nil {
		return qerr
	}
	fmt.Fprintf(out, "   a transaction failed (%v): %d orders marked paid afterwards\n", err, paid)

	rows, err := db.QueryContext(ctx, `SELECT c.country, count(*), sum(o.total_cents)
		FROM orders o JOIN customers c ON c.id = o.customer_id GROUP BY c.country ORDER BY c.country`)
	if err != nil {
		return err
	}
	defer rows.Close()
	fmt.Fprintf(out, "   revenue by country:")
	for rows.Next() {
		var country string
		var n, cents int64
		if err := rows.Scan(&country, &n, &cents); err != nil {
			return err
		}
		fmt.Fprintf(out, " %s %d orders/%.2f;", country, n, float64(cents)/100)
	}
	fmt.Fprintln(out)
	if err := rows.Err(); err != nil {
		return err
	}
	for i := 0; i < 200; i++ {
		var name string
		if err := db.QueryRowContext(ctx, `SELECT name FROM customers WHERE id = ?`, i%100+1).Scan(&name); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "   200 point reads by primary key\n")
	return nil
}

func inTx(ctx context.Context, db *sql.DB, fn func(*sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}
