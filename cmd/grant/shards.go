package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/sharding"
)

// shardConfig is the sharded cluster of the demo: four SQLite files, orders
// and their items spread by customer, countries copied to every shard.
const shardConfig = `dialect: sqlite
databases:
  s0: {primary: "file:${GRANT_DEMO_DIR}/s0.db?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)"}
  s1: {primary: "file:${GRANT_DEMO_DIR}/s1.db?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)"}
  s2: {primary: "file:${GRANT_DEMO_DIR}/s2.db?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)"}
  s3: {primary: "file:${GRANT_DEMO_DIR}/s3.db?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)"}
default_database: s0
sharding:
  resolvers:
    by_customer: {type: modulo, databases: [s0, s1, s2, s3]}
  tables:
    orders:      {key: customer_id, resolver: by_customer}
    order_items: {key: customer_id, resolver: by_customer}
  bindings: [[orders, order_items]]
  broadcast: [countries]
`

// shardTour runs the application's statements unchanged on four shards.
func shardTour(ctx context.Context, dir string, orders int, out io.Writer) error {
	path := filepath.Join(dir, "shards.yaml")
	if err := os.WriteFile(path, []byte(shardConfig), 0o600); err != nil {
		return err
	}
	cfg, err := config.Load(path)
	if err != nil {
		return err
	}
	c, err := grant.NewConnector(cfg, grant.WithCounters())
	if err != nil {
		return err
	}
	db := sql.OpenDB(c)
	defer db.Close()
	fmt.Fprintf(out, "\n5. Sharding: orders by customer_id over s0..s3 (%s)\n", filepath.Base(path))
	for _, s := range []string{
		`CREATE TABLE countries (code TEXT PRIMARY KEY, name TEXT NOT NULL)`,
		`CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, country TEXT NOT NULL, total_cents INTEGER NOT NULL, status TEXT NOT NULL)`,
		`CREATE TABLE order_items (order_id INTEGER NOT NULL, customer_id INTEGER NOT NULL, sku TEXT NOT NULL, qty INTEGER NOT NULL)`,
		`INSERT INTO countries (code, name) VALUES ('DE', 'Germany'), ('FR', 'France'), ('JP', 'Japan'), ('US', 'United States')`,
	} {
		if _, err := db.ExecContext(ctx, s); err != nil {
			return err
		}
	}
	if err := loadShardOrders(ctx, db, orders); err != nil {
		return err
	}
	var counts []string
	for _, s := range cfg.DatabaseNames() {
		var n int
		if err := db.QueryRowContext(grant.UseShard(ctx, s), `SELECT count(*) FROM orders`).Scan(&n); err != nil {
			return err
		}
		counts = append(counts, fmt.Sprintf("%s %d", s, n))
	}
	fmt.Fprintf(out, "   schema created on every shard; %d orders written in multi-row INSERTs split by key: %s\n",
		orders, strings.Join(counts, ", "))

	fmt.Fprintf(out, "   plans (no I/O; grant.Connector.Plan):\n")
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`SELECT * FROM orders WHERE customer_id = ?`, []any{42}},
		{`SELECT id FROM orders WHERE customer_id IN (?, ?, ?)`, []any{1, 2, 5}},
		{`SELECT * FROM orders ORDER BY total_cents DESC LIMIT 5`, nil},
		{`SELECT status, count(*), avg(total_cents) FROM orders GROUP BY status`, nil},
		{`SELECT o.id, c.name, i.sku FROM orders o JOIN order_items i ON i.customer_id = o.customer_id AND i.order_id = o.id JOIN countries c ON c.code = o.country WHERE o.customer_id = ?`, []any{7}},
		{`UPDATE orders SET customer_id = ? WHERE customer_id = ?`, []any{8, 7}},
	} {
		p, err := c.Plan(ctx, q.sql, q.args...)
		fmt.Fprintf(out, "   - %s\n     ", q.sql)
		if err != nil {
			fmt.Fprintf(out, "%v\n", err)
			continue
		}
		fmt.Fprintf(out, "%s on %d database(s): %s", p.Route, len(p.Shards), p.Reason)
		if p.Strategy != "" {
			fmt.Fprintf(out, "; merge: %s", p.Strategy)
		}
		fmt.Fprintln(out)
	}
	if err := shardQueries(ctx, db, out); err != nil {
		return err
	}
	fmt.Fprintf(out, "   what went where (each shard's queries: the UseShard count, the 2 fan-out reads, and one\n")
	fmt.Fprintf(out, "   read of the collations of orders' columns, made at first use and cached, so text merges exactly):\n")
	printNodes(out, c)
	return nil
}

// loadShardOrders writes orders and their items in multi-row INSERTs that
// Grant splits over the shards.
func loadShardOrders(ctx context.Context, db *sql.DB, orders int) error {
	countries := []string{"DE", "FR", "JP", "US"}
	statuses := []string{"new", "paid", "shipped"}
	const batch = 100
	for lo := 1; lo <= orders; lo += batch {
		var o, it strings.Builder
		o.WriteString(`INSERT INTO orders (id, customer_id, country, total_cents, status) VALUES `)
		it.WriteString(`INSERT INTO order_items (order_id, customer_id, sku, qty) VALUES `)
		for id := lo; id < lo+batch && id <= orders; id++ {
			sep := ", "
			if id == lo {
				sep = ""
			}
			cust := id%97 + 1
			fmt.Fprintf(&o, "%s(%d, %d, '%s', %d, '%s')", sep, id, cust, countries[cust%4], (id*7919)%10000+100, statuses[id%3])
			fmt.Fprintf(&it, "%s(%d, %d, 'sku-%d', %d)", sep, id, cust, id%13, id%4+1)
		}
		for _, q := range []string{o.String(), it.String()} {
			if _, err := db.ExecContext(ctx, q); err != nil {
				return err
			}
		}
	}
	return nil
}

// shardQueries runs reads that span shards and a refused transaction.
func shardQueries(ctx context.Context, db *sql.DB, out io.Writer) error {
	rows, err := db.QueryContext(ctx, `SELECT status, count(*), avg(total_cents) FROM orders GROUP BY status ORDER BY status`)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "   orders by status, merged from 4 shards:")
	for rows.Next() {
		var status string
		var n int
		var avg float64
		if err := rows.Scan(&status, &n, &avg); err != nil {
			return err
		}
		fmt.Fprintf(out, " %s %d (avg %.2f);", status, n, avg/100)
	}
	fmt.Fprintln(out)
	if err := rows.Close(); err != nil {
		return err
	}
	var top []string
	rows, err = db.QueryContext(ctx, `SELECT id, total_cents FROM orders ORDER BY total_cents DESC, id LIMIT 3`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id, cents int
		if err := rows.Scan(&id, &cents); err != nil {
			return err
		}
		top = append(top, fmt.Sprintf("#%d %.2f", id, float64(cents)/100))
	}
	if err := rows.Close(); err != nil {
		return err
	}
	fmt.Fprintf(out, "   top 3 orders (k-way merge of sorted shards): %s\n", strings.Join(top, ", "))

	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `UPDATE orders SET status = 'paid' WHERE customer_id = ?`, 1); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE orders SET status = 'paid' WHERE customer_id = ?`, 2)
	if !errors.Is(err, grant.ErrCrossShardWrite) {
		return fmt.Errorf("a second shard's write in a transaction was not refused: %v", err)
	}
	fmt.Fprintf(out, "   a transaction writing to s1 then s2: %v\n", err)
	var refused *sharding.RefusedError
	_, err = db.ExecContext(ctx, `INSERT INTO orders (id, country, total_cents, status) VALUES (9999, 'DE', 1, 'new')`)
	if !errors.As(err, &refused) {
		return fmt.Errorf("an INSERT without the shard key was not refused: %v", err)
	}
	fmt.Fprintf(out, "   an INSERT without the key: %v\n", err)
	return nil
}
