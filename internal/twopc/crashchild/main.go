// Command crashchild is the coordinator process of Grant's two-phase
// commit crash tests: it runs bank transfers (internal/twopc/crashtest)
// between two shards through Grant until it is killed. Built with the
// grant_failpoints tag it kills itself at the step GRANT_FAILPOINT names
// (see internal/twopc).
//
// Environment: GRANT_CRASH_DIALECT (postgres or mysql), GRANT_CRASH_S0 and
// GRANT_CRASH_S1 (the DSNs of the two shards), GRANT_CRASH_FIRST (the id of
// the first transfer), GRANT_CRASH_COUNT (how many; 0: until killed),
// GRANT_CRASH_ACCOUNTS (accounts per shard).
package main

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/twopc/crashtest"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "crashchild:", err)
		os.Exit(1)
	}
}

func run() error {
	d, err := dialect.Parse(os.Getenv("GRANT_CRASH_DIALECT"))
	if err != nil {
		return err
	}
	first, _ := strconv.ParseInt(os.Getenv("GRANT_CRASH_FIRST"), 10, 64)
	count, _ := strconv.Atoi(os.Getenv("GRANT_CRASH_COUNT"))
	accounts, _ := strconv.Atoi(os.Getenv("GRANT_CRASH_ACCOUNTS"))
	if accounts < 1 {
		accounts = 4
	}
	off := config.Duration(0)
	c, err := grant.NewConnector(crashtest.Cluster(d, os.Getenv("GRANT_CRASH_S0"), os.Getenv("GRANT_CRASH_S1"), &off))
	if err != nil {
		return err
	}
	db := sql.OpenDB(c)
	defer db.Close()
	for i := 0; count == 0 || i < count; i++ {
		from := int64(rand.IntN(accounts)) * 2 // an even account lives on s0
		to := int64(rand.IntN(accounts))*2 + 1 // an odd one on s1
		if rand.IntN(2) == 0 {
			from, to = to, from
		}
		err := crashtest.Transfer(context.Background(), db, d, first+int64(i), from, to, int64(1+rand.IntN(50)))
		if err != nil && count != 0 {
			return fmt.Errorf("transfer %d: %w", first+int64(i), err)
		}
	}
	return nil
}
