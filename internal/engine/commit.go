package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/grantsql/grant/twophase"
)

// commitMode is how a unit of work commits.
type commitMode uint8

const (
	// oneDatabase: one participant commits; its error is the database's.
	oneDatabase commitMode = iota
	// onePhase: several participants commit one after another, those that
	// only read first; a failure after a writer committed is a partial
	// commit (twophase.ErrPartialCommit). Used where two-phase commit is
	// not available.
	onePhase
	// twoPhase: several participants wrote, and every one can prepare
	// (see twophase.go).
	twoPhase
)

// modeOf returns how parts commit: in two phases when several wrote and
// each is a two-phase branch.
func modeOf(parts []*participant) commitMode {
	if len(parts) == 1 {
		return oneDatabase
	}
	writers, branches := 0, 0
	for _, p := range parts {
		if p.wrote {
			writers++
			if p.branch.Database != "" {
				branches++
			}
		}
	}
	if writers > 1 && branches == writers {
		return twoPhase
	}
	return onePhase
}

// commit ends a unit of work, the one path by which every transaction and
// every write on several databases commits, with the mode its participants
// allow (modeOf). Committed writes count for read-your-writes. Every
// connection taken for the work is released.
func (e *Engine) commit(ctx context.Context, parts []*participant) error {
	switch modeOf(parts) {
	case twoPhase:
		return e.commitTwoPhase(ctx, parts)
	case oneDatabase:
		return e.commitOnePhase(ctx, parts, false)
	}
	return e.commitOnePhase(ctx, parts, true)
}

// commitOnePhase commits participants one after another: those that only
// read first, then those that wrote, each in order. When a commit fails
// the participant and every later one roll back; if a participant that
// wrote had committed, the error matches twophase.ErrPartialCommit and
// names the databases on each side. named says to name the database in
// the error.
func (e *Engine) commitOnePhase(ctx context.Context, parts []*participant, named bool) error {
	var committed, rolledBack []string
	var failed *participant
	var cause error
	step := func(p *participant) {
		if cause != nil {
			p.err = p.rollback(ctx, e.d)
			rolledBack = append(rolledBack, p.db.Name)
			return
		}
		if err := p.commitLocal(ctx); err != nil {
			p.rollback(ctx, e.d) // a driver may leave the transaction open
			p.err, failed, cause = err, p, p.pc.Node.Wrap(err)
			return
		}
		if p.wrote {
			committed = append(committed, p.db.Name)
			e.recordWrite(context.WithoutCancel(ctx), p.in, p.pc.Driver())
		}
	}
	inOrder(parts, step)
	for _, p := range parts {
		p.release(p.err)
	}
	if cause == nil || !named {
		return cause
	}
	err := fmt.Errorf("grant: commit on %s: %w", failed.db.Name, cause)
	if len(committed) > 0 {
		rest := ""
		if len(rolledBack) > 0 {
			rest = ", rolled back on " + strings.Join(rolledBack, ", ")
		}
		err = fmt.Errorf("%w: committed on %s, commit failed on %s%s: %w", twophase.ErrPartialCommit,
			strings.Join(committed, ", "), failed.db.Name, rest, err)
	}
	return err
}

// inOrder calls fn for the participants that only read, then for those
// that wrote.
func inOrder(parts []*participant, fn func(*participant)) {
	for _, p := range parts {
		if !p.wrote {
			fn(p)
		}
	}
	for _, p := range parts {
		if p.wrote {
			fn(p)
		}
	}
}

// rollbackAll rolls every participant back, releases their connections and
// returns the first error.
func (e *Engine) rollbackAll(ctx context.Context, parts []*participant) error {
	var first error
	for _, p := range parts {
		if err := p.rollback(ctx, e.d); err != nil {
			p.err = err
			if first == nil {
				first = p.pc.Node.Wrap(err)
			}
		}
		p.release(p.err)
	}
	return first
}

// rollbackFailed rolls back a unit of work that can no longer commit and
// returns why, with any rollback error.
func (e *Engine) rollbackFailed(ctx context.Context, why error, parts []*participant) error {
	return errors.Join(fmt.Errorf("grant: transaction rolled back: %w", why), e.rollbackAll(ctx, parts))
}
