package txn_test

// The same scenarios through the grant driver: every eachBackend test also
// runs on a one-database Grant cluster of each dialect.

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/testenv"
	"github.com/grantsql/grant/sharding"
	"github.com/grantsql/grant/txn"
)

func init() {
	extraBackends = append(extraBackends,
		backend{name: "grant-sqlite", ph: qmark, open: func(t testing.TB) (*sql.DB, string) {
			return openGrant(t, dialect.SQLite, sqliteDSN(t, "app.db"))
		}},
		backend{name: "grant-postgres", ph: dollar, open: func(t testing.TB) (*sql.DB, string) {
			return openGrant(t, dialect.Postgres, testenv.PostgresDSN(t))
		}},
		backend{name: "grant-mariadb", ph: qmark, open: func(t testing.TB) (*sql.DB, string) {
			return openGrant(t, dialect.MySQL, testenv.MySQLDSN(t))
		}},
	)
}

func sqliteDSN(t testing.TB, file string) string {
	return "file:" + filepath.Join(t.TempDir(), file) + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)"
}

// openGrant opens a cluster of one database, its primary at dsn.
func openGrant(t testing.TB, d dialect.Dialect, dsn string) (*sql.DB, string) {
	t.Helper()
	c, err := grant.NewConnector(&grant.Config{
		Dialect:   d,
		Databases: map[string]*config.Database{"main": {Primary: dsn}},
	})
	require.NoError(t, err)
	return withTable(t, sql.OpenDB(c))
}

// openShards opens a SQLite cluster of two databases, s0 and s1, with the
// table orders spread over them by customer_id modulo 2.
func openShards(t *testing.T) *sql.DB {
	t.Helper()
	return openShardsOn(t, dialect.SQLite, "")
}

// openShardsOn opens a cluster of two new databases, s0 and s1, on the
// server of adminDSN (SQLite: two files), with the table orders spread over
// them by customer_id modulo 2.
func openShardsOn(t *testing.T, d dialect.Dialect, adminDSN string) *sql.DB {
	t.Helper()
	dbs := map[string]*config.Database{}
	for _, s := range []string{"s0", "s1"} {
		dsn := sqliteDSN(t, s+".db")
		if d != dialect.SQLite {
			dsn = testenv.Database(t, d, adminDSN, "grant_test_txn_"+s)
		}
		dbs[s] = &config.Database{Primary: dsn}
	}
	c, err := grant.NewConnector(&grant.Config{
		Dialect:         d,
		Databases:       dbs,
		DefaultDatabase: "s0",
		Sharding: &sharding.Config{
			Resolvers: map[string]sharding.Spec{"by_customer": {Type: "modulo", Databases: []string{"s0", "s1"}}},
			Tables:    map[string]sharding.TableConfig{"orders": {Key: "customer_id", Resolver: "by_customer"}},
		},
	})
	require.NoError(t, err)
	db := sql.OpenDB(c)
	t.Cleanup(func() { db.Close() })
	_, err = db.Exec(`CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL)`)
	require.NoError(t, err)
	return db
}

func orders(t *testing.T, q execer) []string {
	t.Helper()
	rows, err := q.QueryContext(context.Background(), `SELECT id, customer_id FROM orders ORDER BY id`)
	require.NoError(t, err)
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var id, customer int
		require.NoError(t, rows.Scan(&id, &customer))
		out = append(out, fmt.Sprintf("%d/%d", id, customer))
	}
	require.NoError(t, rows.Err())
	return out
}

// A savepoint of a sharded transaction covers every database it reaches,
// also one it reaches only after the savepoint was set.
func TestGrantShardedNestedRun(t *testing.T) {
	ctx := context.Background()
	db := openShards(t)
	rec := newRecorder()
	err := txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO orders (id, customer_id) VALUES (1, 0)`) // s0
		require.NoError(t, err)
		err = txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
			txn.AfterRollback(ctx, rec.add("savepoint rolled back"))
			var n int
			// s1 joins the transaction inside the savepoint.
			require.NoError(t, tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM orders WHERE customer_id = 1`).Scan(&n))
			_, err := tx.ExecContext(ctx, `INSERT INTO orders (id, customer_id) VALUES (2, 2)`) // s0
			require.NoError(t, err)
			return errBoom
		})
		require.ErrorIs(t, err, errBoom)
		assert.Equal(t, []string{"savepoint rolled back"}, rec.got())
		require.NoError(t, txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
			txn.AfterCommit(ctx, rec.add("committed"))
			_, err := tx.ExecContext(ctx, `INSERT INTO orders (id, customer_id) VALUES (3, 4)`) // s0
			return err
		}))
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"1/0", "3/4"}, orders(t, db))
	assert.Equal(t, []string{"committed"}, rec.got())
}

// A transaction that writes to two databases: SQLite cannot prepare, so
// Grant refuses the second write before it runs and nothing commits;
// PostgreSQL and MariaDB commit it in two phases, nested Runs included.
func TestGrantRunAcrossShards(t *testing.T) {
	run := func(db *sql.DB) error {
		return txn.Run(context.Background(), db, func(ctx context.Context, tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO orders (id, customer_id) VALUES (1, 0)`); err != nil {
				return err
			}
			return txn.Run(ctx, db, func(ctx context.Context, tx *sql.Tx) error {
				_, err := tx.ExecContext(ctx, `INSERT INTO orders (id, customer_id) VALUES (2, 1)`)
				return err
			})
		})
	}
	t.Run("sqlite", func(t *testing.T) {
		db := openShards(t)
		err := run(db)
		require.ErrorIs(t, err, grant.ErrCrossShardWrite)
		assert.Empty(t, orders(t, db), "nothing committed")
	})
	for _, tc := range []struct {
		d   dialect.Dialect
		dsn func(testing.TB) string
	}{{dialect.Postgres, testenv.PostgresDSN}, {dialect.MySQL, testenv.MySQLDSN}} {
		t.Run(tc.d.String(), func(t *testing.T) {
			db := openShardsOn(t, tc.d, tc.dsn(t))
			require.NoError(t, run(db))
			assert.Equal(t, []string{"1/0", "2/1"}, orders(t, db))
		})
	}
}
