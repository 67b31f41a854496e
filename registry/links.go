package registry

import (
	"context"
	"errors"
	"net"
	"sync"
	"sync/atomic"
)

// links are the network connections of one node: every physical
// connection's (those of its pool and its health-check connection), and
// those being dialled. When the node leaves rotation, cut closes them all,
// so that a statement in flight on a node that stopped answering (a hung
// machine, a frozen process) ends at once instead of waiting for the
// server: network connections may be closed from any goroutine, unlike the
// driver connections over them.
//
// Links exist for the real PostgreSQL and MySQL drivers, whose dial
// functions Grant sets (see dialer); with a connector of the caller's
// (Options.Connector) or SQLite there are none, and leaving rotation only
// keeps new statements away.
type links struct {
	mu  sync.Mutex
	set map[net.Conn]struct{}
	// epoch counts the times the node left rotation. A physical connection
	// made in an earlier epoch is stale: its network connection was cut,
	// or is about to be.
	epoch atomic.Uint64
}

// dialKey is the context key of a Connect's *dialSlot.
type dialKey struct{}

// dialSlot collects the network connections dialled during one Connect,
// begun in epoch.
type dialSlot struct {
	epoch uint64
	conns []net.Conn
}

// errCutOff is the dial of a connection begun before its node left
// rotation and ended after.
var errCutOff = errors.New("grant: the node left rotation while connecting")

// dialFunc is the shape of both drivers' dial functions.
type dialFunc = func(ctx context.Context, network, addr string) (net.Conn, error)

// dialer returns dial, recording each network connection it makes in l
// and in the slot of the Connect it serves.
func (l *links) dialer(dial dialFunc) dialFunc {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		nc, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		s, _ := ctx.Value(dialKey{}).(*dialSlot)
		l.mu.Lock()
		if s != nil && s.epoch != l.epoch.Load() {
			l.mu.Unlock()
			_ = nc.Close()
			return nil, errCutOff
		}
		if l.set == nil {
			l.set = map[net.Conn]struct{}{}
		}
		l.set[nc] = struct{}{}
		l.mu.Unlock()
		if s != nil {
			s.conns = append(s.conns, nc)
		}
		return nc, nil
	}
}

// settle ends the Connect that filled s: the last network connection it
// dialled is the physical connection's when ok, and returned; the others
// (failed attempts, which the driver closed) are forgotten.
func (l *links) settle(s *dialSlot, ok bool) net.Conn {
	var keep net.Conn
	if ok && len(s.conns) > 0 {
		keep = s.conns[len(s.conns)-1]
		s.conns = s.conns[:len(s.conns)-1]
	}
	for _, nc := range s.conns {
		l.forget(nc)
		_ = nc.Close()
	}
	return keep
}

// forget removes nc, which its physical connection closes.
func (l *links) forget(nc net.Conn) {
	if nc == nil {
		return
	}
	l.mu.Lock()
	delete(l.set, nc)
	l.mu.Unlock()
}

// cut starts a new epoch and closes every network connection of the node.
// It returns how many it closed.
func (l *links) cut() int {
	l.mu.Lock()
	l.epoch.Add(1)
	set := l.set
	l.set = nil
	l.mu.Unlock()
	for nc := range set {
		_ = nc.Close()
	}
	return len(set)
}
