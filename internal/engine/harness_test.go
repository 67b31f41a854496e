package engine

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/fakedb"
	"github.com/grantsql/grant/registry"
	"github.com/grantsql/grant/sharding"
)

// harness is an engine over fake databases: database name's primary is
// the fake "name", its replica i the fake "name.r<i>".
type harness struct {
	t    *testing.T
	e    *Engine
	fake *fakedb.Cluster
	cfg  *config.Cluster
}

// newHarness builds the engine of cfg, whose DSNs are fake database names.
func newHarness(t *testing.T, cfg *config.Cluster) *harness {
	h := &harness{t: t, fake: fakedb.NewCluster(), cfg: cfg}
	cfg.Health.Disabled = true
	h.e = newTestEngine(t, cfg, &registry.Options{Connector: h.fake.Connector})
	return h
}

// fakeCluster returns the configuration of databases named names, each
// with the given number of replicas, in the SQLite dialect (no lag
// monitor), sharding table orders on customer_id by modulo when there is
// more than one database.
func fakeCluster(replicas int, names ...string) *config.Cluster {
	cfg := &config.Cluster{Dialect: dialect.SQLite, Databases: map[string]*config.Database{}, DefaultDatabase: names[0]}
	for _, n := range names {
		db := &config.Database{Primary: n}
		for i := range replicas {
			db.Replicas = append(db.Replicas, fmt.Sprintf("%s.r%d", n, i))
		}
		cfg.Databases[n] = db
	}
	if len(names) > 1 {
		cfg.Sharding = &sharding.Config{
			Resolvers: map[string]sharding.Spec{"m": {Type: "modulo", Databases: names}},
			Tables:    map[string]sharding.TableConfig{"orders": {Key: "customer_id", Resolver: "m"}},
		}
	}
	return cfg
}

// db returns the fake database of a DSN.
func (h *harness) db(dsn string) *fakedb.DB { return h.fake.DB(dsn) }

// session returns a new session, closed when the test ends.
func (h *harness) session() *Session {
	s := h.e.NewSession()
	h.t.Cleanup(func() { s.Close() })
	return s
}

// idle fails the test unless no node has a statement in flight or a
// connection in use.
func (h *harness) idle() {
	h.t.Helper()
	for _, st := range h.e.reg.Stats() {
		require.Zero(h.t, st.InFlight, "node %s in flight", st.Name)
		require.Zero(h.t, st.Pool.InUse, "node %s connections in use", st.Name)
	}
}

// drain reads every row of r and closes it.
func drain(t *testing.T, r driver.Rows) [][]driver.Value {
	t.Helper()
	var out [][]driver.Value
	for {
		dest := make([]driver.Value, len(r.Columns()))
		err := r.Next(dest)
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		out = append(out, dest)
	}
	require.NoError(t, r.Close())
	return out
}

func args(vals ...any) []driver.NamedValue {
	out := make([]driver.NamedValue, len(vals))
	for i, v := range vals {
		out[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
	}
	return out
}

var bg = context.Background()

// fakeEvent is a call that reached a fake database.
type fakeEvent = fakedb.Event

var errPrepare = errors.New("prepare refused")
