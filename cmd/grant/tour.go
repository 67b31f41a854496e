package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/routing"
)

// routingTour shows where statements go: reads of a request that has not
// written go to the replica, a request that wrote reads its own writes from
// the primary, and prevented writes fail before reaching any server.
func routingTour(ctx context.Context, db *sql.DB, c *grant.Connector, out io.Writer) error {
	fmt.Fprintf(out, "\n3. Routing (each HTTP request would carry its own routing.Session):\n")
	for _, q := range []string{
		`SELECT name FROM customers WHERE id = ?`,
		`SELECT id FROM orders WHERE customer_id = ? FOR UPDATE`,
		`UPDATE orders SET status = 'shipped' WHERE id = ?`,
		`CREATE TEMP TABLE scratch (x INT)`,
		`SELECT 1; DELETE FROM orders`,
	} {
		rt, err := c.Router().Explain(routing.WithSession(ctx, routing.NewSession()), q)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "   %-56s -> %s\n", q, rt)
	}

	reader := routing.WithSession(ctx, routing.NewSession())
	for i := 0; i < 300; i++ {
		var name string
		if err := db.QueryRowContext(reader, `SELECT name FROM customers WHERE id = ?`, i%100+1).Scan(&name); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "   a reader's session ran 300 point reads (to the replica)\n")

	writer := routing.WithSession(ctx, routing.NewSession())
	if _, err := db.ExecContext(writer, `UPDATE customers SET name = ? WHERE id = ?`, "renamed", 42); err != nil {
		return err
	}
	var name string
	if err := db.QueryRowContext(writer, `SELECT name FROM customers WHERE id = ?`, 42).Scan(&name); err != nil {
		return err
	}
	rt, _ := c.Router().Explain(writer, `SELECT name FROM customers WHERE id = ?`)
	fmt.Fprintf(out, "   a writer's session updated customer 42 and read back %q: %s\n", name, rt)

	_, err := db.ExecContext(routing.PreventWrites(ctx), `DELETE FROM orders WHERE id = ?`, 1)
	if !errors.Is(err, routing.ErrReadOnly) {
		return fmt.Errorf("a prevented write did not fail with routing.ErrReadOnly: %v", err)
	}
	fmt.Fprintf(out, "   under routing.PreventWrites: %v\n", err)
	return nil
}
