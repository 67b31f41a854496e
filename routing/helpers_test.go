package routing

import (
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/registry"
)

// fakeClock is an injectable clock.
type fakeClock struct{ ns atomic.Int64 }

func newClock() *fakeClock {
	c := &fakeClock{}
	c.ns.Store(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC).UnixNano())
	return c
}

func (c *fakeClock) Now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *fakeClock) Advance(d time.Duration) { c.ns.Add(int64(d)) }

// fakeDB builds a database of fake nodes (no pools, no servers), all healthy.
func fakeDB(name string, replicas int) *registry.Database {
	db := &registry.Database{Name: name, Primary: fakeNode(name+".primary", name, registry.Primary, 0)}
	for i := range replicas {
		db.Replicas = append(db.Replicas, fakeNode(fmt.Sprintf("%s.replicas[%d]", name, i), name, registry.Replica, i))
	}
	return db
}

func fakeNode(name, db string, role registry.Role, idx int) *registry.Node {
	n := &registry.Node{Name: name, Database: db, Role: role, Index: idx}
	n.Report(nil, 1, 1) // a new node is healthy
	return n
}

func setHealthy(n *registry.Node, ok bool) {
	if ok {
		n.Report(nil, 1, 1)
	} else {
		n.Report(errors.New("connection refused"), 1, 1)
	}
}

// fixture is a Router over fake databases "main" (default) and "other".
type fixture struct {
	t     *testing.T
	r     *Router
	main  *registry.Database
	other *registry.Database
	clock *fakeClock
}

func newFixture(t *testing.T, cfg Config, replicas int, tweak ...func(*Options)) *fixture {
	t.Helper()
	f := &fixture{t: t, main: fakeDB("main", replicas), other: fakeDB("other", 1), clock: newClock()}
	opts := Options{Dialect: dialect.Postgres, Databases: []*registry.Database{f.main, f.other}, Default: "main", Clock: f.clock.Now}
	for _, fn := range tweak {
		fn(&opts)
	}
	r, err := New(cfg, opts)
	require.NoError(t, err)
	f.r = r
	return f
}

// st analyzes sql as PostgreSQL.
func st(sql string) *analyze.Statement { return analyze.Analyze(dialect.Postgres, sql) }

// decide routes sql on the default database with in's other fields.
func (f *fixture) decide(sql string, in Input) (Route, error) {
	if in.DB == nil {
		in.DB = f.main
	}
	return f.r.Decide(st(sql), in)
}

// mustRoute routes sql and returns the node name.
func (f *fixture) mustRoute(sql string, in Input) Route {
	f.t.Helper()
	rt, err := f.decide(sql, in)
	require.NoError(f.t, err, sql)
	require.NotNil(f.t, rt.Node, sql)
	return rt
}

// replica returns replica i of main.
func (f *fixture) replica(i int) *registry.Node { return f.main.Replicas[i] }

// record stores a measurement of replica i of main.
func (f *fixture) record(i int, m Measurement) { f.r.State().Record(f.replica(i), m) }

// at sets replica i of main replicating, caught up, at position p.
func (f *fixture) at(i int, p Position) {
	f.record(i, Measurement{Status: StatusReplicating, CaughtUp: true, LagKnown: true, Position: p})
}

func lsn(s string) Position {
	l, err := ParseLSN(s)
	if err != nil {
		panic(err)
	}
	return LSNPosition(l)
}

func gtid(s string) Position {
	g, err := ParseGTIDSet(s)
	if err != nil {
		panic(err)
	}
	return GTIDPosition(g)
}
