package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/registry"
	"github.com/grantsql/grant/routing"
)

// health prints the nodes as routing sees them: in rotation or not, and
// why, replica lag, what the servers are running and the failed checks.
// With -watch it checks again and reprints at that interval until
// interrupted; without, it checks health.failures times back to back, so
// that a node that is down shows out of rotation, prints the table once
// and fails when a node is out of rotation.
func health(ctx context.Context, args []string, out, stderr io.Writer) error {
	fs := newFlags("health", "-config FILE [-watch 1s] [-timeout 2s]", stderr)
	path := fs.String("config", "", "cluster configuration `file` (YAML or JSON)")
	watch := fs.Duration("watch", 0, "check and print again at this `interval` until interrupted")
	timeout := fs.Duration("timeout", 2*time.Second, "time allowed for each node's checks")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	c, err := openCluster(*path)
	if err != nil {
		return err
	}
	defer c.Close()
	h := &healthView{c: c, timeout: *timeout, failed: map[*registry.Node]int{}}
	if *watch <= 0 {
		for range max(c.Config().Health.Failures, 1) {
			h.round(ctx)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if !h.print(out) {
			return errProblems
		}
		return nil
	}
	t := time.NewTicker(*watch)
	defer t.Stop()
	for {
		h.round(ctx)
		if ctx.Err() != nil {
			return nil // interrupted: the end of watching
		}
		h.print(out)
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// healthView is the state grant health keeps between rounds.
type healthView struct {
	c       *grant.Connector
	timeout time.Duration
	rounds  int

	mu       sync.Mutex
	failed   map[*registry.Node]int // failed activity queries, all rounds
	inFlight map[*registry.Node]int // statements on the server, last round; -1: no server
}

// round checks every node once (the registry's health check), measures
// every replica, and asks each server what it is running.
func (h *healthView) round(ctx context.Context) {
	rctx, cancel := context.WithTimeout(ctx, h.timeout)
	defer cancel()
	var wg sync.WaitGroup
	wg.Go(func() { h.c.Registry().CheckNow(rctx) })
	wg.Go(func() { h.c.Router().MeasureNow(rctx) })
	inFlight := map[*registry.Node]int{}
	for _, n := range h.c.Registry().Nodes() {
		wg.Go(func() {
			count, err := activity(rctx, n)
			h.mu.Lock()
			defer h.mu.Unlock()
			if err != nil {
				h.failed[n]++
				count = -2
			}
			inFlight[n] = count
		})
	}
	wg.Wait()
	h.rounds++
	h.inFlight = inFlight
}

// print writes the node table and reports whether every node is in
// rotation.
func (h *healthView) print(out io.Writer) bool {
	all := true
	fmt.Fprintf(out, "%s  (round %d)\n", time.Now().Format(time.TimeOnly), h.rounds)
	tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "node\trole\tin rotation\thealth\treplication\tlag\tin flight\tfailed checks\tlast error")
	nodes := h.c.Registry().Nodes()
	failures := h.c.Config().Health.Failures
	for i, s := range h.c.Status() {
		n := nodes[i]
		all = all && s.InRotation
		state := "ok"
		switch {
		case !s.Healthy:
			state = "down for " + time.Since(s.DownSince).Round(time.Second).String()
		case n.Failures() > 0:
			state = fmt.Sprintf("failing %d/%d", n.Failures(), failures)
		}
		repl, lag := "-", "-"
		if s.Replica != nil && n.Dialect() != dialect.SQLite {
			repl = s.Replica.Status.String()
			if s.Replica.Status == routing.StatusReplicating {
				lag = lagText(s.Replica)
			}
		}
		inFlight := "-"
		switch v := h.inFlight[n]; {
		case v >= 0:
			inFlight = fmt.Sprint(v)
		case v == -2:
			inFlight = "?"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", s.Name, s.Role, yesNo(s.InRotation), state,
			repl, lag, inFlight, h.failed[n], dash(s.LastError))
	}
	tw.Flush()
	fmt.Fprintln(out)
	return all
}
