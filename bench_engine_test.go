package grant_test

import (
	"context"
	"database/sql"
	"os"
	"runtime"
	"testing"

	_ "github.com/go-sql-driver/mysql"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/testenv"
)

func mysqlTargets(b *testing.B) benchTarget {
	if os.Getenv(testenv.MySQLVar) == "" {
		b.Skipf("%s is not set", testenv.MySQLVar)
	}
	dsn := testenv.MySQLDSN(b)
	raw, err := sql.Open("mysql", dsn)
	require.NoError(b, err)
	c, err := grant.NewConnector(&grant.Config{Dialect: dialect.MySQL,
		Databases: map[string]*config.Database{"main": {Primary: dsn}}})
	require.NoError(b, err)
	return benchTarget{name: "mysql", raw: raw, gr: sql.OpenDB(c), placehold: qmark,
		setup: []string{`DROP TABLE IF EXISTS bench_users`,
			`CREATE TABLE bench_users (id BIGINT AUTO_INCREMENT PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL)`}}
}

func (t benchTarget) sides() []struct {
	name string
	db   *sql.DB
} {
	return []struct {
		name string
		db   *sql.DB
	}{{"side=raw", t.raw}, {"side=grant", t.gr}}
}

// benchPreparedReuse runs one *sql.Stmt prepared on one connection again
// and again, on each side: the server-side statement must be reused.
func benchPreparedReuse(b *testing.B, t benchTarget) {
	t.prepare(b, 1000)
	defer t.close()
	q := `SELECT id, name, email FROM bench_users WHERE id = ` + t.placehold(1)
	for _, side := range t.sides() {
		b.Run(side.name, func(b *testing.B) {
			ctx := context.Background()
			conn, err := side.db.Conn(ctx)
			require.NoError(b, err)
			defer conn.Close()
			stmt, err := conn.PrepareContext(ctx, q)
			require.NoError(b, err)
			defer stmt.Close()
			var id int64
			var name, email string
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if err := stmt.QueryRowContext(ctx, i%1000+1).Scan(&id, &name, &email); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// benchThroughput runs point SELECTs from 32 goroutines on each side.
func benchThroughput(b *testing.B, t benchTarget) {
	t.prepare(b, 1000)
	defer t.close()
	q := `SELECT id, name, email FROM bench_users WHERE id = ` + t.placehold(1)
	for _, side := range t.sides() {
		b.Run(side.name, func(b *testing.B) {
			side.db.SetMaxIdleConns(32)
			b.SetParallelism(max(1, 32/runtime.GOMAXPROCS(0)))
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				ctx := context.Background()
				var id int64
				var name, email string
				for i := 0; pb.Next(); i++ {
					if err := side.db.QueryRowContext(ctx, q, i%1000+1).Scan(&id, &name, &email); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

func BenchmarkPointSelectMySQL(b *testing.B)      { benchPointSelect(b, mysqlTargets(b)) }
func BenchmarkInsertMySQL(b *testing.B)           { benchInsert(b, mysqlTargets(b)) }
func BenchmarkPreparedReusePostgres(b *testing.B) { benchPreparedReuse(b, postgresTargets(b)) }
func BenchmarkPreparedReuseMySQL(b *testing.B)    { benchPreparedReuse(b, mysqlTargets(b)) }
func BenchmarkPreparedReuseSQLite(b *testing.B)   { benchPreparedReuse(b, sqliteTargets(b)) }
func BenchmarkThroughput32Postgres(b *testing.B)  { benchThroughput(b, postgresTargets(b)) }
func BenchmarkThroughput32MySQL(b *testing.B)     { benchThroughput(b, mysqlTargets(b)) }
func BenchmarkThroughput32SQLite(b *testing.B)    { benchThroughput(b, sqliteTargets(b)) }
