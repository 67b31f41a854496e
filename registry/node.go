package registry

import (
	"database/sql"
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

	dialect  dialect.Dialect
	dsn      string // unredacted, for scrubbing errors
	inFlight atomic.Int64
	stmts    atomic.Int64
	errs     atomic.Int64
	healthy  atomic.Bool

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
	Transitions int64                         `json:"transitions"`
	Counters    *interceptors.CounterSnapshot `json:"counters,omitempty"`
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
// whether the node's state changed.
func (n *Node) Report(err error, failures, successes int) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.lastCheck = time.Now()
	if err != nil {
		n.lastErr = n.scrub(err.Error())
		n.successes = 0
		n.fails++
		if n.fails >= failures && n.healthy.Load() {
			n.healthy.Store(false)
			n.downSince = n.lastCheck
			n.transition++
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
