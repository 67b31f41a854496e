package engine

import (
	"context"
	"fmt"

	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/registry"
)

// pin is a physical connection the session keeps across statements: one
// a statement left state on (analyze.PinsSession), or one a write left
// per-session results on (analyze.LeavesResults: LAST_INSERT_ID, lastval,
// ROW_COUNT, changes()) that a later statement may read. A
// connection that carries session state is closed when the session gives
// it back, so no later user inherits it; one kept only for a write's
// session results (last insert id, row count, sequence values) goes back to
// the pool.
type pin struct {
	registry.Conn
	state bool
}

// held returns the physical connection a statement must run on when the
// session holds one: the open transaction's, the connection the session is
// pinned to, or, for a statement that pins or leaves session results, a
// newly taken and pinned one (fresh). held is false when the statement
// takes a pooled connection instead.
func (s *Session) held(ctx context.Context, sp *step) (pc *registry.Conn, held, fresh bool, err error) {
	if s.tx != nil {
		if sp.writes() {
			s.tx.wrote(sp.tp)
		}
		return sp.tp.pc, true, false, nil
	}
	if sp.in.Pinned != nil {
		p := s.pinOf(sp.in.DB.Name)
		p.state = p.state || sp.rt.Pin
		return &p.Conn, true, false, nil
	}
	// The statement takes a new connection: the session first gives back
	// those it keeps only for session results, so that it never waits for
	// a connection while holding one it does not need.
	s.unstick()
	if !sp.rt.Pin && !(sp.rt.Node.Role == registry.Primary && sp.st.Has(analyze.LeavesResults)) {
		return nil, false, false, nil
	}
	p := s.newPin()
	p.state = sp.rt.Pin
	if err := s.take(ctx, sp.rt.Node, &p.Conn); err != nil {
		s.free = append(s.free, p)
		return nil, true, true, err
	}
	s.pins = append(s.pins, p)
	return &p.Conn, true, true, nil
}

// dropPin gives back the pinned connection pc after err, which it had
// before it carried any session state.
func (s *Session) dropPin(pc *registry.Conn, err error) {
	for i, p := range s.pins {
		if &p.Conn == pc {
			p.Release(err)
			p.state = false
			s.pins = append(s.pins[:i], s.pins[i+1:]...)
			s.free = append(s.free, p)
			return
		}
	}
}

// heldFailed handles an error on a held connection. A broken connection
// loses the session state it carried, so the pin is dropped and the session
// is marked broken: database/sql discards it. The error does not match
// driver.ErrBadConn, so database/sql does not silently retry the statement
// on a session without that state.
func (s *Session) heldFailed(pc *registry.Conn, err error) error {
	n := pc.Node
	if !registry.IsConnError(err) || s.tx != nil {
		return n.Wrap(err)
	}
	for i, p := range s.pins {
		if &p.Conn == pc {
			p.Release(err)
			s.pins = append(s.pins[:i], s.pins[i+1:]...)
			s.free = append(s.free, p)
			s.broken = true
			return fmt.Errorf("grant: node %s: the session's pinned connection failed; its session state (SET, temporary tables, locks) is lost: %v", n.Name, n.Wrap(err))
		}
	}
	return n.Wrap(err)
}

// pinnedNode returns the node the session is pinned to in db, or nil.
func (s *Session) pinnedNode(db *registry.Database) *registry.Node {
	if db == nil {
		return nil
	}
	if p := s.pinOf(db.Name); p != nil {
		return p.Node
	}
	return nil
}

func (s *Session) pinOf(db string) *pin {
	for _, p := range s.pins {
		if p.Node.Database == db {
			return p
		}
	}
	return nil
}

// newPin returns a pin to fill, reusing one given back.
func (s *Session) newPin() *pin {
	if n := len(s.free); n > 0 {
		p := s.free[n-1]
		s.free = s.free[:n-1]
		return p
	}
	return new(pin)
}

// unstick gives back the pins kept only for session results.
func (s *Session) unstick() {
	kept := s.pins[:0]
	for _, p := range s.pins {
		if p.state {
			kept = append(kept, p)
			continue
		}
		p.Release(nil)
		s.free = append(s.free, p)
	}
	clear(s.pins[len(kept):])
	s.pins = kept
}

// unpin ends every pin: a connection with session state is closed, any
// other goes back to its pool.
func (s *Session) unpin() {
	for _, p := range s.pins {
		if p.state {
			p.Discard()
		} else {
			p.Release(nil)
		}
		p.state = false
		s.free = append(s.free, p)
	}
	clear(s.pins)
	s.pins = s.pins[:0]
}
