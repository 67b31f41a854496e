// Package crashtest is the bank workload of the two-phase commit crash
// tests: transfers between accounts on two shards, each recorded by a
// ledger row on both, and the invariants a crash must not break. The
// coordinator processes (crashchild) and the tests share it.
package crashtest

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/sharding"
)

// Balance is every account's opening balance.
const Balance = 1000

// Cluster is the configuration of the two shards: accounts and ledger
// sharded by account modulo 2 (an even account on s0, an odd one on s1),
// two-phase commit on, background recovery every recovery (nil: the
// default; 0: off).
func Cluster(d dialect.Dialect, s0, s1 string, recovery *config.Duration) *grant.Config {
	return &grant.Config{Dialect: d, DefaultDatabase: "s0",
		Databases: map[string]*config.Database{"s0": {Primary: s0}, "s1": {Primary: s1}},
		Health:    config.Health{Disabled: true},
		Sharding: &sharding.Config{
			Resolvers: map[string]sharding.Spec{"by_account": {Type: "modulo", Databases: []string{"s0", "s1"}}},
			Tables: map[string]sharding.TableConfig{
				"accounts": {Key: "id", Resolver: "by_account"},
				"ledger":   {Key: "account", Resolver: "by_account"},
			},
		},
		Transactions: config.Transactions{RecoveryInterval: recovery},
	}
}

// Setup creates the tables on both shards through db (Grant) and opens
// accounts 0 .. 2*perShard-1 with Balance each.
func Setup(ctx context.Context, db *sql.DB, perShard int) error {
	for _, q := range []string{
		"CREATE TABLE accounts (id BIGINT PRIMARY KEY, balance BIGINT NOT NULL)",
		"CREATE TABLE ledger (transfer_id BIGINT NOT NULL, account BIGINT NOT NULL, delta BIGINT NOT NULL, PRIMARY KEY (transfer_id, account))",
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	for i := range 2 * perShard {
		if _, err := db.ExecContext(ctx, "INSERT INTO accounts (id, balance) VALUES ("+strconv.Itoa(i)+", "+strconv.Itoa(Balance)+")"); err != nil {
			return err
		}
	}
	return nil
}

// Transfer moves amount between two accounts in one transaction writing
// to both shards, with a ledger row on each.
func Transfer(ctx context.Context, db *sql.DB, d dialect.Dialect, id, from, to, amount int64) error {
	ph := func(i int) string { return "?" }
	if d == dialect.Postgres {
		ph = func(i int) string { return "$" + strconv.Itoa(i) }
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, leg := range [][2]int64{{from, -amount}, {to, amount}} {
		if _, err := tx.ExecContext(ctx, "UPDATE accounts SET balance = balance + "+ph(1)+" WHERE id = "+ph(2), leg[1], leg[0]); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO ledger (transfer_id, account, delta) VALUES ("+ph(1)+", "+ph(2)+", "+ph(3)+")",
			id, leg[0], leg[1]); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// Check verifies the invariants on the shards, read directly: the total
// balance is unchanged, every transfer has both ledger rows or none, and
// every balance is its opening balance plus its ledger rows. It returns
// the transfers that committed.
func Check(ctx context.Context, shards []*sql.DB, accounts int) (map[int64]bool, error) {
	var total int64
	legs := map[int64]int{}
	sums := map[int64]int64{}
	for _, s := range shards {
		rows, err := s.QueryContext(ctx, "SELECT transfer_id, account, delta FROM ledger")
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id, acct, delta int64
			if err := rows.Scan(&id, &acct, &delta); err != nil {
				rows.Close()
				return nil, err
			}
			legs[id]++
			sums[acct] += delta
		}
		rows.Close()
		rows, err = s.QueryContext(ctx, "SELECT id, balance FROM accounts")
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id, bal int64
			if err := rows.Scan(&id, &bal); err != nil {
				rows.Close()
				return nil, err
			}
			total += bal
			if bal != Balance+sums[id] {
				rows.Close()
				return nil, fmt.Errorf("account %d holds %d, but its ledger says %d", id, bal, Balance+sums[id])
			}
		}
		rows.Close()
	}
	if want := int64(accounts * Balance); total != want {
		return nil, fmt.Errorf("total balance %d, want %d: money was created or lost", total, want)
	}
	done := map[int64]bool{}
	for id, n := range legs {
		if n != 2 {
			return nil, fmt.Errorf("transfer %d has %d of its 2 ledger rows: half committed", id, n)
		}
		done[id] = true
	}
	return done, nil
}
