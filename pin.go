package grant

import (
	"context"
	"fmt"

	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/registry"
)

// pin is a physical connection the session keeps. A connection that
// carries session state is closed when the session ends, so no later user
// inherits it; one kept only for a write's session results (last insert id,
// row count, sequence values) goes back to the pool.
type pin struct {
	registry.Conn
	state bool
}

// sticky reports whether a write leaves per-session results that a later
// statement of the session may read (LAST_INSERT_ID, lastval, currval,
// ROW_COUNT, changes()): the session then keeps that connection.
func sticky(st *analyze.Statement) bool {
	switch st.Kind {
	case analyze.KindInsert, analyze.KindUpdate, analyze.KindDelete, analyze.KindMerge:
		return true
	}
	for _, f := range st.Functions {
		if f == "nextval" || f == "setval" {
			return true
		}
	}
	return false
}

// held returns the physical connection a statement must run on when the
// session holds one: the open transaction's, the connection the session is
// pinned to, or, for a statement that pins, a newly taken and pinned one.
// held is false when the statement takes a pooled connection instead.
func (vc *Conn) held(ctx context.Context, s *step) (*registry.Conn, bool, error) {
	if vc.tx != nil {
		if s.writes() {
			vc.tx.wrote(s.tp)
		}
		return s.tp.pc, true, nil
	}
	if s.in.Pinned != nil {
		p := vc.pinOf(s.in.DB.Name)
		p.state = p.state || s.rt.Pin
		return &p.Conn, true, nil
	}
	if !s.rt.Pin && !(s.rt.Node.Role == registry.Primary && sticky(s.st)) {
		return nil, false, nil
	}
	p := vc.newPin()
	p.state = s.rt.Pin
	if err := s.rt.Node.Acquire(ctx, &p.Conn); err != nil {
		vc.free = append(vc.free, p)
		return nil, true, err
	}
	vc.pins = append(vc.pins, p)
	return &p.Conn, true, nil
}

// heldFailed handles an error on a held connection. A broken connection
// loses the session state it carried, so the pin is dropped and the session
// is marked bad: database/sql discards it. The error does not match
// driver.ErrBadConn, so database/sql does not silently retry the statement
// on a session without that state.
func (vc *Conn) heldFailed(pc *registry.Conn, err error) error {
	n := pc.Node
	if !registry.IsConnError(err) || vc.tx != nil {
		return n.Wrap(err)
	}
	for i, p := range vc.pins {
		if &p.Conn == pc {
			p.Release(err)
			vc.pins = append(vc.pins[:i], vc.pins[i+1:]...)
			vc.closed = true
			return fmt.Errorf("grant: node %s: the session's pinned connection failed; its session state (SET, temporary tables, locks) is lost: %v", n.Name, n.Wrap(err))
		}
	}
	return n.Wrap(err)
}

// pinnedNode returns the node the session is pinned to in db, or nil.
func (vc *Conn) pinnedNode(db *registry.Database) *registry.Node {
	if db == nil {
		return nil
	}
	if p := vc.pinOf(db.Name); p != nil {
		return p.Node
	}
	return nil
}

func (vc *Conn) pinOf(db string) *pin {
	for _, p := range vc.pins {
		if p.Node.Database == db {
			return p
		}
	}
	return nil
}

// newPin returns a pin to fill, reusing one a reset session gave back.
func (vc *Conn) newPin() *pin {
	if n := len(vc.free); n > 0 {
		p := vc.free[n-1]
		vc.free = vc.free[:n-1]
		return p
	}
	return new(pin)
}

// unpin ends every pin: a connection with session state is closed, any
// other goes back to its pool.
func (vc *Conn) unpin() {
	for _, p := range vc.pins {
		if p.state {
			p.Discard()
		} else {
			p.Release(nil)
		}
		p.state = false
		vc.free = append(vc.free, p)
	}
	vc.pins = vc.pins[:0]
}
