package grant_test

import (
	"context"
	"database/sql"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/testenv"
	"github.com/grantsql/grant/locking"
)

// lockBench is one server opened raw and through Grant (with lock_version
// as the version column), and a table of 100 rows with a version column.
type lockBench struct {
	raw, gr *sql.DB
	ph      func(int) string
}

func openLockBench(b *testing.B, d dialect.Dialect) lockBench {
	var driverName, dsn string
	lb := lockBench{ph: qmark}
	switch d {
	case dialect.Postgres:
		if os.Getenv(testenv.PostgresVar) == "" {
			b.Skipf("%s is not set", testenv.PostgresVar)
		}
		driverName, dsn, lb.ph = "pgx", testenv.PostgresDSN(b), dollar
	case dialect.MySQL:
		if os.Getenv(testenv.MySQLVar) == "" {
			b.Skipf("%s is not set", testenv.MySQLVar)
		}
		driverName, dsn = "mysql", testenv.MySQLDSN(b)
	}
	raw, err := sql.Open(driverName, dsn)
	require.NoError(b, err)
	c, err := grant.NewConnector(&grant.Config{Dialect: d,
		Databases: map[string]*config.Database{"main": {Primary: dsn}},
		Locking:   &locking.Config{VersionColumn: "lock_version"}})
	require.NoError(b, err)
	lb.raw, lb.gr = raw, sql.OpenDB(c)
	for _, s := range []string{`DROP TABLE IF EXISTS bench_locked`,
		`CREATE TABLE bench_locked (id INT PRIMARY KEY, v INT NOT NULL, lock_version BIGINT NOT NULL)`} {
		_, err := raw.Exec(s)
		require.NoError(b, err)
	}
	for i := range 100 {
		_, err := raw.Exec("INSERT INTO bench_locked VALUES ("+lb.ph(1)+", 0, 0)", i)
		require.NoError(b, err)
	}
	b.Cleanup(func() {
		raw.Exec(`DROP TABLE IF EXISTS bench_locked`)
		raw.Close()
		lb.gr.Close()
	})
	return lb
}

// versions reads every row's version, by id.
func (lb lockBench) versions(b *testing.B) []int64 {
	out := make([]int64, 100)
	rows, err := lb.raw.Query("SELECT id, lock_version FROM bench_locked")
	require.NoError(b, err)
	defer rows.Close()
	for rows.Next() {
		var id int
		var v int64
		require.NoError(b, rows.Scan(&id, &v))
		out[id] = v
	}
	require.NoError(b, rows.Err())
	return out
}

// benchLockedRead: a transaction that locks one row and commits, the raw
// side writing FOR UPDATE itself, Grant's appending it from the context.
func benchLockedRead(b *testing.B, d dialect.Dialect) {
	lb := openLockBench(b, d)
	q := "SELECT v FROM bench_locked WHERE id = " + lb.ph(1)
	ctx := context.Background()
	run := func(b *testing.B, db *sql.DB, qctx context.Context, q string) {
		b.ReportAllocs()
		var v int
		for i := 0; b.Loop(); i++ {
			tx, err := db.BeginTx(ctx, nil)
			require.NoError(b, err)
			require.NoError(b, tx.QueryRowContext(qctx, q, i%100).Scan(&v))
			require.NoError(b, tx.Commit())
		}
	}
	b.Run("side=raw", func(b *testing.B) { run(b, lb.raw, ctx, q+" FOR UPDATE") })
	b.Run("side=grant", func(b *testing.B) { run(b, lb.gr, locking.ForUpdate(ctx), q) })
}

// benchVersionedUpdate: an optimistic update of one row, the raw side
// writing the version check and increment itself.
func benchVersionedUpdate(b *testing.B, d dialect.Dialect) {
	lb := openLockBench(b, d)
	ctx := context.Background()
	b.Run("side=raw", func(b *testing.B) {
		b.ReportAllocs()
		q := "UPDATE bench_locked SET v = " + lb.ph(1) + ", lock_version = lock_version + 1 WHERE id = " + lb.ph(2) + " AND lock_version = " + lb.ph(3)
		versions := lb.versions(b)
		for i := 0; b.Loop(); i++ {
			id := i % 100
			res, err := lb.raw.ExecContext(ctx, q, i, id, versions[id])
			require.NoError(b, err)
			n, _ := res.RowsAffected()
			require.EqualValues(b, 1, n)
			versions[id]++
		}
	})
	b.Run("side=grant", func(b *testing.B) {
		b.ReportAllocs()
		q := "UPDATE bench_locked SET v = " + lb.ph(1) + " WHERE id = " + lb.ph(2)
		versions := lb.versions(b)
		for i := 0; b.Loop(); i++ {
			id := i % 100
			_, err := lb.gr.ExecContext(locking.ExpectVersion(ctx, versions[id]), q, i, id)
			require.NoError(b, err)
			versions[id]++
		}
	})
}

func BenchmarkLockedReadPostgres(b *testing.B)      { benchLockedRead(b, dialect.Postgres) }
func BenchmarkLockedReadMySQL(b *testing.B)         { benchLockedRead(b, dialect.MySQL) }
func BenchmarkVersionedUpdatePostgres(b *testing.B) { benchVersionedUpdate(b, dialect.Postgres) }
func BenchmarkVersionedUpdateMySQL(b *testing.B)    { benchVersionedUpdate(b, dialect.MySQL) }
