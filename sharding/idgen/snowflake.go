package idgen

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"time"
)

// The layout of a snowflake id, from the top: a zero sign bit, TimeBits of
// milliseconds since Epoch, NodeBits of node number, SeqBits of sequence.
const (
	TimeBits = 41
	NodeBits = 8
	SeqBits  = 14
	// MaxNode is the largest node number.
	MaxNode = 1<<NodeBits - 1
	// MaxBatch is the most ids one Fill makes consecutive.
	MaxBatch = 1 << SeqBits
	maxTime  = 1<<TimeBits - 1
)

// Epoch is the zero of snowflake timestamps.
var Epoch = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

// Compose returns the id of millisecond ms since Epoch, node and seq.
func Compose(ms int64, node, seq int) int64 {
	return ms<<(NodeBits+SeqBits) | int64(node)<<SeqBits | int64(seq)
}

// Parts returns the time, node and sequence of a snowflake id.
func Parts(id int64) (t time.Time, node, seq int) {
	ms := id >> (NodeBits + SeqBits)
	return Epoch.Add(time.Duration(ms) * time.Millisecond), int(id>>SeqBits) & MaxNode, int(id) & (MaxBatch - 1)
}

// Millis returns t in milliseconds since Epoch.
func Millis(t time.Time) int64 { return t.Sub(Epoch).Milliseconds() }

// Snowflake makes 64-bit time-ordered ids (see the package documentation).
type Snowflake struct {
	name   string // the table, for leases
	holder string
	fixed  bool // the node is configured: no lease
	clock  func() int64
	// io admits one lease operation at a time.
	io chan struct{}

	mu    sync.Mutex
	lease Lease
	has   bool  // a lease (or the fixed node) is held
	last  int64 // the timestamp of the last id made
	seq   int   // the ids made at last
}

// NewSnowflake returns a generator of the configured node number.
func NewSnowflake(node int) (*Snowflake, error) {
	if node < 0 || node > MaxNode {
		return nil, fmt.Errorf("idgen: snowflake node %d out of range 0..%d", node, MaxNode)
	}
	g := newSnowflake("")
	g.fixed, g.has = true, true
	g.lease = Lease{Node: node, From: 0, Until: maxTime}
	return g, nil
}

// NewLeasedSnowflake returns a generator of table name's ids whose node
// number it leases from the Store given to Fill.
func NewLeasedSnowflake(name string) *Snowflake {
	g := newSnowflake(name)
	var b [8]byte
	_, _ = rand.Read(b[:])
	g.holder = hex.EncodeToString(b[:])
	return g
}

func newSnowflake(name string) *Snowflake {
	start := time.Now() // with the monotonic reading: steps of the wall clock do not move ms
	base := Millis(start)
	return &Snowflake{name: name, io: make(chan struct{}, 1),
		clock: func() int64 { return base + time.Since(start).Milliseconds() }}
}

// Node returns the node number in use, and whether there is one (a leased
// generator has none before its first id).
func (g *Snowflake) Node() (int, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.lease.Node, g.has
}

// Ready reports whether a Fill would need no lease operation: a hint.
func (g *Snowflake) Ready() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.fixed || (g.has && g.lease.Until-max(g.clock(), g.last) >= LeaseDuration.Milliseconds()/2)
}

// Next returns one id of a generator with a configured node.
func (g *Snowflake) Next() (int64, error) {
	var id [1]int64
	err := g.Fill(context.Background(), id[:], nil)
	return id[0], err
}

// Fill fills ids with increasing ids, consecutive in runs of MaxBatch. A
// leased generator takes or renews its lease through st first when it
// needs to; a configured one never uses st.
func (g *Snowflake) Fill(ctx context.Context, ids []int64, st Store) error {
	for len(ids) > 0 {
		g.mu.Lock()
		wait, need, renew, err := g.fill(ids)
		g.mu.Unlock()
		switch {
		case err != nil:
			return err
		case need:
			if st == nil {
				return fmt.Errorf("idgen: the snowflake generator of %s has no node lease and no store to take one from", g.name)
			}
			if err := g.acquire(ctx, st, true); err != nil {
				return err
			}
		case wait > 0:
			t := time.NewTimer(time.Duration(wait) * time.Millisecond)
			select {
			case <-ctx.Done():
				t.Stop()
				return ctx.Err()
			case <-t.C:
			}
		default:
			if renew && st != nil {
				_ = g.acquire(ctx, st, false) // failures show at expiry
			}
			return nil
		}
	}
	return nil
}

// fill makes ids under g.mu, or says why it cannot yet: wait milliseconds
// for the clock, need a lease. renew says that the lease should be
// renewed after the ids are used.
func (g *Snowflake) fill(ids []int64) (wait int64, need, renew bool, err error) {
	if !g.has {
		return 0, true, false, nil
	}
	now := g.clock()
	ref := max(now, g.lease.From)
	last, seq := g.last, g.seq
	for done := 0; done < len(ids); {
		chunk := min(len(ids)-done, MaxBatch)
		ts := max(ref, last)
		if ts == last && seq+chunk > MaxBatch {
			ts = last + 1
		}
		// A full millisecond borrows the next one; a batch of several
		// runs may run ahead by one millisecond per run.
		if ahead := ts - ref; ahead > int64(1+done/MaxBatch) {
			if ahead > MaxClockWait.Milliseconds() {
				return 0, false, false, &ClockError{Behind: time.Duration(ahead) * time.Millisecond}
			}
			return ahead - 1, false, false, nil
		}
		if ts > g.lease.Until {
			return 0, true, false, nil
		}
		if ts != last {
			seq = 0
		}
		base := Compose(ts, g.lease.Node, seq)
		for i := range chunk {
			ids[done+i] = base + int64(i)
		}
		last, seq, done = ts, seq+chunk, done+chunk
	}
	g.last, g.seq = last, seq
	renew = !g.fixed && g.lease.Until-last < LeaseDuration.Milliseconds()/2
	return 0, false, renew, nil
}

// acquire takes or renews the lease through st, one operation at a time.
// When it is not needed (a renewal ahead of time) it gives way to an
// operation already running and does nothing if another one renewed the
// lease meanwhile.
func (g *Snowflake) acquire(ctx context.Context, st Store, needed bool) error {
	if needed {
		select {
		case g.io <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
	} else {
		select {
		case g.io <- struct{}{}:
		default:
			return nil
		}
	}
	defer func() { <-g.io }()
	half := LeaseDuration.Milliseconds() / 2
	g.mu.Lock()
	now := g.clock()
	req := LeaseRequest{Name: g.name, Holder: g.holder, Now: now, Duration: LeaseDuration.Milliseconds()}
	if g.has {
		if g.lease.Until-max(now, g.last) >= half {
			g.mu.Unlock()
			return nil // renewed by another caller
		}
		req.Prev = g.lease
	}
	g.mu.Unlock()
	l, err := st.LeaseNode(ctx, req)
	if err != nil {
		return fmt.Errorf("idgen: leasing a snowflake node for %s: %w", g.name, err)
	}
	if l.Node < 0 || l.Node > MaxNode || l.Until < l.From {
		return fmt.Errorf("idgen: the store leased an invalid node %d (%d..%d) for %s", l.Node, l.From, l.Until, g.name)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.has || l.Node != g.lease.Node {
		// Ids of the new node must come after every id made so far.
		g.last = max(g.last, l.From-1)
		g.seq = MaxBatch
	}
	g.lease, g.has = l, true
	return nil
}
