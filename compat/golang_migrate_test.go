package compat_test

import (
	"database/sql"
	"errors"
	"io/fs"
	"os"
	"testing"
	"testing/fstest"

	"github.com/golang-migrate/migrate/v4"
	"github.com/golang-migrate/migrate/v4/database"
	pgx5 "github.com/golang-migrate/migrate/v4/database/pgx/v5"
	"github.com/golang-migrate/migrate/v4/database/postgres"
	"github.com/golang-migrate/migrate/v4/database/sqlite"
	"github.com/golang-migrate/migrate/v4/source/iofs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/sharding"
)

// migrateDriver builds golang-migrate's database driver over an existing
// *sql.DB.
type migrateDriver struct {
	name string
	open func(db *sql.DB) (database.Driver, error)
}

// sqliteNoTx is golang-migrate's SQLite driver (modernc.org/sqlite) with
// NoTxWrap: without it each migration runs in a transaction, which Grant
// refuses for DDL on a sharded or broadcast table.
var sqliteNoTx = migrateDriver{"sqlite", func(db *sql.DB) (database.Driver, error) {
	return sqlite.WithInstance(db, &sqlite.Config{NoTxWrap: true})
}}

// migrateDrivers are the drivers run per dialect: for PostgreSQL both the
// lib/pq-based "postgres" driver and the "pgx5" one, given Grant's *sql.DB.
func migrateDrivers(tg target) []migrateDriver {
	if tg.dialect != dialect.Postgres {
		return []migrateDriver{sqliteNoTx}
	}
	return []migrateDriver{
		{"postgres", func(db *sql.DB) (database.Driver, error) { return postgres.WithInstance(db, &postgres.Config{}) }},
		{"pgx5", func(db *sql.DB) (database.Driver, error) { return pgx5.WithInstance(db, &pgx5.Config{}) }},
	}
}

// newMigrate opens golang-migrate on Grant's *sql.DB with the migrations of
// fsys; it is closed (and with it the *sql.DB) when t ends.
func newMigrate(t *testing.T, db *sql.DB, drv migrateDriver, fsys fs.FS) *migrate.Migrate {
	t.Helper()
	d, err := drv.open(db)
	require.NoError(t, err)
	src, err := iofs.New(fsys, ".")
	require.NoError(t, err)
	m, err := migrate.NewWithInstance("iofs", src, drv.name, d)
	require.NoError(t, err)
	t.Cleanup(func() { m.Close() })
	return m
}

// migrateCause returns the driver's error inside golang-migrate's
// database.Error, which has no Unwrap.
func migrateCause(err error) error {
	var byValue database.Error
	if errors.As(err, &byValue) {
		return byValue.OrigErr
	}
	var byPointer *database.Error
	if errors.As(err, &byPointer) {
		return byPointer.OrigErr
	}
	return err
}

// TestGolangMigrate runs golang-migrate's migrations of testdata/migrate
// (one statement per file on sharded and broadcast tables) up, down and up
// again through Grant over two shards.
func TestGolangMigrate(t *testing.T) {
	t.Parallel()
	forMigrationDialects(t, func(t *testing.T, tg target) {
		for _, drv := range migrateDrivers(tg) {
			t.Run(drv.name, func(t *testing.T) {
				ss := openMigrationCluster(t, tg, "gm"+drv.name)
				m := newMigrate(t, ss.grant, drv, os.DirFS("testdata/migrate"))

				require.NoError(t, m.Up())
				assertLayout(t, tg, ss, migratedLayout("schema_migrations", "mig_orders_customer"))
				assertMigratedData(t, tg, ss)
				v, dirty, err := m.Version()
				require.NoError(t, err)
				assert.Equal(t, []any{uint(7), false}, []any{v, dirty})

				require.NoError(t, m.Down())
				assertLayout(t, tg, ss, layout{tables: [2][]string{{"schema_migrations"}, {}}})
				_, _, err = m.Version()
				require.ErrorIs(t, err, migrate.ErrNilVersion)

				require.NoError(t, m.Up())
				assertLayout(t, tg, ss, migratedLayout("schema_migrations", "mig_orders_customer"))
				assertMigratedData(t, tg, ss)
			})
		}
	})
}

// ordersInOneFile is a migration creating the sharded table and its index in
// one file: two statements in one text.
var ordersInOneFile = fstest.MapFS{
	"1_orders.up.sql": {Data: []byte(`CREATE TABLE mig_orders (id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL, total BIGINT NOT NULL);
CREATE INDEX mig_orders_customer ON mig_orders (customer_id);
`)},
	"1_orders.down.sql": {Data: []byte(`DROP TABLE mig_orders;`)},
}

// TestGolangMigrateRefusals shows the two settings Grant needs, and what
// happens without them: SQLite's default transaction around each migration
// is refused (ErrCrossShardWrite), and a file of several statements on a
// sharded table is refused (sharding.ErrRefused) unless the PostgreSQL
// driver splits it (MultiStatementEnabled, x-multi-statement=true in a URL).
// Nothing runs on any shard when a migration is refused; golang-migrate
// marks the version dirty, and Force clears it.
func TestGolangMigrateRefusals(t *testing.T) {
	t.Parallel()
	t.Run("sqlite_tx_wrap", func(t *testing.T) {
		tg := target{dialect.SQLite}
		ss := openMigrationCluster(t, tg, "gmtx")
		wrapped := migrateDriver{"sqlite", func(db *sql.DB) (database.Driver, error) {
			return sqlite.WithInstance(db, &sqlite.Config{})
		}}
		m := newMigrate(t, ss.grant, wrapped, os.DirFS("testdata/migrate"))
		err := m.Up()
		require.ErrorIs(t, migrateCause(err), grant.ErrCrossShardWrite)
		assertLayout(t, tg, ss, layout{tables: [2][]string{{"schema_migrations"}, {}}})
		v, dirty, err := m.Version()
		require.NoError(t, err)
		assert.Equal(t, []any{uint(1), true}, []any{v, dirty})

		require.NoError(t, m.Force(database.NilVersion))
		m = newMigrate(t, ss.grant, sqliteNoTx, os.DirFS("testdata/migrate"))
		require.NoError(t, m.Up())
		assertLayout(t, tg, ss, migratedLayout("schema_migrations", "mig_orders_customer"))
	})
	forMigrationDialects(t, func(t *testing.T, tg target) {
		t.Run("multi_statement", func(t *testing.T) {
			ss := openMigrationCluster(t, tg, "gmms")
			m := newMigrate(t, ss.grant, migrateDrivers(tg)[0], ordersInOneFile)
			err := m.Up()
			require.ErrorIs(t, migrateCause(err), sharding.ErrRefused)
			assertLayout(t, tg, ss, layout{tables: [2][]string{{"schema_migrations"}, {}}})
			if tg.dialect != dialect.Postgres {
				return
			}
			require.NoError(t, m.Force(database.NilVersion))
			split := migrateDriver{"postgres", func(db *sql.DB) (database.Driver, error) {
				return postgres.WithInstance(db, &postgres.Config{MultiStatementEnabled: true})
			}}
			m = newMigrate(t, ss.grant, split, ordersInOneFile)
			require.NoError(t, m.Up())
			for i, c := range ss.catalogs(tg) {
				assert.Equal(t, []string{"mig_orders_customer"}, c.indexes(t, "mig_orders"), "s%d", i)
			}
			require.NoError(t, m.Down())
			assertLayout(t, tg, ss, layout{tables: [2][]string{{"schema_migrations"}, {}}})
		})
	})
}
