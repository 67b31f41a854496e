package compat_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
)

// The migration tests run goose and golang-migrate through Grant over two
// shards, s0 (the default database) and s1: mig_orders is sharded by
// customer_id modulo 2, mig_countries is broadcast, and every other table
// (mig_notes, the tools' version tables) lives in s0.

// migrationTargets are the dialects the migration tests run on.
var migrationTargets = []target{{dialect.SQLite}, {dialect.Postgres}}

// forMigrationDialects runs fn as a subtest per dialect of migrationTargets.
func forMigrationDialects(t *testing.T, fn func(t *testing.T, tg target)) {
	for _, tg := range migrationTargets {
		t.Run(tg.dialect.String(), func(t *testing.T) { fn(t, tg) })
	}
}

// openMigrationCluster opens Grant over two new databases (see
// openShardSet; kind makes their names unique) with mig_orders sharded and
// mig_countries broadcast.
func openMigrationCluster(t *testing.T, tg target, kind string) *shardSet {
	t.Helper()
	sh := moduloSharding(2, map[string]string{"mig_orders": "customer_id"})
	sh.Broadcast = []string{"mig_countries"}
	return openShardSet(t, tg, kind, 2, sh)
}

// catalog lists what one database holds, read through its real driver.
type catalog struct {
	tg target
	db *sql.DB
}

// names runs q (one text column per row) and returns the values.
func (c catalog) names(t *testing.T, q string, args ...any) []string {
	t.Helper()
	rows, err := c.db.QueryContext(context.Background(), q, args...)
	require.NoError(t, err)
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var s string
		require.NoError(t, rows.Scan(&s))
		out = append(out, s)
	}
	require.NoError(t, rows.Err())
	return out
}

// tables returns the names of the database's tables, without Grant's own
// (grant_*, such as its two-phase commit log).
func (c catalog) tables(t *testing.T) []string {
	if c.tg.dialect == dialect.Postgres {
		return c.names(t, `SELECT tablename FROM pg_tables WHERE schemaname = current_schema()
			AND tablename NOT LIKE 'grant\_%'`)
	}
	return c.names(t, `SELECT name FROM sqlite_master WHERE type = 'table'
		AND name NOT LIKE 'sqlite\_%' ESCAPE '\' AND name NOT LIKE 'grant\_%' ESCAPE '\'`)
}

// indexes returns the names of the indexes of table, without those of its
// primary key.
func (c catalog) indexes(t *testing.T, table string) []string {
	if c.tg.dialect == dialect.Postgres {
		return c.names(t, `SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1
			AND indexname <> $1 || '_pkey'`, table)
	}
	return c.names(t, `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL`, table)
}

// columns returns the column names of table in their order.
func (c catalog) columns(t *testing.T, table string) []string {
	if c.tg.dialect == dialect.Postgres {
		return c.names(t, `SELECT column_name FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`, table)
	}
	return c.names(t, `SELECT name FROM pragma_table_info(?) ORDER BY cid`, table)
}

// catalogs returns a catalog per shard of ss, s0 first.
func (ss *shardSet) catalogs(tg target) []catalog {
	var out []catalog
	for _, db := range ss.shards {
		out = append(out, catalog{tg: tg, db: db})
	}
	return out
}

// layout is what the migration tests expect on each shard: its tables, and
// the indexes and columns of some of them.
type layout struct {
	tables  [2][]string
	indexes map[string][]string // per table, on every shard holding it
	columns map[string][]string // per table, on every shard holding it
}

// assertLayout checks that every shard of ss holds exactly the tables of
// want, with the indexes and columns it lists.
func assertLayout(t *testing.T, tg target, ss *shardSet, want layout) {
	t.Helper()
	for i, c := range ss.catalogs(tg) {
		got := c.tables(t)
		assert.ElementsMatch(t, want.tables[i], got, "tables of s%d", i)
		for table, idx := range want.indexes {
			if contains(got, table) {
				assert.ElementsMatch(t, idx, c.indexes(t, table), "indexes of %s on s%d", table, i)
			}
		}
		for table, cols := range want.columns {
			if contains(got, table) {
				assert.Equal(t, cols, c.columns(t, table), "columns of %s on s%d", table, i)
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// assertMigratedData checks the rows the migrations wrote: the two countries
// on every shard, each order on the shard of its customer, the note in the
// default database only.
func assertMigratedData(t *testing.T, tg target, ss *shardSet) {
	t.Helper()
	for i, c := range ss.catalogs(tg) {
		assert.Equal(t, []string{"France", "Japan"}, c.names(t, `SELECT name FROM mig_countries ORDER BY code`), "countries on s%d", i)
		var want []string
		for id := 1; id <= 3; id++ {
			if id%2 == i {
				want = append(want, fmt.Sprint(id))
			}
		}
		assert.Equal(t, want, c.names(t, `SELECT CAST(id AS VARCHAR(20)) FROM mig_orders ORDER BY id`), "orders on s%d", i)
	}
	assert.Equal(t, []string{"orders are sharded by customer_id"},
		ss.catalogs(tg)[0].names(t, `SELECT body FROM mig_notes`), "notes on s0")
	// Through Grant, the sharded table reads as one.
	var n, sum int64
	require.NoError(t, ss.grant.QueryRowContext(context.Background(),
		`SELECT count(*), sum(total) FROM mig_orders`).Scan(&n, &sum))
	assert.Equal(t, []int64{3, 60}, []int64{n, sum}, "orders through Grant")
}
