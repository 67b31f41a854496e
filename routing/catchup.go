package routing

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/registry"
	"github.com/grantsql/grant/routing/routecfg"
)

// catchUp is a Router's on-demand checking of replicas in causal mode.
type catchUp struct {
	wait    time.Duration // read_your_writes.max_wait; 0: no checks
	backoff time.Duration // how long a replica whose check failed is not checked
	kind    posKind       // the dialect's kind of position
	check   checkFunc

	reads, caughtUp, flights, checks, errs atomic.Int64
}

// checkFunc checks once how far replica n has replayed, waiting up to
// wait on the server for it to reach target where the server can wait
// (MariaDB's MASTER_GTID_WAIT), and returns its replayed position.
type checkFunc func(ctx context.Context, n *registry.Node, target Position, wait time.Duration) (Position, error)

func (c *catchUp) init(r *Router, d dialect.Dialect) {
	c.backoff = max(r.cfg.LagCheckInterval.D(), routecfg.MinLagCheckInterval)
	switch d {
	case dialect.Postgres:
		c.check, c.kind = checkPostgres, posLSN
	case dialect.MySQL:
		c.check, c.kind = checkMySQL, posGTID
	default:
		return // SQLite has no positions
	}
	if r.cfg.ReadYourWrites.Mode == routecfg.RYWCausal {
		c.wait = r.cfg.ReadYourWrites.Wait()
	}
}

// CatchUpStats counts what Router.CatchUp did.
type CatchUpStats struct {
	// Reads is the reads CatchUp was given (Route.CatchUp set).
	Reads int64 `json:"reads"`
	// CaughtUp is those of them sent to a replica that had replayed their
	// writes.
	CaughtUp int64 `json:"caught_up"`
	// Flights is the checks of a replica started: reads waiting for the
	// same replica at the same time share one.
	Flights int64 `json:"flights"`
	// Checks is the queries run on replicas to read their positions.
	Checks int64 `json:"checks"`
	// Errors is the checks that failed; their reads went to the primary
	// at once, and the replica is not checked for lag_check_interval.
	Errors int64 `json:"errors"`
}

// CatchUpStats returns what CatchUp has done since the Router was made.
func (r *Router) CatchUpStats() CatchUpStats {
	c := &r.catchUp
	return CatchUpStats{Reads: c.reads.Load(), CaughtUp: c.caughtUp.Load(), Flights: c.flights.Load(),
		Checks: c.checks.Load(), Errors: c.errs.Load()}
}

// CatchUp is the step after Decide for a read whose route has CatchUp set:
// Decide sent it to the primary only because no replica in rotation had, at
// its last measurement (every lag_check_interval), replayed the writes the
// read must see. CatchUp checks one replica in rotation, chosen by the
// policy, now: on PostgreSQL it reads pg_last_wal_replay_lsn() every
// millisecond, on MariaDB it waits with MASTER_GTID_WAIT and reads
// @@gtid_slave_pos, for up to read_your_writes.max_wait. When the replica
// has caught up it returns a route to it (ReasonCaughtUp), and records its
// position, so that the reads that follow go there at once; else it
// returns rt, the primary.
//
// Reads waiting for the same replica at the same time share one check,
// whatever positions they need. A check that fails leaves the read on the
// primary at once, and the replica unchecked for lag_check_interval. The
// caller's ctx ends the wait early, never a query in flight. Every other
// route is returned as it is.
func (r *Router) CatchUp(ctx context.Context, in Input, rt Route) Route {
	c := &r.catchUp
	if !rt.CatchUp || c.wait <= 0 {
		return rt
	}
	d := r.routeOf(in.DB)
	if d == nil {
		return rt
	}
	detail, req1, req2 := r.needs(d, in)
	if detail != "" || (req1 == nil && req2 == nil) {
		return rt
	}
	var need Position
	if req1 != nil {
		need = *req1
	}
	if req2 != nil {
		need = need.Merge(*req2)
	}
	if need.kind != c.kind {
		return rt // a position of another kind of server (a stray token)
	}
	c.reads.Add(1)
	caughtUp := Route{Kind: rt.Kind, Reason: ReasonCaughtUp}
	// Another read's check may have shown a replica past them by now.
	if caughtUp.Node, _ = r.pick(d, req1, req2); caughtUp.Node != nil {
		c.caughtUp.Add(1)
		return caughtUp
	}
	n, _ := r.pick(d, nil, nil)
	s := d.slotOf(n)
	if s == nil || !s.watch.wait(ctx, need, c.wait) || !r.inRotation(s) {
		return rt
	}
	c.caughtUp.Add(1)
	caughtUp.Node = n
	return caughtUp
}

// slotOf returns the slot of replica n, or nil.
func (d *dbRoute) slotOf(n *registry.Node) *slot {
	for i := range d.replicas {
		if d.replicas[i].node == n {
			return &d.replicas[i]
		}
	}
	return nil
}
