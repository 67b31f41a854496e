package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/registry"
	"github.com/grantsql/grant/routing"
)

// nodeCheck is the outcome of checking one node.
type nodeCheck struct {
	node      *registry.Node
	reachable bool
	server    server
	lag       string
	problems  []string // each makes grant check fail
	warnings  []string // printed; grant check still succeeds
}

func (c *nodeCheck) problem(format string, a ...any) {
	c.problems = append(c.problems, fmt.Sprintf(format, a...))
}

func (c *nodeCheck) warn(format string, a ...any) {
	c.warnings = append(c.warnings, fmt.Sprintf(format, a...))
}

// check validates the configuration, connects to every node and reports
// what each one is; it fails when a node is unreachable or not what the
// configuration says it is.
func check(ctx context.Context, args []string, out, stderr io.Writer) error {
	fs := newFlags("check", "-config FILE [-timeout 5s]", stderr)
	path := fs.String("config", "", "cluster configuration `file` (YAML or JSON)")
	timeout := fs.Duration("timeout", 5*time.Second, "time allowed for each node's checks")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	c, err := openCluster(*path)
	if err != nil {
		return err
	}
	defer c.Close()
	maxLag := c.Router().Config().MaxReplicaLag.D()
	several := len(c.Registry().DatabaseNames()) > 1

	nodes := c.Registry().Nodes()
	checks := make([]nodeCheck, len(nodes))
	var wg sync.WaitGroup
	for i, n := range nodes {
		wg.Go(func() {
			nctx, cancel := context.WithTimeout(ctx, *timeout)
			defer cancel()
			checks[i] = checkNode(nctx, n, maxLag, several)
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	fmt.Fprintf(out, "%s cluster, %d database(s), %d node(s)\n\n", c.Config().Dialect, len(c.Registry().DatabaseNames()), len(nodes))
	printChecks(out, checks)
	problems := 0
	for _, ch := range checks {
		for _, w := range ch.warnings {
			fmt.Fprintf(out, "warning: %s: %s\n", ch.node.Name, w)
		}
	}
	for _, ch := range checks {
		for _, p := range ch.problems {
			fmt.Fprintf(out, "FAIL %s: %s\n", ch.node.Name, p)
			problems++
		}
	}
	if problems > 0 {
		fmt.Fprintf(out, "%d problem(s)\n", problems)
		return errProblems
	}
	fmt.Fprintln(out, "ok")
	return nil
}

// checkNode checks one node: its server's facts against its role, and a
// replica's replication.
func checkNode(ctx context.Context, n *registry.Node, maxLag time.Duration, several bool) nodeCheck {
	ch := nodeCheck{node: n, lag: "-"}
	s, err := probeServer(ctx, n)
	if err != nil {
		ch.problem("unreachable: %s", nodeMessage(n, err))
		return ch
	}
	ch.reachable, ch.server = true, s
	if n.Role == registry.Primary {
		switch {
		case s.InRecovery:
			ch.problem("configured as a primary, but the server is a standby in recovery")
		case s.ReadOnly:
			ch.problem("configured as a primary, but the server is read-only")
		}
		if several && !s.TwoPC && n.Dialect() != dialect.SQLite {
			ch.warn("no two-phase commit (%s): a transaction cannot write to this database and another one", s.TwoPCNote)
		}
	} else if n.Dialect() != dialect.SQLite {
		if !s.ReadOnly {
			ch.warn("the replica accepts writes (it is not read-only)")
		}
		checkReplica(ctx, &ch, maxLag)
	}
	if s.InDoubt > 0 {
		ch.warn("%d prepared transaction(s) in doubt on the server", s.InDoubt)
	}
	return ch
}

// checkReplica measures a replica's replication as the lag monitor does.
// A lag measured as the age of the last replayed transaction over-states
// the lag after the primary was idle, so a lag above max_replica_lag is
// measured again, up to three times, through a routing.State that bounds
// it by the time since the replica was last seen caught up.
func checkReplica(ctx context.Context, ch *nodeCheck, maxLag time.Duration) {
	n := ch.node
	st := routing.NewState(nil)
	var info routing.ReplicaInfo
	for try := 0; try < 3; try++ {
		if try > 0 {
			select {
			case <-ctx.Done():
			case <-time.After(200 * time.Millisecond):
			}
		}
		m, err := routing.Measure(ctx, n.Dialect(), n)
		if err != nil {
			ch.problem("measuring replication: %s", nodeMessage(n, err))
			return
		}
		st.Record(n, m)
		if info = st.Info(n); info.Status != routing.StatusReplicating || maxLag == 0 || (info.LagKnown && info.Lag <= maxLag) {
			break
		}
	}
	ch.lag = lagText(&info)
	switch {
	case info.Status == routing.StatusNotReplica:
		ch.problem("configured as a replica, but the server is not replicating from a primary (promoted?)")
	case info.Status == routing.StatusBroken:
		ch.problem("replication is broken: %s", info.Detail)
	case maxLag > 0 && !info.LagKnown:
		ch.problem("replica lag unknown, routing.max_replica_lag is %s", maxLag)
	case maxLag > 0 && info.Lag > maxLag:
		ch.problem("replica lag %s exceeds routing.max_replica_lag %s", info.Lag.Round(time.Millisecond), maxLag)
	}
}

// lagText shows a replica's lag: "0s", "1.2s", "unknown", or the status
// when it is not replicating.
func lagText(info *routing.ReplicaInfo) string {
	switch {
	case info.Status != routing.StatusReplicating && info.Status != routing.StatusUnknown:
		return info.Status.String()
	case !info.LagKnown:
		return "unknown"
	}
	return info.Lag.Round(time.Millisecond).String()
}

// nodeMessage returns err's message with n's password masked and without
// the "grant: node NAME: " prefix, which the output's own line gives.
func nodeMessage(n *registry.Node, err error) string {
	return strings.TrimPrefix(n.WrapConn(err).Error(), "grant: node "+n.Name+": ")
}

func printChecks(out io.Writer, checks []nodeCheck) {
	tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "node\trole\treachable\tversion\tread-only\treplica lag\ttwo-phase commit")
	for _, ch := range checks {
		s := ch.server
		ro, tpc := "-", "-"
		if ch.reachable {
			ro = yesNo(s.ReadOnly)
			if s.InRecovery {
				ro += " (in recovery)"
			}
			if ch.node.Role == registry.Primary {
				tpc = yesNo(s.TwoPC) + " (" + s.TwoPCNote + ")"
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", ch.node.Name, ch.node.Role, yesNo(ch.reachable),
			dash(s.Version), ro, ch.lag, tpc)
	}
	tw.Flush()
	fmt.Fprintln(out)
}
