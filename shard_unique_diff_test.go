package grant_test

// Global uniqueness on sharded tables (issue 11, finding 4): a unique key
// without the shard key is unique per shard only, so an INSERT whose outcome
// depends on a conflict with an existing row (ON CONFLICT, ON DUPLICATE KEY
// UPDATE, INSERT IGNORE, REPLACE) could not see a conflicting row on
// another shard: `INSERT .. ON CONFLICT (id) DO NOTHING` reported 1 row
// where one database reports 0. Such statements are refused before they
// run; where every key the statement can conflict on contains the shard
// key, they run and answer exactly as one database.

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/sharding"
)

// uniqueSchema is the DDL of the uniqueness tests: uq_orders' primary key
// lacks the shard key (on SQLite it is the rowid), uq_lines' contains it,
// and uq_users' does but its unique email does not.
func uniqueSchema(d dialect.Dialect) []string {
	id := "id BIGINT PRIMARY KEY"
	if d == dialect.SQLite {
		id = "id INTEGER PRIMARY KEY"
	}
	return []string{
		"CREATE TABLE uq_orders (" + id + ", customer_id BIGINT NOT NULL, note VARCHAR(20))",
		"CREATE TABLE uq_lines (customer_id BIGINT NOT NULL, id BIGINT NOT NULL, sku VARCHAR(20), code VARCHAR(20), PRIMARY KEY (customer_id, id))",
		"CREATE TABLE uq_users (customer_id BIGINT NOT NULL, id BIGINT NOT NULL, email VARCHAR(40), PRIMARY KEY (customer_id, id), " +
			"CONSTRAINT uq_users_email UNIQUE (email))",
	}
}

// uniqueCase is one statement of the test: it must be refused (refused
// lists words of the refusal) or answer as the reference does.
type uniqueCase struct {
	sql     string
	args    []any
	refused []string
}

// uniqueCases are the statements of the test on d; customers 1 and 2 live
// on different shards.
func uniqueCases(d dialect.Dialect) []uniqueCase {
	common := []uniqueCase{
		{"INSERT INTO uq_lines (customer_id, id, sku) VALUES (?, ?, ?), (?, ?, ?)", []any{1, 5, "a", 2, 5, "b"}, nil},
	}
	switch d {
	case dialect.MySQL:
		return append(common, []uniqueCase{
			{"INSERT IGNORE INTO uq_orders (id, customer_id, note) VALUES (?, ?, ?)", []any{1, 2, "dup"},
				[]string{"table uq_orders", "INSERT IGNORE", "unique key PRIMARY (id)", "customer_id"}},
			{"INSERT INTO uq_orders (id, customer_id, note) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE note = VALUES(note)", []any{1, 2, "dup"},
				[]string{"table uq_orders", "ON DUPLICATE KEY UPDATE", "PRIMARY (id)"}},
			{"REPLACE INTO uq_orders (id, customer_id, note) VALUES (?, ?, ?)", []any{1, 2, "dup"}, []string{"table uq_orders", "REPLACE"}},
			{"INSERT IGNORE INTO uq_users (customer_id, id, email) VALUES (?, ?, ?)", []any{5, 1, "1@x"},
				[]string{"table uq_users", "INSERT IGNORE", "unique key uq_users_email (email)"}},
			{"INSERT IGNORE INTO uq_lines (customer_id, id, sku) VALUES (?, ?, ?), (?, ?, ?)", []any{1, 1, "dup", 2, 9, "new"}, nil},
			{"INSERT INTO uq_lines (customer_id, id, sku) VALUES (?, ?, ?), (?, ?, ?) ON DUPLICATE KEY UPDATE sku = VALUES(sku)",
				[]any{1, 1, "upd", 3, 9, "new"}, nil},
			{"REPLACE INTO uq_lines (customer_id, id, sku) VALUES (?, ?, ?)", []any{2, 1, "rep"}, nil},
		}...)
	case dialect.SQLite:
		common = append(common, []uniqueCase{
			{"INSERT OR IGNORE INTO uq_orders (id, customer_id, note) VALUES (?, ?, ?)", []any{1, 2, "dup"},
				[]string{"table uq_orders", "INSERT OR IGNORE", "PRIMARY KEY (id)"}},
			{"INSERT OR REPLACE INTO uq_orders (id, customer_id, note) VALUES (?, ?, ?)", []any{1, 2, "dup"}, []string{"INSERT OR REPLACE"}},
			{"INSERT OR IGNORE INTO uq_lines (customer_id, id, sku) VALUES (?, ?, ?), (?, ?, ?)", []any{1, 1, "dup", 2, 9, "new"}, nil},
			{"REPLACE INTO uq_lines (customer_id, id, sku) VALUES (?, ?, ?)", []any{2, 1, "rep"}, nil},
		}...)
	case dialect.Postgres:
		common = append(common, []uniqueCase{
			{"INSERT INTO uq_lines (customer_id, id, sku) VALUES (?, ?, ?) ON CONFLICT ON CONSTRAINT uq_lines_pkey DO NOTHING", []any{3, 1, "dup"}, nil},
			{"INSERT INTO uq_orders (id, customer_id, note) VALUES (?, ?, ?) ON CONFLICT ON CONSTRAINT uq_orders_pkey DO NOTHING", []any{1, 2, "dup"},
				[]string{"ON CONFLICT ON CONSTRAINT uq_orders_pkey", "unique key uq_orders_pkey (id)"}},
		}...)
	}
	// PostgreSQL and SQLite.
	return append(common, []uniqueCase{
		// Finding 4: one database reports 0 rows, and the row is not added.
		{"INSERT INTO uq_orders (id, customer_id, note) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING", []any{1, 2, "dup"},
			[]string{"table uq_orders", "ON CONFLICT (id)", "shard key customer_id"}},
		{"INSERT INTO uq_orders (id, customer_id, note) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET note = excluded.note", []any{2, 1, "dup"},
			[]string{"ON CONFLICT (id)"}},
		{"INSERT INTO uq_lines (customer_id, id, sku) VALUES (?, ?, ?) ON CONFLICT (customer_id, id) DO NOTHING", []any{1, 1, "dup"}, nil},
		{"INSERT INTO uq_lines (customer_id, id, sku) VALUES (?, ?, ?) ON CONFLICT (customer_id, id) DO NOTHING", []any{1, 9, "new"}, nil},
		{"INSERT INTO uq_lines (customer_id, id, sku) VALUES (?, ?, ?), (?, ?, ?) ON CONFLICT (customer_id, id) DO UPDATE SET sku = excluded.sku",
			[]any{1, 1, "upd", 3, 7, "new"}, nil},
		{"INSERT INTO uq_lines (customer_id, id, sku) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", []any{2, 1, "dup"}, nil},
		{"INSERT INTO uq_users (customer_id, id, email) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", []any{5, 1, "1@x"},
			[]string{"table uq_users", "ON CONFLICT without a conflict target", "(email)"}},
		{"INSERT INTO uq_users (customer_id, id, email) VALUES (?, ?, ?) ON CONFLICT (customer_id, id) DO NOTHING", []any{1, 1, "z@x"}, nil},
	}...)
}

// TestShardUniqueConflicts runs the conflict cases through Grant over 2 and
// 4 shards and on one reference database, per dialect: refused where a
// conflicting row could live on another shard, the same rows affected and
// the same rows otherwise; after DDL through Grant adds a unique key
// without the shard key, the statements it makes ambiguous are refused.
func TestShardUniqueConflicts(t *testing.T) {
	forEachDialect(t, func(t *testing.T, tg target) {
		for _, n := range []int{2, 4} {
			t.Run(fmt.Sprintf("N=%d", n), func(t *testing.T) {
				ic := newIDCluster(t, tg, n, "u", shardedBy(n, []string{"uq_orders", "uq_lines", "uq_users"}, nil))
				testUniqueConflicts(t, ic)
			})
		}
	})
}

func testUniqueConflicts(t *testing.T, ic *idCluster) {
	ctx := context.Background()
	ic.both(t, uniqueSchema(ic.d)...)
	for c := 1; c <= 4; c++ {
		ic.both(t,
			fmt.Sprintf("INSERT INTO uq_orders (id, customer_id, note) VALUES (%d, %d, 'o%d')", c, c, c),
			fmt.Sprintf("INSERT INTO uq_lines (customer_id, id, sku) VALUES (%d, 1, 's%d'), (%d, 2, 't%d')", c, c, c, c),
			fmt.Sprintf("INSERT INTO uq_users (customer_id, id, email) VALUES (%d, 1, '%d@x')", c, c))
	}
	run := func(t *testing.T, cases []uniqueCase) {
		t.Helper()
		for _, c := range cases {
			q := ic.bind(c.sql)
			if c.refused == nil {
				want := execAffected(t, ctx, ic.ref, q, c.args...)
				assert.Equal(t, want, execAffected(t, ctx, ic.db, q, c.args...), "rows affected by %s %v", q, c.args)
				continue
			}
			_, err := ic.db.ExecContext(ctx, q, c.args...)
			if !assert.ErrorIs(t, err, sharding.ErrRefused, q) {
				continue
			}
			var re *sharding.RefusedError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, q, re.Statement, "the refusal names the statement")
			for _, w := range c.refused {
				assert.Contains(t, err.Error(), w, q)
			}
		}
		for _, tbl := range []string{"uq_orders", "uq_lines", "uq_users"} {
			q := "SELECT * FROM " + tbl + " ORDER BY customer_id, id"
			want, err := runQuery(ctx, ic.ref, q)
			require.NoError(t, err)
			got, err := runQuery(ctx, ic.db, q)
			require.NoError(t, err)
			compareResults(t, q, got, want, ord)
		}
	}
	run(t, uniqueCases(ic.d))

	// DDL through Grant adds a unique key without the shard key: Grant
	// reads the keys again, and what they make ambiguous is refused.
	addSKU := map[dialect.Dialect]string{
		dialect.Postgres: "ALTER TABLE uq_lines ADD CONSTRAINT uq_lines_code UNIQUE (code)",
		dialect.MySQL:    "ALTER TABLE uq_lines ADD CONSTRAINT uq_lines_code UNIQUE (code)",
		dialect.SQLite:   "CREATE UNIQUE INDEX uq_lines_code ON uq_lines (code)",
	}[ic.d]
	ic.both(t, addSKU)
	ambiguous := uniqueCase{"INSERT INTO uq_lines (customer_id, id, code) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", []any{4, 8, "c1"},
		[]string{"uq_lines_code (code)"}}
	exact := uniqueCase{"INSERT INTO uq_lines (customer_id, id, sku) VALUES (?, ?, ?) ON CONFLICT (customer_id, id) DO NOTHING", []any{4, 1, "zz"}, nil}
	if ic.d == dialect.MySQL {
		ambiguous.sql = "INSERT IGNORE INTO uq_lines (customer_id, id, code) VALUES (?, ?, ?)"
		exact = uniqueCase{"INSERT INTO uq_lines (customer_id, id, code) VALUES (?, ?, ?)", []any{4, 8, "c8"}, nil}
	}
	run(t, []uniqueCase{ambiguous, exact})
	if ic.d == dialect.SQLite {
		return // DROP INDEX names no table: a sharded cluster refuses it
	}
	ic.both(t, "ALTER TABLE uq_lines DROP "+map[dialect.Dialect]string{dialect.Postgres: "CONSTRAINT", dialect.MySQL: "INDEX"}[ic.d]+" uq_lines_code")
	ambiguous.args, ambiguous.refused = []any{4, 9, "c1"}, nil
	run(t, []uniqueCase{ambiguous})
}
