package peers_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"os"
	"strconv"
	"testing"

	"github.com/XSAM/otelsql"
	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/ngrok/sqlmw"
	"github.com/stretchr/testify/require"
	"github.com/tsenart/nap"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"modernc.org/sqlite"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/config"
)

// handle is what the benchmark loops call: *sql.DB and *nap.DB.
type handle interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// side is one way of reaching the database, named side=<name> in the
// benchmark's name.
type side struct {
	name string
	h    handle
	db   *sql.DB          // h as a *sql.DB, when it is one
	gr   *grant.Connector // Grant's connector, on the grant side
}

// runSides runs op as a sub-benchmark side=<name> per side.
func runSides(b *testing.B, sides []side, op func(b *testing.B, sd side)) {
	rotated(b, len(sides), func(i int) {
		b.Run("side="+sides[i].name, func(b *testing.B) { measure(b, func() { op(b, sides[i]) }) })
	})
}

// rotated calls run(i) for the n sides of b, starting with side
// PEERS_ROUND mod n. go test -count repeats each side's sub-benchmark in a
// row after one setup; ./run instead runs the test binary once per round
// with PEERS_ROUND set, so the sides alternate, and the side that runs
// first, right after the setup (while a replica applies the seed rows or a
// server writes a checkpoint), changes from round to round.
func rotated(b *testing.B, n int, run func(i int)) {
	r, _ := strconv.Atoi(os.Getenv("PEERS_ROUND"))
	for k := range n {
		run((k + r) % n)
	}
}

// measure runs loop, a benchmark's b.Loop, reporting allocations and the
// CPU time the whole process used per operation (cpu-ns/op: the client's
// work, Grant's or a peer's and the driver's, without the server's; on a
// loaded machine it varies much less than the wall time).
func measure(b *testing.B, loop func()) {
	b.ReportAllocs()
	start := processCPU()
	loop()
	if used := processCPU() - start; used > 0 && b.N > 0 {
		b.ReportMetric(float64(used.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

// rawSide is the real driver on dsn.
func rawSide(b *testing.B, s server, dsn string) side {
	db := open(b, s.driver, dsn)
	return side{name: "raw", h: db, db: db}
}

// grantSide is Grant over s's primary and, with replicas, its replica, in
// Grant's default configuration.
func grantSide(b *testing.B, s server, replicas bool) side {
	b.Helper()
	d := &config.Database{Primary: s.primary}
	if replicas {
		d.Replicas = []string{s.replica}
	}
	return grantCluster(b, &grant.Config{Dialect: s.dialect, Databases: map[string]*config.Database{"main": d}})
}

// grantCluster opens Grant on cfg, closed when b ends.
func grantCluster(b *testing.B, cfg *grant.Config) side {
	b.Helper()
	c, err := grant.NewConnector(cfg)
	require.NoError(b, err)
	db := sql.OpenDB(c)
	b.Cleanup(func() { db.Close() })
	require.NoError(b, db.Ping())
	return side{name: "grant", h: db, db: db, gr: c}
}

// nullInterceptor intercepts every call and does nothing more.
type nullInterceptor struct{ sqlmw.NullInterceptor }

// The real drivers wrapped by sqlmw, registered once under their own names.
var sqlmwDrivers = map[string]driver.Driver{
	"sqlite": &sqlite.Driver{},
	"pgx":    stdlib.GetDefaultDriver(),
	"mysql":  &mysql.MySQLDriver{},
}

func init() {
	for name, d := range sqlmwDrivers {
		sql.Register("peers-sqlmw-"+name, sqlmw.Driver(d, nullInterceptor{}))
	}
}

// sqlmwSide is the real driver on s's primary wrapped by ngrok/sqlmw with
// an interceptor that does nothing.
func sqlmwSide(b *testing.B, s server) side {
	db := open(b, "peers-sqlmw-"+s.driver, s.primary)
	return side{name: "sqlmw", h: db, db: db}
}

// otelsqlSide is the real driver on s's primary instrumented by
// XSAM/otelsql with an SDK tracer provider that never samples (spans are
// started and dropped), and the global no-op meter provider.
func otelsqlSide(b *testing.B, s server) side {
	tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.NeverSample()))
	b.Cleanup(func() { tp.Shutdown(context.Background()) })
	db, err := otelsql.Open(s.driver, s.primary, otelsql.WithTracerProvider(tp))
	require.NoError(b, err)
	b.Cleanup(func() { db.Close() })
	require.NoError(b, db.Ping())
	return side{name: "otelsql", h: db, db: db}
}

// napSide is tsenart/nap over s's primary and replica: reads go to the
// replica, writes to the primary.
func napSide(b *testing.B, s server) side {
	db, err := nap.Open(s.driver, s.primary+";"+s.replica)
	require.NoError(b, err)
	b.Cleanup(func() { db.Close() })
	require.NoError(b, db.Ping())
	return side{name: "nap", h: db}
}

// nodeStatements returns the statements each node of Grant's cluster has
// run, by node name.
func nodeStatements(sd side) map[string]int64 {
	out := map[string]int64{}
	for _, n := range sd.gr.Registry().Nodes() {
		out[n.Name] = n.Stats().Stmts
	}
	return out
}
