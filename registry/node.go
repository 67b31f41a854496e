package registry

import (
	"database/sql"
	"database/sql/driver"
	"sync"
	"sync/atomic"
	"time"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/interceptors"
)

// Role is a node's part in its database.
type Role uint8

// The roles of a node.
const (
	Primary Role = iota // takes writes
	Replica             // a read-only copy of the primary
)

// String returns "primary" or "replica".
func (r Role) String() string {
	if r == Replica {
		return "replica"
	}
	return "primary"
}

// Node is one physical database server (or SQLite file) and its pool.
type Node struct {
	// Name is the node's key path in the configuration, e.g.
	// "main.primary" or "main.replicas[1]"; errors and stats use it.
	Name     string
	Database string
	Role     Role
	Index    int    // replica index; 0 for a primary
	Redacted string // the DSN with its password masked
	// DB is the node's pool. Grant takes connections from it with Conn and
	// talks to the driver connection directly.
	DB *sql.DB
	// Counters counts the node's calls when Options.Counters is set.
	Counters *interceptors.Counters

	dialect   dialect.Dialect
	dsn       string           // unredacted, for scrubbing errors
	connector driver.Connector // the pool's, which the health check uses too
	links     *links           // nil without recorded network connections
	// connectLimit bounds connecting while the node is out of rotation:
	// the health check timeout.
	connectLimit time.Duration
	probeConn    prober
	inFlight     atomic.Int64
	stmts        atomic.Int64
	errs         atomic.Int64
	healthy      atomic.Bool
	failing      atomic.Bool // fails > 0 while healthy: a success resets it
	cut          atomic.Int64
	hedges       atomic.Int64
	hedgeWins    atomic.Int64

	mu         sync.Mutex // guards the health fields below
	fails      int
	successes  int
	lastErr    string
	lastCheck  time.Time
	downSince  time.Time
	transition int64
}

// InFlight returns the statements (and held transactions) running on the
// node now.
func (n *Node) InFlight() int64 { return n.inFlight.Load() }

// Healthy reports whether the node is in rotation.
func (n *Node) Healthy() bool { return n.healthy.Load() }

// Stats is a snapshot of one node.
type Stats struct {
	Name     string      `json:"name"`
	Database string      `json:"database"`
	Role     string      `json:"role"`
	DSN      string      `json:"dsn"` // password masked
	Healthy  bool        `json:"healthy"`
	InFlight int64       `json:"in_flight"`
	Stmts    int64       `json:"statements"`
	Errors   int64       `json:"errors"`
	Pool     sql.DBStats `json:"pool"`
	// LastError is the last health-check or connection error, masked.
	LastError string    `json:"last_error,omitempty"`
	LastCheck time.Time `json:"last_check"`
	// DownSince is when the node left rotation; zero while healthy.
	DownSince time.Time `json:"down_since"`
	// Transitions counts how often the node left or rejoined rotation.
	Transitions int64 `json:"transitions"`
	// Interrupted counts the statements cancelled because the node left
	// rotation while they ran.
	Interrupted int64 `json:"interrupted"`
	// Hedges counts the reads sent to this node as a hedge
	// (routing.hedge_after) because another node was slow to answer;
	// HedgeWins those it answered first.
	Hedges    int64                         `json:"hedges"`
	HedgeWins int64                         `json:"hedge_wins"`
	Counters  *interceptors.CounterSnapshot `json:"counters,omitempty"`
}

// Stats returns a snapshot of the node.
func (n *Node) Stats() Stats {
	n.mu.Lock()
	s := Stats{
		Name: n.Name, Database: n.Database, Role: n.Role.String(), DSN: n.Redacted,
		LastError: n.lastErr, LastCheck: n.lastCheck, DownSince: n.downSince, Transitions: n.transition,
	}
	n.mu.Unlock()
	s.Healthy = n.Healthy()
	s.InFlight = n.inFlight.Load()
	s.Stmts = n.stmts.Load()
	s.Errors = n.errs.Load()
	s.Interrupted = n.cut.Load()
	s.Hedges, s.HedgeWins = n.hedges.Load(), n.hedgeWins.Load()
	s.Pool = n.DB.Stats()
	if n.Counters != nil {
		c := n.Counters.Snapshot()
		s.Counters = &c
	}
	return s
}

// Report records the outcome of a health probe or of a statement that failed
// at the connection level: failures consecutive failures take the node out
// of rotation, successes consecutive successes bring it back. It reports
// whether the node's state changed. A node that leaves rotation takes the
// statements in flight on it along: their connections are cut, so they end
// with a *LeftRotationError instead of waiting for the server.
func (n *Node) Report(err error, failures, successes int) bool {
	n.mu.Lock()
	changed := n.report(err, failures, successes)
	n.mu.Unlock()
	if changed && err != nil {
		n.leave()
	}
	return changed
}

func (n *Node) report(err error, failures, successes int) bool {
	n.lastCheck = time.Now()
	defer func() { n.failing.Store(n.fails > 0 && n.healthy.Load()) }()
	if err != nil {
		n.lastErr = n.scrub(err.Error())
		n.successes = 0
		n.fails++
		if n.fails >= failures && n.healthy.Load() {
			n.down()
			return true
		}
		return false
	}
	n.fails = 0
	n.successes++
	if n.successes >= successes && !n.healthy.Load() {
		n.healthy.Store(true)
		n.downSince = time.Time{}
		n.transition++
		return true
	}
	return false
}

// down takes the node out of rotation; n.mu is held.
func (n *Node) down() {
	n.healthy.Store(false)
	n.downSince = n.lastCheck
	n.transition++
}

// leave cuts the node's network connections after it left rotation.
func (n *Node) leave() {
	if n.links != nil {
		n.links.cut()
	}
}

// answered notes that a statement succeeded on the node: while it is in
// rotation, the failures counted against it are no longer consecutive.
func (n *Node) answered() {
	if !n.failing.Load() {
		return
	}
	n.mu.Lock()
	if n.healthy.Load() {
		n.fails = 0
	}
	n.failing.Store(false)
	n.mu.Unlock()
}

// CountHedge counts a read sent to the node as a hedge, and whether the
// node answered it first: for Stats.
func (n *Node) CountHedge(won bool) {
	n.hedges.Add(1)
	if won {
		n.hedgeWins.Add(1)
	}
}
