package grant

import (
	"context"
	"encoding/json"

	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/registry"
	"github.com/grantsql/grant/routing"
	"github.com/grantsql/grant/routing/routecfg"
	"github.com/grantsql/grant/sharding"
)

// Explanation is where a statement would run and why, as grant explain
// prints it: what the analyzer found, the sharding plan (the databases,
// the SQL each one gets, how their rows merge) and, for each database of
// the plan, the node routing picks there. It is plain data and marshals to
// JSON.
type Explanation struct {
	// Statement is the SQL text as given.
	Statement string `json:"statement"`
	// Kind is what the statement does: "select", "insert", ...
	Kind string `json:"kind"`
	// Effects are what running it does, as the analyzer decides:
	// "writes", "needs_primary", "pins_session", "locks_rows", ...
	Effects []string `json:"effects"`
	// Tables are the tables it names, in order of first appearance.
	Tables []string `json:"tables,omitempty"`
	// Plan is the sharding plan; without sharding it names the one
	// database the statement runs on.
	Plan *sharding.Plan `json:"plan"`
	// Routes holds, for each entry of Plan.Shards in order, the node that
	// runs that database's part and why.
	Routes []routing.Route `json:"routes"`
}

// Explain returns how query with args would run under ctx, outside a
// transaction, in a virtual connection that has run nothing yet: the
// analysis, the sharding plan and the routing decision on each database.
// It runs nothing. A statement the sharding planner refuses returns its
// error (a *sharding.RefusedError).
func (c *Connector) Explain(ctx context.Context, query string, args ...any) (*Explanation, error) {
	pl, err := c.Plan(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	st := analyze.AnalyzeWith(c.cfg.Dialect, query, &analyze.Options{
		PrimaryFunction:  c.cfg.Routing.IsPrimaryFunction,
		UnknownOnPrimary: c.cfg.Routing.UnknownFunctions == routecfg.FuncsOnPrimary,
	})
	x := &Explanation{Statement: query, Kind: st.Kind.String(), Tables: st.TableNames(), Plan: pl}
	b, err := json.Marshal(st.Effects)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &x.Effects); err != nil {
		return nil, err
	}
	for _, q := range pl.Shards {
		rt, err := c.router.Explain(routing.UseDatabase(ctx, q.Database), pl.Statement)
		if err != nil {
			return nil, err
		}
		x.Routes = append(x.Routes, rt)
	}
	return x, nil
}

// NodeStatus is one node as the connector sees it now: its statistics,
// whether routing sends it statements, and, for a replica, the last
// measurement of its replication.
type NodeStatus struct {
	registry.Stats
	// InRotation reports whether routing uses the node. A primary is in
	// rotation while healthy. A replica is when healthy, not known to be
	// broken or promoted, within routing.max_replica_lag (when set; an
	// unknown lag is then out) and, under the weighted policy, of non-zero
	// weight.
	InRotation bool `json:"in_rotation"`
	// Replica is the last measurement of a replica (lag, status, replayed
	// position); nil for a primary. SQLite replicas are never measured.
	Replica *routing.ReplicaInfo `json:"replica,omitempty"`
}

// Status returns every node's status, in the order of Registry().Nodes().
func (c *Connector) Status() []NodeStatus {
	rc := c.router.Config()
	maxLag := rc.MaxReplicaLag.D()
	nodes := c.reg.Nodes()
	out := make([]NodeStatus, len(nodes))
	for i, n := range nodes {
		s := NodeStatus{Stats: n.Stats()}
		s.InRotation = s.Healthy
		if n.Role == registry.Replica {
			info := c.router.State().Info(n)
			s.Replica = &info
			switch {
			case info.Status == routing.StatusBroken, info.Status == routing.StatusNotReplica:
				s.InRotation = false
			case maxLag > 0 && (!info.LagKnown || info.Lag > maxLag):
				s.InRotation = false
			case rc.Policy == routecfg.Weighted && rc.Weight(n.Name) == 0:
				s.InRotation = false
			}
		}
		out[i] = s
	}
	return out
}
