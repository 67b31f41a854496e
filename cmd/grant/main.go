// Command grant is Grant's tool:
//
//	grant check   -config FILE                       connect to every node and check it
//	grant explain -config FILE [-json] [-args JSON] SQL    where a statement would run and why
//	grant health  -config FILE [-watch 1s]           the nodes as routing sees them
//	grant recover -config FILE                       finish two-phase transactions left in doubt
//	grant demo                                       a workload on embedded SQLite
//
// FILE is a cluster configuration (YAML or JSON), as sql.Open("grant",
// "file:FILE") reads it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	_ "github.com/grantsql/grant/plugins" // configurations may name plugin resolvers
)

const usage = `usage: grant <command> [arguments]

commands:
  check   -config FILE [-timeout 5s]
          validate the configuration, connect to every node and print a table
          (role, reachable, server version, read-only, replica lag, prepared
          transactions); exits 1 naming each node that is wrong
  explain -config FILE [-json] [-args JSON] [-database NAME] [-live] "SQL"
          where a statement would run and why: the routing decision and the
          sharding plan (databases, the SQL each gets, the merge); runs nothing
  health  -config FILE [-watch 1s] [-timeout 2s]
          the live node table: in rotation, health, replication and lag,
          statements in flight on each server, failed checks, last error;
          without -watch exits 1 when a node is out of rotation
  recover -config FILE [-timeout 30s]
          finish the two-phase transactions a crashed process left in doubt:
          commit those whose coordinator recorded the commit, roll back the
          others once their coordinator can no longer commit; prints what it
          did and exits 0 when nothing is left in doubt
  demo    run a workload through Grant on embedded SQLite (no servers needed)
          and print what went to which node

Run "grant <command> -h" for a command's flags.
`

// errProblems is returned by a command that ran and found something wrong
// (a node check failed, a statement was refused): its output said what, so
// only the exit status remains to give.
var errProblems = errors.New("problems found")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "check":
		err = check(ctx, args[1:], stdout, stderr)
	case "explain":
		err = explain(ctx, args[1:], stdout, stderr)
	case "health":
		err = health(ctx, args[1:], stdout, stderr)
	case "recover":
		err = recoverCmd(ctx, args[1:], stdout, stderr)
	case "demo":
		err = demo(ctx, args[1:], stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "grant: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, new(usageError)):
		if msg := err.Error(); msg != "" {
			fmt.Fprintf(stderr, "grant %s: %s\n", args[0], msg)
		}
		return 2
	case errors.Is(err, errProblems):
		return 1
	}
	fmt.Fprintf(stderr, "grant %s: %v\n", args[0], err)
	return 1
}
