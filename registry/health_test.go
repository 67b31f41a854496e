package registry_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/internal/fakedb"
	"github.com/grantsql/grant/registry"
)

// health is the health part of a node's Stats.
type health struct {
	Healthy     bool
	Down        bool // DownSince is set
	Transitions int64
	LastError   string
}

func healthOf(n *registry.Node) health {
	s := n.Stats()
	return health{Healthy: s.Healthy, Down: !s.DownSince.IsZero(), Transitions: s.Transitions, LastError: s.LastError}
}

func TestReportThresholds(t *testing.T) {
	reg, _ := openFake(t, nil, registry.Options{})
	n := primary(reg)
	refused := errors.New("dial " + primaryDSN + ": connection refused")
	masked := "dial postgres://app:xxxxx@main-db/main: connection refused"

	before := time.Now()
	assert.False(t, n.Report(refused, 2, 2), "one failure of two")
	assert.Equal(t, health{Healthy: true, LastError: masked}, healthOf(n))
	assert.False(t, n.Report(nil, 2, 2), "a success resets the failures")
	assert.False(t, n.Report(refused, 2, 2))
	assert.True(t, n.Report(refused, 2, 2), "two failures in a row take the node out")
	assert.Equal(t, health{Down: true, Transitions: 1, LastError: masked}, healthOf(n))
	s := n.Stats()
	assert.False(t, s.DownSince.Before(before))
	assert.Equal(t, s.DownSince, s.LastCheck, "down since the check that failed")
	assert.NotContains(t, s.LastError, password)
	downSince := s.DownSince

	assert.False(t, n.Report(refused, 2, 2), "already out")
	assert.False(t, n.Report(nil, 2, 2), "one success of two")
	assert.False(t, n.Report(errors.New("timeout"), 2, 2), "a failure resets the successes")
	assert.Equal(t, downSince, n.Stats().DownSince, "still down since the first time")
	assert.False(t, n.Report(nil, 2, 2))
	assert.True(t, n.Report(nil, 2, 2), "two successes in a row bring it back")
	assert.Equal(t, health{Healthy: true, Transitions: 2, LastError: "timeout"}, healthOf(n),
		"the last error stays for inspection")
	assert.True(t, n.Healthy())
}

// flakyProbe fails for the nodes named in down.
type flakyProbe struct {
	mu    sync.Mutex
	down  map[string]error
	calls int
}

func (p *flakyProbe) set(node string, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down[node] = err
}

func (p *flakyProbe) probe(_ context.Context, n *registry.Node) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls++
	return p.down[n.Name]
}

func TestCheckNowTransitions(t *testing.T) {
	var logs bytes.Buffer
	p := &flakyProbe{down: map[string]error{}}
	cfg := fakeConfig()
	cfg.Health.Failures, cfg.Health.Successes = 2, 1
	reg, _ := openFake(t, cfg, registry.Options{
		Probe:  p.probe,
		Logger: slog.New(slog.NewTextHandler(&logs, nil)),
	})
	ctx := context.Background()
	replica := reg.Default().Replicas[0]
	refused := errors.New("dial " + replicaDSN + ": connection refused")

	p.set("main.replicas[0]", refused)
	reg.CheckNow(ctx)
	assert.True(t, replica.Healthy(), "one failure of two")
	assert.Equal(t, 2, p.calls, "every node probed")
	reg.CheckNow(ctx)
	assert.Equal(t, health{Down: true, Transitions: 1, LastError: "dial postgres://app:xxxxx@main-replica/main: connection refused"},
		healthOf(replica))
	assert.Equal(t, health{Healthy: true}, healthOf(primary(reg)), "the primary is not touched")
	assert.Contains(t, logs.String(), `msg="grant: node out of rotation" node=main.replicas[0]`)
	assert.NotContains(t, logs.String(), password)

	p.set("main.replicas[0]", nil)
	reg.CheckNow(ctx)
	assert.Equal(t, health{Healthy: true, Transitions: 2, LastError: "dial postgres://app:xxxxx@main-replica/main: connection refused"},
		healthOf(replica))
	assert.Contains(t, logs.String(), `msg="grant: node back in rotation" node=main.replicas[0]`)
	assert.False(t, replica.Stats().LastCheck.IsZero())
}

func TestCheckNowCancelledReportsNothing(t *testing.T) {
	p := &flakyProbe{down: map[string]error{"main.primary": errors.New("down")}}
	cfg := fakeConfig()
	cfg.Health.Failures = 1
	reg, _ := openFake(t, cfg, registry.Options{Probe: p.probe})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	reg.CheckNow(ctx)
	assert.Equal(t, health{Healthy: true}, healthOf(primary(reg)), "shutting down is not the node's fault")
	assert.True(t, primary(reg).Stats().LastCheck.IsZero())
}

// TestCheckNowDefaultProbePings: without Options.Probe a node is pinged
// through its pool.
func TestCheckNowDefaultProbePings(t *testing.T) {
	cfg := fakeConfig()
	cfg.Health.Failures = 1
	reg, fake := openFake(t, cfg, registry.Options{Logger: slog.New(slog.DiscardHandler)})
	db := fake.DB(primaryDSN)
	reg.CheckNow(context.Background())
	assert.True(t, primary(reg).Healthy())
	assert.Equal(t, 1, db.Count("ping"))

	db.FailOn("ping", "", 0, &fakedb.Error{Op: "ping", Code: 5})
	reg.CheckNow(context.Background())
	assert.Equal(t, health{Down: true, Transitions: 1, LastError: "fake ping failed (code 5)"}, healthOf(primary(reg)))
	assert.True(t, reg.Default().Replicas[0].Healthy())
}

func TestReportFailureUsesTheConfiguredThresholds(t *testing.T) {
	cfg := fakeConfig()
	cfg.Health.Failures = 3
	reg, _ := openFake(t, cfg, registry.Options{Logger: slog.New(slog.DiscardHandler)})
	n := primary(reg)
	for range 2 {
		reg.ReportFailure(n, errors.New("reset"))
	}
	assert.True(t, n.Healthy())
	reg.ReportFailure(n, errors.New("reset"))
	assert.False(t, n.Healthy())
}

// TestHealthLoop: with health checks on, the registry probes on its own
// and stops probing when closed.
func TestHealthLoop(t *testing.T) {
	p := &flakyProbe{down: map[string]error{"main.primary": errors.New("down")}}
	cfg := fakeConfig()
	cfg.Health = config.Health{Interval: config.Duration(5 * time.Millisecond), Timeout: config.Duration(5 * time.Millisecond), Failures: 1}
	reg, _ := openFake(t, cfg, registry.Options{Probe: p.probe, Logger: slog.New(slog.DiscardHandler)})
	require.Eventually(t, func() bool { return !primary(reg).Healthy() }, 5*time.Second, 5*time.Millisecond)
	require.NoError(t, reg.Close())
	p.mu.Lock()
	calls := p.calls
	p.mu.Unlock()
	time.Sleep(20 * time.Millisecond)
	p.mu.Lock()
	defer p.mu.Unlock()
	assert.Equal(t, calls, p.calls, "no probe after Close")
	assert.NoError(t, reg.Close(), "Close twice")
}
