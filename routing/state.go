package routing

import (
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/grantsql/grant/registry"
)

// Status is what a replica's last measurement says about its replication.
type Status uint32

// The replica statuses.
const (
	StatusUnknown     Status = iota // not measured yet, or the measurement failed
	StatusReplicating               // replicating from its primary
	StatusBroken                    // replication stopped or failing: out of rotation
	StatusNotReplica                // the server is not a replica (promoted?): out of rotation
)

var statusNames = [...]string{"unknown", "replicating", "broken", "not_replica"}

// String returns the snake_case name of s.
func (s Status) String() string {
	if int(s) < len(statusNames) {
		return statusNames[s]
	}
	return "unknown"
}

// MarshalText writes s as String does.
func (s Status) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Measurement is one observation of a replica.
type Measurement struct {
	Status Status
	// Lag is how far the replica is behind its primary, when LagKnown.
	Lag      time.Duration
	LagKnown bool
	// ReplayAge is set when Lag is the age of the last replayed transaction
	// (PostgreSQL), which over-states the lag when the primary was idle
	// before the pending changes: Record then bounds it by the time since
	// the replica was last seen caught up.
	ReplayAge bool
	// CaughtUp is set when the replica is connected to its primary and has
	// replayed everything it received: its lag is then zero, even when the
	// primary has written nothing for a long time (PostgreSQL).
	CaughtUp bool
	// Position is the replayed position; zero when unknown.
	Position Position
	// Detail explains a broken status or a failed measurement.
	Detail string
}

// State holds the latest measurement of every replica, written by the lag
// monitor (or by tests) and read by Decide without locks or allocation.
type State struct {
	mu    sync.Mutex
	slots atomic.Pointer[map[*registry.Node]*replicaState]
	now   func() time.Time
}

// NewState returns an empty State; now is its clock (nil: time.Now).
func NewState(now func() time.Time) *State {
	if now == nil {
		now = time.Now
	}
	return &State{now: now}
}

// replicaState is one replica's latest measurement, in atomics.
type replicaState struct {
	// statusV, lag and pos are read on every routing decision.
	statusV atomic.Uint32
	lag     atomic.Int64 // nanoseconds; lagUnknown when unknown
	pos     atomic.Pointer[Position]

	mu         sync.Mutex // guards the fields below (writers only)
	caughtUpAt time.Time  // the last time the replica was seen caught up
	measuredAt time.Time
	detail     string
}

const lagUnknown = math.MaxInt64

// slot returns the state of n, adding it when missing.
func (s *State) slot(n *registry.Node) *replicaState {
	if m := s.slots.Load(); m != nil {
		if r := (*m)[n]; r != nil {
			return r
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var old map[*registry.Node]*replicaState
	if m := s.slots.Load(); m != nil {
		if r := (*m)[n]; r != nil {
			return r
		}
		old = *m
	}
	m := make(map[*registry.Node]*replicaState, len(old)+1)
	for k, v := range old {
		m[k] = v
	}
	r := &replicaState{}
	r.lag.Store(lagUnknown)
	m[n] = r
	s.slots.Store(&m)
	return r
}

// Record stores a measurement of replica n. A lag measured as the age of
// the last replayed transaction (ReplayAge) is bounded by the time since the
// replica was last seen caught up: everything it has not replayed arrived
// after that, whereas the last replayed transaction may be old because the
// primary was idle.
func (s *State) Record(n *registry.Node, m Measurement) {
	r := s.slot(n)
	now := s.now()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.measuredAt, r.detail = now, m.Detail
	lag := int64(lagUnknown)
	switch {
	case m.Status != StatusReplicating:
	case m.CaughtUp:
		r.caughtUpAt = now
		lag = 0
	default:
		if m.LagKnown {
			lag = max(int64(m.Lag), 0)
		}
		if m.ReplayAge && !r.caughtUpAt.IsZero() {
			lag = min(lag, int64(now.Sub(r.caughtUpAt)))
		}
	}
	r.lag.Store(lag)
	r.advance(m.Position)
	r.statusV.Store(uint32(m.Status))
}

// advance records a replayed position p of the replica (the zero Position
// changes nothing). Positions only move forward: the result is the later
// of the two (per GTID domain), so that a measurement or check that raced
// a later one cannot move it back.
func (r *replicaState) advance(p Position) {
	if p.IsZero() {
		return
	}
	for {
		old := r.pos.Load()
		next := p
		if old != nil {
			if old.Covers(&p) {
				return
			}
			next = old.Merge(p)
		}
		if r.pos.CompareAndSwap(old, &next) {
			return
		}
	}
}

// Failed records that measuring n failed: its status and lag become
// unknown; its last known position stays, since positions only advance.
func (s *State) Failed(n *registry.Node, err error) {
	r := s.slot(n)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.measuredAt, r.detail = s.now(), err.Error()
	r.lag.Store(lagUnknown)
	r.statusV.Store(uint32(StatusUnknown))
}

// ReplicaInfo is a snapshot of one replica's measurement, for stats and
// grant health.
type ReplicaInfo struct {
	Node       string        `json:"node"`
	Status     Status        `json:"status"`
	Lag        time.Duration `json:"lag_ns"`
	LagKnown   bool          `json:"lag_known"`
	Position   Position      `json:"position"`
	MeasuredAt time.Time     `json:"measured_at"`
	Detail     string        `json:"detail,omitempty"`
}

// Info returns the latest measurement of replica n.
func (s *State) Info(n *registry.Node) ReplicaInfo {
	r := s.slot(n)
	r.mu.Lock()
	defer r.mu.Unlock()
	info := ReplicaInfo{Node: n.Name, Status: Status(r.statusV.Load()), MeasuredAt: r.measuredAt, Detail: r.detail}
	if lag := r.lag.Load(); lag != lagUnknown {
		info.Lag, info.LagKnown = time.Duration(lag), true
	}
	if p := r.pos.Load(); p != nil {
		info.Position = *p
	}
	return info
}
