package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/config"
)

// demoConfig is the cluster the demo runs on: one SQLite database with a
// write pool and a read-only pool on the same file.
const demoConfig = `dialect: sqlite
databases:
  main:
    primary: "file:${GRANT_DEMO_DIR}/app.db?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)"
    replicas: ["file:${GRANT_DEMO_DIR}/app.db?mode=ro&_pragma=busy_timeout(5000)"]
health: {interval: 1s, timeout: 500ms}
routing: {policy: round_robin, read_your_writes: {mode: window, window: 2s}}
`

func demo(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	orders := fs.Int("orders", 2000, "orders to write")
	keep := fs.Bool("keep", false, "keep the temporary directory")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "grant-demo-")
	if err != nil {
		return err
	}
	if !*keep {
		defer os.RemoveAll(dir)
	}
	start := time.Now()
	fmt.Fprintf(out, "Grant demo: embedded SQLite in %s\n\n", dir)

	cfgPath := filepath.Join(dir, "cluster.yaml")
	if err := os.WriteFile(cfgPath, []byte(demoConfig), 0o600); err != nil {
		return err
	}
	os.Setenv("GRANT_DEMO_DIR", dir)
	fmt.Fprintf(out, "1. Configuration errors are caught at open time, naming the key:\n")
	showConfigError(out)

	fmt.Fprintf(out, "\n2. grant.NewConnector(config.Load(%q), grant.WithCounters())\n", filepath.Base(cfgPath))
	cfg, err := config.Load(cfgPath)
	if err != nil {
		return err
	}
	conn, err := grant.NewConnector(cfg, grant.WithCounters())
	if err != nil {
		return err
	}
	db := sql.OpenDB(conn)
	defer db.Close()

	if err := workload(ctx, db, *orders, out); err != nil {
		return err
	}
	if err := routingTour(ctx, db, conn, out); err != nil {
		return err
	}
	fmt.Fprintf(out, "\n4. What went where:\n")
	printNodes(out, conn)
	if err := shardTour(ctx, dir, *orders, out); err != nil {
		return err
	}
	fmt.Fprintf(out, "\nDone in %s.\n", time.Since(start).Round(time.Millisecond))
	return nil
}

// showConfigError opens a deliberately broken configuration.
func showConfigError(out io.Writer) {
	bad := []byte("dialect: sqlite\ndatabases:\n  main: {primary: \"file:x.db\", replica: [\"file:y.db\"]}\n  logs: {}\n")
	c, err := config.Parse(bad, "yaml")
	if err == nil {
		_, err = c.Validate()
	}
	var es config.Errors
	if errors.As(err, &es) {
		for _, e := range es {
			fmt.Fprintf(out, "   - %s\n", e)
		}
	}
}

func printNodes(out io.Writer, c *grant.Connector) {
	tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "   node\trole\thealthy\tstatements\tqueries\texecs\trows read\tcommits\trollbacks\tpool open")
	for _, s := range c.Registry().Stats() {
		k := s.Counters
		fmt.Fprintf(tw, "   %s\t%s\t%v\t%d\t%d\t%d\t%d\t%d\t%d\t%d\n", s.Name, s.Role, s.Healthy, s.Stmts,
			k.Queries, k.Execs, k.Rows, k.Commits, k.Rollbacks, s.Pool.OpenConnections)
	}
	tw.Flush()
}
