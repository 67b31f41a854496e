package grant_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/testenv"
	"github.com/grantsql/grant/routing/routecfg"
)

// BenchmarkHedgedReplicaRead* measure what routing.hedge_after costs a
// point read on a replica that answers in time (the hedge never starts):
// the raw driver on the replica, Grant without hedging, and Grant with
// hedge_after 50ms, in the same run.
func BenchmarkHedgedReplicaReadPostgres(b *testing.B) { benchHedgedRead(b, dialect.Postgres) }
func BenchmarkHedgedReplicaReadMySQL(b *testing.B)    { benchHedgedRead(b, dialect.MySQL) }

func benchHedgedRead(b *testing.B, d dialect.Dialect) {
	primary, replica := testenv.PostgresDSN(b), testenv.PostgresReplicaDSN(b)
	q := `SELECT id, name FROM bench_hedge_users WHERE id = $1`
	create := `CREATE TABLE bench_hedge_users (id INT PRIMARY KEY, name TEXT NOT NULL)`
	if d == dialect.MySQL {
		primary, replica = testenv.MySQLDSN(b), testenv.MySQLReplicaDSN(b)
		q = `SELECT id, name FROM bench_hedge_users WHERE id = ?`
	}
	ctx := context.Background()
	raw, err := sql.Open(rawDriver(d), primary)
	require.NoError(b, err)
	defer raw.Close()
	for _, s := range []string{`DROP TABLE IF EXISTS bench_hedge_users`, create,
		`INSERT INTO bench_hedge_users SELECT 1, 'one' UNION ALL SELECT 2, 'two'`} {
		_, err := raw.ExecContext(ctx, s)
		require.NoError(b, err)
	}
	defer raw.ExecContext(ctx, `DROP TABLE IF EXISTS bench_hedge_users`)
	rawReplica, err := sql.Open(rawDriver(d), replica)
	require.NoError(b, err)
	defer rawReplica.Close()
	require.Eventually(b, func() bool {
		var id int
		var name string
		return rawReplica.QueryRowContext(ctx, q, 2).Scan(&id, &name) == nil
	}, 10*time.Second, 20*time.Millisecond, "the replica has the rows")

	open := func(hedge time.Duration) *sql.DB {
		c, err := grant.NewConnector(&grant.Config{Dialect: d,
			Databases: map[string]*config.Database{"main": {Primary: primary, Replicas: []string{replica}}},
			Routing:   routecfg.Config{HedgeAfter: routecfg.Duration(hedge), ReadYourWrites: routecfg.ReadYourWrites{Mode: routecfg.RYWOff}}})
		require.NoError(b, err)
		return sql.OpenDB(c)
	}
	plain, hedged := open(0), open(50*time.Millisecond)
	defer plain.Close()
	defer hedged.Close()
	for _, side := range []struct {
		name string
		db   *sql.DB
	}{{"side=raw", rawReplica}, {"side=grant", plain}, {"side=grant-hedge50ms", hedged}} {
		b.Run(side.name, func(b *testing.B) {
			var id int64
			var name string
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if err := side.db.QueryRowContext(ctx, q, i%2+1).Scan(&id, &name); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
