package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/grantsql/grant/internal/twopc"
	"github.com/grantsql/grant/registry"
	"github.com/grantsql/grant/twophase"
)

// twoPhaseState is what the engine keeps for two-phase commit.
type twoPhaseState struct {
	on     bool     // transactions.cross_shard: two_phase, on a dialect that can
	avail  sync.Map // database name -> error (nil: can prepare)
	tables sync.Map // database name -> struct{}: decision table ensured
	log    *slog.Logger
	forget forgetter // removes the decisions of finished transactions

	committed, rolledBack, unfinished, recovered atomic.Int64
}

// TwoPhaseStats returns the engine's two-phase commit counters.
func (e *Engine) TwoPhaseStats() twophase.Stats {
	t := &e.tp
	return twophase.Stats{Committed: t.committed.Load(), RolledBack: t.rolledBack.Load(),
		Unfinished: t.unfinished.Load(), Recovered: t.recovered.Load()}
}

// twoPhaseWhy returns why the database db cannot take part in a two-phase
// commit, or nil. The answer of the server is cached.
func (e *Engine) twoPhaseWhy(ctx context.Context, db *registry.Database) error {
	if !e.tp.on {
		return errors.New("transactions.cross_shard is refuse")
	}
	if v, ok := e.tp.avail.Load(db.Name); ok {
		err, _ := v.(error)
		return err
	}
	var pc registry.Conn
	if err := db.Primary.Acquire(ctx, &pc); err != nil {
		return err // not cached: the node may come back
	}
	err := twopc.Available(ctx, e.d, &pc)
	pc.Release(err)
	if err == nil || errors.Is(err, twopc.ErrUnavailable) {
		e.tp.avail.Store(db.Name, err)
	}
	return err
}

// ensureTable creates the decision table of db once per engine, on a
// connection of its own (outside the transaction, which DDL would commit
// on MySQL).
func (e *Engine) ensureTable(ctx context.Context, db *registry.Database) error {
	if _, ok := e.tp.tables.Load(db.Name); ok {
		return nil
	}
	var pc registry.Conn
	if err := db.Primary.Acquire(ctx, &pc); err != nil {
		return err
	}
	err := twopc.EnsureTable(ctx, &pc)
	pc.Release(err)
	if err == nil {
		e.tp.tables.Store(db.Name, struct{}{})
	}
	return err
}

// commitTwoPhase commits participants of which several wrote: those that
// only read commit first; the coordinator records the decision in its own
// transaction while every other writer prepares; the coordinator commits
// (the commit point); then every prepared writer commits, all at once.
// Before the commit point a failure rolls everything back and names the
// participant; after it Commit succeeds even if a COMMIT PREPARED fails,
// which is logged and counted and which recovery finishes. The decision is
// removed later, off the caller's path (forgetter).
func (e *Engine) commitTwoPhase(ctx context.Context, parts []*participant) error {
	ctx = context.WithoutCancel(ctx)
	id := parts[0].branch.ID
	var coord *participant
	var writers []string
	for _, p := range parts {
		if p.db.Name == id.Coordinator {
			coord = p
		}
		if p.wrote || p.db.Name == id.Coordinator {
			writers = append(writers, p.db.Name)
		}
	}
	fail := func(step string, at *participant, err error) error {
		err = fmt.Errorf("grant: two-phase commit of %s: %s on %s: %w (rolled back everywhere)", id, step, at.db.Name, at.pc.Node.Wrap(err))
		e.rollbackAll(ctx, parts)
		e.tp.rolledBack.Add(1)
		return err
	}
	if coord == nil {
		return fail("finding the coordinator", parts[0], errors.New("no participant holds the decision"))
	}
	twopc.Failpoint("committing")
	for _, p := range parts {
		if !p.wrote && p != coord {
			if err := p.commitLocal(ctx); err != nil {
				return fail("commit", p, err)
			}
			p.tx, p.xa = nil, false // ended
		}
	}
	// Before the commit point, the coordinator records the decision while
	// every other writer prepares, all at once: none of these waits for
	// another.
	writing := func(p *participant) bool { return p.wrote && p != coord }
	var recordStep string
	var recordErr error
	prepErrs := concurrently(parts, writing, func(p *participant) error {
		err := twopc.Prepare(ctx, e.d, p.pc, p.branch)
		if err == nil {
			p.prepared = true
			twopc.Failpoint("prepared-one")
		}
		return err
	}, func() { recordStep, recordErr = e.record(ctx, coord, writers) })
	if recordErr != nil {
		return fail(recordStep, coord, recordErr)
	}
	for i, err := range prepErrs {
		if err != nil {
			return fail("prepare", parts[i], err)
		}
	}
	twopc.Failpoint("prepared-all")
	if err := e.commitPoint(ctx, coord, parts); err != nil {
		return err
	}
	twopc.Failpoint("decided")
	e.tp.committed.Add(1)
	// After it, every prepared writer commits, all at once.
	commitErrs := concurrently(parts, func(p *participant) bool { return p.prepared }, func(p *participant) error {
		err := twopc.CommitPrepared(ctx, e.d, p.pc, p.branch)
		twopc.Failpoint("committed-one")
		return err
	}, nil)
	done := true
	for i, err := range commitErrs {
		p := parts[i]
		if !p.prepared {
			continue
		}
		p.prepared = false
		if err != nil {
			done = false
			e.tp.unfinished.Add(1)
			e.tp.log.Warn("grant: COMMIT PREPARED failed after the commit point; recovery will finish it",
				slog.String("branch", p.branch.Database+": "+id.String()), slog.String("error", p.pc.Node.Wrap(err).Error()))
			p.err = err
		}
	}
	for _, p := range parts {
		if p.wrote {
			e.recordWrite(ctx, p.in, p.pc.Driver())
		}
		p.release(p.err)
	}
	if done {
		e.tp.forget.add(coord.db.Name, id)
	}
	return nil
}

// record writes the decision in the coordinator's transaction, creating
// the decision table first if needed; it returns the failed step.
func (e *Engine) record(ctx context.Context, coord *participant, writers []string) (string, error) {
	if err := e.ensureTable(ctx, coord.db); err != nil {
		return "creating the decision table", err
	}
	if err := twopc.Record(ctx, coord.pc, coord.branch.ID, writers); err != nil {
		return "recording the decision", err
	}
	twopc.Failpoint("recorded")
	return "", nil
}

// concurrently runs fn for each participant that matches and alongside
// (when not nil) at the same time: alongside on the calling goroutine, the
// participants on goroutines of their own (the last one on the calling
// goroutine when there is no alongside). It returns once all are done,
// with each participant's error at its index.
func concurrently(parts []*participant, match func(*participant) bool, fn func(*participant) error, alongside func()) []error {
	errs := make([]error, len(parts))
	last := -1
	for i, p := range parts {
		if match(p) {
			last = i
		}
	}
	var wg sync.WaitGroup
	for i, p := range parts {
		if match(p) && (i != last || alongside != nil) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = fn(p)
			}()
		}
	}
	switch {
	case alongside != nil:
		alongside()
	case last >= 0:
		errs[last] = fn(parts[last])
	}
	wg.Wait()
	return errs
}

// commitPoint commits the coordinator. When that commit fails the outcome
// is unknown (the decision may have reached the disk); it is read back: a
// decision taken either way is finished, and an outcome that cannot be
// learned is left to recovery.
func (e *Engine) commitPoint(ctx context.Context, coord *participant, parts []*participant) error {
	err := coord.commitLocal(ctx)
	if err == nil {
		coord.tx, coord.xa = nil, false
		return nil
	}
	id := coord.branch.ID
	cause := coord.pc.Node.Wrap(err)
	coord.err = err
	var pc registry.Conn
	committed, derr := false, coord.db.Primary.Acquire(ctx, &pc)
	if derr == nil {
		committed, derr = twopc.Decide(ctx, e.d, &pc, id, dbNames(parts), 5*time.Second)
		pc.Release(derr)
	}
	switch {
	case derr != nil:
		for _, p := range parts {
			p.release(p.err)
		}
		return fmt.Errorf("%w: %s: the coordinator %s failed at the commit point: %w", twophase.ErrInDoubt, id, coord.db.Name, cause)
	case committed:
		coord.tx, coord.xa = nil, false
		return nil
	}
	coord.tx, coord.xa = nil, false // its transaction is gone
	e.rollbackAll(ctx, parts)
	e.tp.rolledBack.Add(1)
	return fmt.Errorf("grant: two-phase commit of %s: commit on the coordinator %s: %w (rolled back everywhere)", id, coord.db.Name, cause)
}

func dbNames(parts []*participant) []string {
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = p.db.Name
	}
	return out
}
