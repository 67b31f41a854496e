package grant_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/testenv"
)

// benchTarget is one database reached two ways in the same run: through its
// raw driver and through Grant.
type benchTarget struct {
	name      string
	raw, gr   *sql.DB
	placehold func(i int) string
	setup     []string
}

func sqliteTargets(b *testing.B) benchTarget {
	dsn := "file:" + filepath.Join(b.TempDir(), "bench.db") + "?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"
	raw, err := sql.Open("sqlite", dsn)
	require.NoError(b, err)
	c, err := grant.NewConnector(&grant.Config{Dialect: dialect.SQLite,
		Databases: map[string]*config.Database{"main": {Primary: dsn}}})
	require.NoError(b, err)
	return benchTarget{name: "sqlite", raw: raw, gr: sql.OpenDB(c), placehold: func(int) string { return "?" },
		setup: []string{`DROP TABLE IF EXISTS bench_users`,
			`CREATE TABLE bench_users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL)`}}
}

func postgresTargets(b *testing.B) benchTarget {
	if os.Getenv(testenv.PostgresVar) == "" {
		b.Skipf("%s is not set", testenv.PostgresVar)
	}
	dsn := testenv.PostgresDSN(b)
	raw, err := sql.Open("pgx", dsn)
	require.NoError(b, err)
	c, err := grant.NewConnector(&grant.Config{Dialect: dialect.Postgres,
		Databases: map[string]*config.Database{"main": {Primary: dsn}}})
	require.NoError(b, err)
	return benchTarget{name: "postgres", raw: raw, gr: sql.OpenDB(c), placehold: dollar,
		setup: []string{`DROP TABLE IF EXISTS bench_users`,
			`CREATE TABLE bench_users (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL)`}}
}

func (t benchTarget) prepare(b *testing.B, rows int) {
	ctx := context.Background()
	for _, s := range t.setup {
		_, err := t.raw.ExecContext(ctx, s)
		require.NoError(b, err)
	}
	ins := `INSERT INTO bench_users (name, email) VALUES (` + t.placehold(1) + `, ` + t.placehold(2) + `)`
	for i := 0; i < rows; i++ {
		_, err := t.raw.ExecContext(ctx, ins, "user", "user@example.com")
		require.NoError(b, err)
	}
}

func (t benchTarget) close() { t.raw.Close(); t.gr.Close() }

func benchPointSelect(b *testing.B, t benchTarget) {
	t.prepare(b, 1000)
	defer t.close()
	q := `SELECT id, name, email FROM bench_users WHERE id = ` + t.placehold(1)
	for _, side := range []struct {
		name string
		db   *sql.DB
	}{{"side=raw", t.raw}, {"side=grant", t.gr}} {
		b.Run(side.name, func(b *testing.B) {
			ctx := context.Background()
			var id int64
			var name, email string
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if err := side.db.QueryRowContext(ctx, q, i%1000+1).Scan(&id, &name, &email); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func benchInsert(b *testing.B, t benchTarget) {
	t.prepare(b, 0)
	defer t.close()
	q := `INSERT INTO bench_users (name, email) VALUES (` + t.placehold(1) + `, ` + t.placehold(2) + `)`
	for _, side := range []struct {
		name string
		db   *sql.DB
	}{{"side=raw", t.raw}, {"side=grant", t.gr}} {
		b.Run(side.name, func(b *testing.B) {
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := side.db.ExecContext(ctx, q, "user", "user@example.com"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkPointSelectSQLite(b *testing.B)   { benchPointSelect(b, sqliteTargets(b)) }
func BenchmarkPointSelectPostgres(b *testing.B) { benchPointSelect(b, postgresTargets(b)) }
func BenchmarkInsertSQLite(b *testing.B)        { benchInsert(b, sqliteTargets(b)) }
func BenchmarkInsertPostgres(b *testing.B)      { benchInsert(b, postgresTargets(b)) }

// BenchmarkReplicaReadPostgres compares a point SELECT sent straight to the
// PostgreSQL replica with the same SELECT through Grant, which routes it to
// that replica.
func BenchmarkReplicaReadPostgres(b *testing.B) {
	if os.Getenv(testenv.PostgresReplicaVar) == "" {
		b.Skipf("%s is not set", testenv.PostgresReplicaVar)
	}
	primary, replica := testenv.PostgresDSN(b), testenv.PostgresReplicaDSN(b)
	t := postgresTargets(b)
	t.prepare(b, 1000)
	defer t.close()
	raw, err := sql.Open("pgx", replica)
	require.NoError(b, err)
	defer raw.Close()
	c, err := grant.NewConnector(&grant.Config{Dialect: dialect.Postgres,
		Databases: map[string]*config.Database{"main": {Primary: primary, Replicas: []string{replica}}}})
	require.NoError(b, err)
	gr := sql.OpenDB(c)
	defer gr.Close()
	ctx := context.Background()
	require.Eventually(b, func() bool {
		var n int
		return raw.QueryRowContext(ctx, `SELECT count(*) FROM bench_users`).Scan(&n) == nil && n == 1000
	}, 10*time.Second, 50*time.Millisecond, "the replica has the rows")
	q := `SELECT id, name, email FROM bench_users WHERE id = $1`
	for _, side := range []struct {
		name string
		db   *sql.DB
	}{{"side=raw", raw}, {"side=grant", gr}} {
		b.Run(side.name, func(b *testing.B) {
			var id int64
			var name, email string
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if err := side.db.QueryRowContext(ctx, q, i%1000+1).Scan(&id, &name, &email); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	rt, err := c.Router().Explain(ctx, q)
	require.NoError(b, err)
	require.Equal(b, "main.replicas[0]", rt.Node.Name, "Grant read from the replica")
}
