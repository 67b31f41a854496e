package routing

import (
	"context"
	"time"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/registry"
)

// Start begins measuring every replica each lag_check_interval, in the
// background, until Close. It does nothing for SQLite or when no database
// has replicas, and nothing when called again.
func (r *Router) Start() {
	if r.dialect != dialect.Postgres && r.dialect != dialect.MySQL {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.started {
		return
	}
	r.started = true
	ctx, cancel := context.WithCancel(context.Background())
	r.stop = cancel
	for _, d := range r.dbs {
		for _, s := range d.replicas {
			r.running.Add(1)
			go r.monitor(ctx, s.node)
		}
	}
}

// monitor measures one replica until ctx ends.
func (r *Router) monitor(ctx context.Context, n *registry.Node) {
	defer r.running.Done()
	interval := r.cfg.LagCheckInterval.D()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		r.measure(ctx, n, max(interval, time.Second))
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// measure measures n once, within timeout, and records the outcome.
func (r *Router) measure(ctx context.Context, n *registry.Node, timeout time.Duration) {
	mctx, cancel := context.WithTimeout(ctx, timeout)
	m, err := Measure(mctx, r.dialect, n)
	cancel()
	if ctx.Err() != nil {
		return // closing: not the replica's fault
	}
	if err != nil {
		r.state.Failed(n, err)
		return
	}
	r.state.Record(n, m)
}

// MeasureNow measures every replica once, in parallel, and records the
// outcomes; tests and grant health use it instead of waiting for the
// monitor.
func (r *Router) MeasureNow(ctx context.Context) {
	done := make(chan struct{})
	count := 0
	for _, d := range r.dbs {
		for _, s := range d.replicas {
			count++
			go func() {
				r.measure(ctx, s.node, max(r.cfg.LagCheckInterval.D(), time.Second))
				done <- struct{}{}
			}()
		}
	}
	for range count {
		<-done
	}
}

// Close stops the lag monitor and waits for it, and gives back the
// cluster's shared read-your-writes record (Options.Cluster). It is safe to
// call more than once, and on a Router never started.
func (r *Router) Close() {
	r.mu.Lock()
	if r.stop != nil {
		r.stop()
	}
	r.mu.Unlock()
	r.running.Wait()
	r.release.Do(func() {
		if r.cluster != "" {
			releaseShared(r.cluster)
		}
	})
}
