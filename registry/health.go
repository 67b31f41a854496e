package registry

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"
)

// healthLoop probes every node each interval until ctx ends.
func (r *Registry) healthLoop(ctx context.Context) {
	defer r.done.Done()
	h := r.Config.Health
	t := time.NewTicker(h.Interval.D())
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			r.CheckNow(ctx)
		}
	}
}

// CheckNow probes every node once, in parallel, and updates its health.
func (r *Registry) CheckNow(ctx context.Context) {
	h := r.Config.Health
	var wg sync.WaitGroup
	for _, n := range r.nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pctx, cancel := context.WithTimeout(ctx, h.Timeout.D())
			err := r.probe(pctx, n)
			cancel()
			if ctx.Err() != nil {
				return // shutting down: not the node's fault
			}
			if n.Report(err, h.Failures, h.Successes) {
				r.logTransition(n, err)
			}
		}()
	}
	wg.Wait()
}

// ReportFailure counts a failure of n seen by a statement (not a probe)
// against its health, with the configured thresholds, and logs the node
// leaving rotation (once). Callers report only what NodeFailure accepts:
// a statement's own error, the caller's cancellation and a wait for the
// pool say nothing about the node. A statement that succeeds on the node
// in between resets the count (see Conn.Release).
func (r *Registry) ReportFailure(n *Node, err error) {
	h := r.Config.Health
	if n.Report(err, h.Failures, h.Successes) {
		r.logTransition(n, err)
	}
}

// MarkDown takes n out of rotation at once, for reason (shown in Stats and
// the log), whatever its health: the statements in flight on it are
// cancelled (reads are retried elsewhere where they may be; writes fail
// with a *LeftRotationError), and new ones go elsewhere where they can.
// It returns to rotation as a failed node does, after health.successes
// passing health checks.
func (r *Registry) MarkDown(n *Node, reason error) {
	if reason == nil {
		reason = errors.New("marked down")
	}
	n.mu.Lock()
	n.lastCheck = time.Now()
	n.lastErr = n.scrub(reason.Error())
	n.successes = 0
	changed := n.healthy.Load()
	if changed {
		n.down()
	}
	n.failing.Store(false)
	n.mu.Unlock()
	if changed {
		n.leave()
		r.logTransition(n, reason)
	}
}

func (r *Registry) probe(ctx context.Context, n *Node) error {
	if r.opts.Probe != nil {
		return r.opts.Probe(ctx, n)
	}
	return n.ping(ctx)
}

func (r *Registry) logTransition(n *Node, err error) {
	if n.Healthy() {
		r.opts.Logger.Info("grant: node back in rotation", slog.String("node", n.Name))
		return
	}
	r.opts.Logger.Warn("grant: node out of rotation", slog.String("node", n.Name), slog.String("error", n.Wrap(err).Error()))
}
