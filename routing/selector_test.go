package routing

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/registry"
	"github.com/grantsql/grant/routing/routecfg"
)

// count routes n reads and counts them per node name.
func (f *fixture) count(n int) map[string]int {
	f.t.Helper()
	got := map[string]int{}
	for range n {
		got[f.mustRoute("SELECT 1", Input{}).Node.Name]++
	}
	return got
}

func seeded(seed uint64) func(*Options) {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	return func(o *Options) { o.Rand = rng.Uint64N }
}

func TestRoundRobin(t *testing.T) {
	f := newFixture(t, Config{Policy: routecfg.RoundRobin}, 3)
	var order []string
	for range 6 {
		order = append(order, f.mustRoute("SELECT 1", Input{}).Node.Name)
	}
	assert.Equal(t, []string{
		"main.replicas[0]", "main.replicas[1]", "main.replicas[2]",
		"main.replicas[0]", "main.replicas[1]", "main.replicas[2]",
	}, order)
	assert.Equal(t, map[string]int{"main.replicas[0]": 100, "main.replicas[1]": 100, "main.replicas[2]": 100}, f.count(300))
	// A replica out of rotation is skipped; the others share its reads.
	setHealthy(f.replica(1), false)
	assert.Equal(t, map[string]int{"main.replicas[0]": 150, "main.replicas[2]": 150}, f.count(300))
}

func TestRandomDistribution(t *testing.T) {
	f := newFixture(t, Config{Policy: routecfg.Random}, 4, seeded(1))
	got := f.count(40000)
	require.Len(t, got, 4)
	for name, n := range got {
		assert.InDelta(t, 10000, n, 500, name)
	}
}

func TestWeightedDistribution(t *testing.T) {
	cfg := Config{Policy: routecfg.Weighted, Weights: map[string]int{"main.replicas[0]": 3, "main.replicas[2]": 0}}
	f := newFixture(t, cfg, 3, seeded(7))
	got := f.count(40000)
	assert.InDelta(t, 30000, got["main.replicas[0]"], 600)
	assert.InDelta(t, 10000, got["main.replicas[1]"], 600, "an unlisted replica weighs 1")
	assert.Zero(t, got["main.replicas[2]"], "weight 0 takes a replica out of rotation")
	// With only weight-0 replicas left, reads fall back to the primary.
	setHealthy(f.replica(0), false)
	setHealthy(f.replica(1), false)
	rt := f.mustRoute("SELECT 1", Input{})
	assert.Same(t, f.main.Primary, rt.Node)
	assert.True(t, rt.Fallback)
}

func TestLeastInFlight(t *testing.T) {
	load := map[*registry.Node]int64{}
	f := newFixture(t, Config{Policy: routecfg.LeastInFlight}, 3, func(o *Options) {
		o.InFlight = func(n *registry.Node) int64 { return load[n] }
	})
	load[f.replica(0)], load[f.replica(1)], load[f.replica(2)] = 5, 1, 3
	for range 10 {
		assert.Same(t, f.replica(1), f.mustRoute("SELECT 1", Input{}).Node)
	}
	// Ties go round robin.
	load[f.replica(0)], load[f.replica(2)] = 1, 1
	assert.Equal(t, map[string]int{"main.replicas[0]": 100, "main.replicas[1]": 100, "main.replicas[2]": 100}, f.count(300))
	// The default accessor reads registry statistics; fake nodes have no pool.
	assert.NotNil(t, newFixture(t, Config{Policy: routecfg.LeastInFlight}, 1).r.inFlight)
}

func TestHealthAndLag(t *testing.T) {
	cfg := Config{MaxReplicaLag: routecfg.Duration(5 * time.Second)}
	f := newFixture(t, cfg, 3)
	// Before any measurement a lag limit keeps every replica out: unknown lag.
	rt := f.mustRoute("SELECT 1", Input{})
	assert.Same(t, f.main.Primary, rt.Node)
	assert.True(t, rt.Fallback)
	assert.Equal(t, ReasonNoReplicaUp, rt.Reason)

	for i := range 3 {
		f.at(i, Position{})
	}
	setHealthy(f.replica(0), false)                                                            // down
	f.record(1, Measurement{Status: StatusReplicating, Lag: 10 * time.Second, LagKnown: true}) // lagging
	assert.Equal(t, map[string]int{"main.replicas[2]": 10}, f.count(10))

	// Lag and health come back: back in rotation.
	setHealthy(f.replica(0), true)
	f.record(1, Measurement{Status: StatusReplicating, Lag: time.Second, LagKnown: true})
	assert.Len(t, f.count(30), 3)

	// Broken replication and a promoted replica leave rotation.
	f.record(0, Measurement{Status: StatusBroken, Detail: "IO thread No"})
	f.record(1, Measurement{Status: StatusNotReplica})
	assert.Equal(t, map[string]int{"main.replicas[2]": 10}, f.count(10))
	// A failed measurement makes the lag unknown: out under a lag limit.
	f.r.State().Failed(f.replica(2), assert.AnError)
	rt = f.mustRoute("SELECT 1", Input{})
	assert.True(t, rt.Fallback)
	info := f.r.State().Info(f.replica(2))
	assert.Equal(t, StatusUnknown, info.Status)
	assert.False(t, info.LagKnown)
	assert.Contains(t, info.Detail, assert.AnError.Error())
}

func TestNoLagLimit(t *testing.T) {
	f := newFixture(t, Config{}, 2)
	// Without max_replica_lag, unmeasured and lagging replicas serve reads...
	f.record(0, Measurement{Status: StatusReplicating, Lag: time.Hour, LagKnown: true})
	assert.Len(t, f.count(10), 2)
	// ...but broken replication does not.
	f.record(0, Measurement{Status: StatusBroken})
	assert.Equal(t, map[string]int{"main.replicas[1]": 10}, f.count(10))
}

func TestNoReplicaFail(t *testing.T) {
	f := newFixture(t, Config{NoReplica: routecfg.NoReplicaFail}, 2)
	setHealthy(f.replica(0), false)
	setHealthy(f.replica(1), false)
	_, err := f.decide("SELECT 1", Input{})
	require.ErrorIs(t, err, ErrNoReplica)
	assert.Contains(t, err.Error(), "database main")
	assert.Contains(t, err.Error(), "no_replica: fail")
	// Writes are not affected.
	assert.Same(t, f.main.Primary, f.mustRoute("DELETE FROM t", Input{}).Node)
}

func TestLagBoundedByLastCaughtUp(t *testing.T) {
	f := newFixture(t, Config{}, 1)
	// Caught up at t0; the primary had been idle for an hour.
	f.record(0, Measurement{Status: StatusReplicating, CaughtUp: true, LagKnown: true})
	f.clock.Advance(2 * time.Second)
	// WAL arrives and is not replayed yet: the last replayed transaction is
	// an hour old, but the replica was caught up 2 s ago.
	f.record(0, Measurement{Status: StatusReplicating, Lag: time.Hour, LagKnown: true, ReplayAge: true})
	info := f.r.State().Info(f.replica(0))
	assert.Equal(t, 2*time.Second, info.Lag)
	// Replay stays paused: the lag grows with time.
	f.clock.Advance(3 * time.Second)
	f.record(0, Measurement{Status: StatusReplicating, ReplayAge: true}) // no replay timestamp
	assert.Equal(t, 5*time.Second, f.r.State().Info(f.replica(0)).Lag)
	// A direct measurement (MariaDB's Seconds_Behind_Master) is not bounded.
	f.record(0, Measurement{Status: StatusReplicating, Lag: time.Minute, LagKnown: true})
	assert.Equal(t, time.Minute, f.r.State().Info(f.replica(0)).Lag)
	// Caught up again: lag 0.
	f.record(0, Measurement{Status: StatusReplicating, CaughtUp: true, LagKnown: true})
	assert.Zero(t, f.r.State().Info(f.replica(0)).Lag)
	// Never seen caught up, no estimate: unknown.
	g := newFixture(t, Config{}, 1)
	g.record(0, Measurement{Status: StatusReplicating, ReplayAge: true})
	assert.False(t, g.r.State().Info(g.replica(0)).LagKnown)
}

func TestPositionsOnlyAdvance(t *testing.T) {
	f := newFixture(t, Config{}, 1)
	f.at(0, lsn("0/200"))
	f.at(0, lsn("0/100"))
	assert.Equal(t, "pg:0/200", f.r.State().Info(f.replica(0)).Position.String())
}

func TestTooManyReplicas(t *testing.T) {
	_, err := New(Config{}, Options{Databases: []*registry.Database{fakeDB("big", MaxReplicas+1)}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "at most 64")
}
