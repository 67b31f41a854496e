package compat_test

import (
	"context"
	"database/sql"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/dialect"
)

// gooseDialect is goose's name for tg's dialect.
func gooseDialect(tg target) goose.Dialect {
	if tg.dialect == dialect.Postgres {
		return goose.DialectPostgres
	}
	return goose.DialectSQLite3
}

// gooseIndexMigration is version 5, a Go migration: its Up is one statement
// that Grant runs on every shard; its Down drops the index shard by shard
// with grant.UseShard, since DROP INDEX names no table and would otherwise
// run on the default database only.
func gooseIndexMigration(shards []string) *goose.Migration {
	up := func(ctx context.Context, db *sql.DB) error {
		_, err := db.ExecContext(ctx, `CREATE INDEX mig_orders_total ON mig_orders (total)`)
		return err
	}
	down := func(ctx context.Context, db *sql.DB) error {
		for _, s := range shards {
			if _, err := db.ExecContext(grant.UseShard(ctx, s), `DROP INDEX mig_orders_total`); err != nil {
				return err
			}
		}
		return nil
	}
	return goose.NewGoMigration(5, &goose.GoFunc{RunDB: up}, &goose.GoFunc{RunDB: down})
}

// migratedLayout is the layout after every migration of testdata (goose's
// or golang-migrate's, whose version table is versionTable).
func migratedLayout(versionTable string, orderIndexes ...string) layout {
	return layout{
		tables: [2][]string{
			{"mig_orders", "mig_countries", "mig_notes", versionTable},
			{"mig_orders", "mig_countries"},
		},
		indexes: map[string][]string{"mig_orders": orderIndexes},
		columns: map[string][]string{"mig_orders": {"id", "customer_id", "total", "note"}},
	}
}

// TestGoose runs goose's migrations of testdata/goose (NO TRANSACTION where
// they touch a sharded or broadcast table) and a Go migration up and down
// through Grant over two shards.
func TestGoose(t *testing.T) {
	t.Parallel()
	forMigrationDialects(t, func(t *testing.T, tg target) {
		ctx := context.Background()
		ss := openMigrationCluster(t, tg, "goose")
		p, err := goose.NewProvider(gooseDialect(tg), ss.grant, os.DirFS("testdata/goose"),
			goose.WithGoMigrations(gooseIndexMigration([]string{"s0", "s1"})))
		require.NoError(t, err)

		res, err := p.Up(ctx)
		require.NoError(t, err)
		assert.Len(t, res, 5)
		assertLayout(t, tg, ss, migratedLayout("goose_db_version", "mig_orders_customer", "mig_orders_total"))
		assertMigratedData(t, tg, ss)
		v, err := p.GetDBVersion(ctx)
		require.NoError(t, err)
		assert.EqualValues(t, 5, v)

		res, err = p.DownTo(ctx, 0)
		require.NoError(t, err)
		assert.Len(t, res, 5)
		assertLayout(t, tg, ss, layout{tables: [2][]string{{"goose_db_version"}, {}}})
		v, err = p.GetDBVersion(ctx)
		require.NoError(t, err)
		assert.EqualValues(t, 0, v)

		// The down migrations left nothing behind: up again from scratch.
		_, err = p.Up(ctx)
		require.NoError(t, err)
		assertLayout(t, tg, ss, migratedLayout("goose_db_version", "mig_orders_customer", "mig_orders_total"))
		assertMigratedData(t, tg, ss)
	})
}

// withoutNoTransaction returns the SQL migrations of testdata/goose without
// their "-- +goose NO TRANSACTION" lines: goose's defaults.
func withoutNoTransaction(t *testing.T) fstest.MapFS {
	t.Helper()
	out := fstest.MapFS{}
	files, err := fs.Glob(os.DirFS("testdata/goose"), "*.sql")
	require.NoError(t, err)
	for _, f := range files {
		b, err := os.ReadFile("testdata/goose/" + f)
		require.NoError(t, err)
		text := strings.ReplaceAll(string(b), "-- +goose NO TRANSACTION\n", "")
		require.NotContains(t, text, "NO TRANSACTION")
		out[f] = &fstest.MapFile{Data: []byte(text)}
	}
	return out
}

// TestGooseTransactions runs the migrations without their NO TRANSACTION
// annotations: goose's default, one transaction per migration, whose DDL
// on a sharded or broadcast table writes to both databases. On PostgreSQL
// Grant commits such a transaction with two-phase commit (the DDL of both
// shards and goose's version row commit as one); SQLite has no two-phase
// commit, so Grant refuses the migration before anything runs, and goose's
// provider option WithIsolateDDL, which runs every migration outside a
// transaction, makes the same files work.
func TestGooseTransactions(t *testing.T) {
	t.Parallel()
	forMigrationDialects(t, func(t *testing.T, tg target) {
		ctx := context.Background()
		ss := openMigrationCluster(t, tg, "goosetx")
		fsys := withoutNoTransaction(t)

		p, err := goose.NewProvider(gooseDialect(tg), ss.grant, fsys)
		require.NoError(t, err)
		_, err = p.Up(ctx)
		if tg.dialect == dialect.SQLite {
			require.ErrorIs(t, err, grant.ErrCrossShardWrite)
			var partial *goose.PartialError
			require.ErrorAs(t, err, &partial)
			assert.EqualValues(t, 1, partial.Failed.Source.Version)
			assertLayout(t, tg, ss, layout{tables: [2][]string{{"goose_db_version"}, {}}})

			p, err = goose.NewProvider(gooseDialect(tg), ss.grant, fsys, goose.WithIsolateDDL(true))
			require.NoError(t, err)
			_, err = p.Up(ctx)
		}
		require.NoError(t, err)
		assertLayout(t, tg, ss, migratedLayout("goose_db_version", "mig_orders_customer"))
		assertMigratedData(t, tg, ss)
		_, err = p.DownTo(ctx, 0)
		require.NoError(t, err)
		assertLayout(t, tg, ss, layout{tables: [2][]string{{"goose_db_version"}, {}}})
	})
}

// TestGoosePostgresSessionLocker runs the migrations under goose's
// PostgreSQL session lock: pg_try_advisory_lock pins goose's connection to
// the default database, and the DDL of sharded tables on that connection
// still reaches every shard.
func TestGoosePostgresSessionLocker(t *testing.T) {
	t.Parallel()
	tg := target{dialect.Postgres}
	ctx := context.Background()
	ss := openMigrationCluster(t, tg, "gooselock")
	locker, err := lock.NewPostgresSessionLocker()
	require.NoError(t, err)
	p, err := goose.NewProvider(goose.DialectPostgres, ss.grant, os.DirFS("testdata/goose"),
		goose.WithSessionLocker(locker), goose.WithGoMigrations(gooseIndexMigration([]string{"s0", "s1"})))
	require.NoError(t, err)
	_, err = p.Up(ctx)
	require.NoError(t, err)
	assertLayout(t, tg, ss, migratedLayout("goose_db_version", "mig_orders_customer", "mig_orders_total"))
	assertMigratedData(t, tg, ss)
	var locks int
	require.NoError(t, ss.shards[0].QueryRowContext(ctx,
		`SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`).Scan(&locks))
	assert.Zero(t, locks, "the session lock is released")
	_, err = p.DownTo(ctx, 0)
	require.NoError(t, err)
	assertLayout(t, tg, ss, layout{tables: [2][]string{{"goose_db_version"}, {}}})
}
