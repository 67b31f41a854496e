package routing

import (
	"sync"
	"sync/atomic"
	"time"
)

// Session remembers the writes of one scope (an HTTP request, a user's
// session, a virtual connection) so that its reads do not miss them: per
// database, the time of the last write and, in causal mode, the primary's
// position after it. Put one in a context with WithSession; carry it across
// processes with Token and Merge.
//
// A Session is safe for concurrent use. Reading it allocates nothing;
// recording a write allocates only when the position changes.
type Session struct {
	mu       sync.Mutex // serialises adding a database
	trackers atomic.Pointer[[]*tracker]
}

// NewSession returns a session that has seen no write.
func NewSession() *Session { return &Session{} }

// tracker is what a session knows about one database.
type tracker struct {
	db string
	// wrote is the time of the last write, in Unix nanoseconds; 0 if none.
	wrote atomic.Int64
	// blind is the time of the last write whose position is unknown; causal
	// mode sends reads to the primary for the window after it.
	blind atomic.Int64
	// pos is the merged primary position after the writes, or nil.
	pos atomic.Pointer[Position]
}

// find returns the tracker of db, or nil. It takes no lock.
func (s *Session) find(db string) *tracker {
	if s == nil {
		return nil
	}
	p := s.trackers.Load()
	if p == nil {
		return nil
	}
	for _, t := range *p {
		if t.db == db {
			return t
		}
	}
	return nil
}

// tracker returns the tracker of db, adding it when missing.
func (s *Session) tracker(db string) *tracker {
	if t := s.find(db); t != nil {
		return t
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.find(db); t != nil {
		return t
	}
	var old []*tracker
	if p := s.trackers.Load(); p != nil {
		old = *p
	}
	t := &tracker{db: db}
	list := append(append(make([]*tracker, 0, len(old)+1), old...), t)
	s.trackers.Store(&list)
	return t
}

// note records a write to db at time at (Unix nanoseconds). A zero pos
// means the primary's position after the write is unknown.
func (s *Session) note(db string, at int64, pos Position) {
	if s == nil {
		return
	}
	var blind int64
	if pos.IsZero() {
		blind = at
	}
	s.tracker(db).note(at, blind, pos)
}

// note merges one write (or a token's record) into t.
func (t *tracker) note(wrote, blind int64, pos Position) {
	storeMax(&t.wrote, wrote)
	storeMax(&t.blind, blind)
	if pos.IsZero() {
		return
	}
	for {
		old := t.pos.Load()
		merged := pos
		if old != nil {
			merged = old.Merge(pos)
			if merged.Covers(old) && old.Covers(&merged) {
				return // no change
			}
		}
		if t.pos.CompareAndSwap(old, &merged) {
			return
		}
	}
}

func storeMax(v *atomic.Int64, x int64) {
	for {
		old := v.Load()
		if x <= old || v.CompareAndSwap(old, x) {
			return
		}
	}
}

// LastWrite returns the time of the session's last write to database db,
// or the zero time when it has written nothing there.
func (s *Session) LastWrite(db string) time.Time {
	t := s.find(db)
	if t == nil || t.wrote.Load() == 0 {
		return time.Time{}
	}
	return time.Unix(0, t.wrote.Load())
}

// Position returns the primary's position after the session's last write to
// database db, or the zero Position when none is known.
func (s *Session) Position(db string) Position {
	if t := s.find(db); t != nil {
		if p := t.pos.Load(); p != nil {
			return *p
		}
	}
	return Position{}
}

// Token returns everything the session knows as a portable token, for the
// application to keep (in a cookie or session store) and give back with
// Merge or WithToken in a later request, possibly in another process.
func (s *Session) Token() Token {
	if s == nil {
		return Token{}
	}
	p := s.trackers.Load()
	if p == nil {
		return Token{}
	}
	var tok Token
	for _, t := range *p {
		e := tokenEntry{db: t.db, wrote: t.wrote.Load(), blind: t.blind.Load()}
		if pos := t.pos.Load(); pos != nil {
			e.pos = *pos
		}
		if e.wrote != 0 || e.blind != 0 || !e.pos.IsZero() {
			tok.entries = append(tok.entries, e)
		}
	}
	return tok
}

// Merge adds what tok knows to the session: its writes then count as the
// session's own.
func (s *Session) Merge(tok Token) {
	for _, e := range tok.entries {
		s.tracker(e.db).note(e.wrote, e.blind, e.pos)
	}
}
