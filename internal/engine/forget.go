package engine

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/grantsql/grant/internal/twopc"
	"github.com/grantsql/grant/registry"
)

const (
	// forgetDelay is how long the decision of a finished two-phase
	// transaction may stay in its coordinator's table before it is removed.
	forgetDelay = time.Second
	// forgetBatch is how many finished decisions of one coordinator
	// database are removed at once without waiting for forgetDelay.
	forgetBatch = 128
	// forgetTimeout bounds the removal of a batch.
	forgetTimeout = 10 * time.Second
)

// forgetter removes the decisions of finished two-phase transactions off
// the committing caller's path: a decision is garbage once every branch
// committed, so removing it is not part of the commit. Decisions are
// removed in batches, one DELETE per coordinator database, forgetDelay
// after the first of a batch or once forgetBatch are waiting, and when the
// engine closes. A removal that fails, or a process that ends before it,
// leaves rows that recovery removes (Recover forgets every decision with
// no branch left).
type forgetter struct {
	e       *Engine
	mu      sync.Mutex
	pending map[string][]twopc.ID // coordinator database -> finished decisions
	timer   *time.Timer           // the scheduled removal, or nil
	closed  bool
	wg      sync.WaitGroup // removals running
	delay   time.Duration  // forgetDelay (New), unless a test sets another
}

// add schedules the removal of the decision of id, in the coordinator
// database db.
func (f *forgetter) add(db string, id twopc.ID) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return // the engine's pools are closed: recovery removes it
	}
	if f.pending == nil {
		f.pending = map[string][]twopc.ID{}
	}
	f.pending[db] = append(f.pending[db], id)
	switch {
	case len(f.pending[db]) >= forgetBatch:
		batch := f.takeLocked()
		f.wg.Add(1)
		go func() {
			defer f.wg.Done()
			f.remove(batch)
		}()
	case f.timer == nil:
		f.timer = time.AfterFunc(f.delay, f.onTimer)
	}
}

// onTimer removes what is pending when forgetDelay passed.
func (f *forgetter) onTimer() {
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		return
	}
	batch := f.takeLocked()
	f.wg.Add(1)
	f.mu.Unlock()
	defer f.wg.Done()
	f.remove(batch)
}

// takeLocked returns what is pending and cancels the scheduled removal.
func (f *forgetter) takeLocked() map[string][]twopc.ID {
	batch := f.pending
	f.pending = nil
	if f.timer != nil {
		f.timer.Stop() // when it already fired, it finds nothing pending
		f.timer = nil
	}
	return batch
}

// close removes what is pending, after the removals running, and stops
// scheduling: it runs before the engine's pools close.
func (f *forgetter) close() {
	f.mu.Lock()
	f.closed = true
	batch := f.takeLocked()
	f.mu.Unlock()
	f.wg.Wait()
	f.remove(batch)
}

// remove deletes the decisions of batch, one statement per coordinator
// database.
func (f *forgetter) remove(batch map[string][]twopc.ID) {
	for name, ids := range batch {
		db, ok := f.e.reg.Database(name)
		if !ok || len(ids) == 0 {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), forgetTimeout)
		err := f.e.onPrimary(ctx, db, func(pc *registry.Conn) error { return twopc.Forget(ctx, pc, ids...) })
		cancel()
		if err != nil {
			f.e.tp.log.Debug("grant: removing finished two-phase decisions; recovery will",
				slog.String("database", name), slog.Int("decisions", len(ids)), slog.String("error", err.Error()))
		}
	}
}
