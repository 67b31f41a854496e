package idgen

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Store keeps what generators share between processes: the counters of
// sequences and the node leases of snowflake generators. The engine
// implements it on the default database; tests use memory.
type Store interface {
	// TakeBlock advances the counter of sequence name by n and returns the
	// first id of the n it passed over. A missing counter starts at start.
	// Two calls never return overlapping ranges, in any process.
	TakeBlock(ctx context.Context, name string, n, start int64) (first int64, err error)
	// LeaseNode renews r.Prev when r.Holder still holds it (extending
	// Until to at least r.Now+r.Duration), or else leases a node number of
	// table r.Name that no one holds (one whose lease lapsed at least
	// r.Duration before r.Now, or never leased). A new lease's From is
	// after the Until of the node's previous holder.
	LeaseNode(ctx context.Context, r LeaseRequest) (Lease, error)
}

// Lease is a node number a snowflake generator may use for the
// timestamps From..Until, in milliseconds since Epoch, both included.
type Lease struct {
	Node   int    `json:"node"`
	From   int64  `json:"from"`
	Until  int64  `json:"until"`
	Holder string `json:"holder"`
}

// LeaseRequest asks a Store for a lease.
type LeaseRequest struct {
	// Name is the table whose ids the node makes.
	Name string
	// Holder identifies the generator (random, one per generator).
	Holder string
	// Prev is the lease held so far (zero for none).
	Prev Lease
	// Now is the generator's clock, in milliseconds since Epoch.
	Now int64
	// Duration is how long a lease lasts, in milliseconds.
	Duration int64
}

// MaxClockWait is the longest a snowflake generator waits for its clock
// to reach its last timestamp before it refuses.
const MaxClockWait = time.Second

// LeaseDuration is how long a snowflake node lease lasts; the generator
// renews it when less than half is left.
const LeaseDuration = time.Minute

// ErrClockBack is matched (errors.Is) by a *ClockError.
var ErrClockBack = errors.New("idgen: the clock is behind the last id")

// ErrNoNode is returned when every node number of a table is leased.
var ErrNoNode = errors.New("idgen: every snowflake node number is leased")

// ClockError says that a snowflake generator's clock is further behind its
// last timestamp than MaxClockWait: it makes no id until the clock has
// caught up.
type ClockError struct {
	Behind time.Duration
}

// Error describes the gap.
func (e *ClockError) Error() string {
	return fmt.Sprintf("idgen: the clock is %v behind the last id: no id until it catches up", e.Behind)
}

// Is reports whether target is ErrClockBack.
func (e *ClockError) Is(target error) bool { return target == ErrClockBack }

// Generator fills ids with new ids, in increasing order, doing any I/O it
// needs through st.
type Generator interface {
	Fill(ctx context.Context, ids []int64, st Store) error
}

var (
	_ Generator = (*Snowflake)(nil)
	_ Generator = (*Sequence)(nil)
)
