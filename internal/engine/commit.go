package engine

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"

	"github.com/grantsql/grant/registry"
	"github.com/grantsql/grant/routing"
	"github.com/grantsql/grant/twophase"
)

// participant is one database's share of a unit of work that commits as
// one: a transaction's participant, or one database's part of a statement
// that writes to several databases outside a transaction.
type participant struct {
	db    *registry.Database
	pc    *registry.Conn // &own, or a connection the session holds
	own   registry.Conn
	tx    driver.Tx
	in    routing.Input // what routing knew, for read-your-writes
	wrote bool          // a statement may have written here
	err   error         // the last error seen on pc, for its release
}

// begin takes a connection of n for session s under ctx (or uses pinned,
// when it is of n) and begins a transaction on it under txCtx.
func (p *participant) begin(ctx, txCtx context.Context, s *Session, n *registry.Node, pinned *registry.Conn, opts driver.TxOptions) error {
	if pinned != nil && pinned.Node == n {
		p.pc = pinned
	} else {
		p.pc = &p.own
		if err := s.take(ctx, n, p.pc); err != nil {
			return err
		}
	}
	tx, err := p.pc.Begin(txCtx, opts)
	if err != nil {
		p.release(err)
		return n.Wrap(err)
	}
	p.tx = tx
	return nil
}

// release gives back a connection the participant took; one the session
// holds stays with it.
func (p *participant) release(err error) {
	if p.pc == &p.own {
		p.own.Release(err)
	}
}

// commitMode is how a unit of work commits.
type commitMode uint8

const (
	// oneDatabase: one participant commits; its error is the database's.
	oneDatabase commitMode = iota
	// onePhase: several participants commit one after another, those that
	// only read first; a failure after a writer committed is a partial
	// commit (twophase.ErrPartialCommit).
	onePhase
)

func modeOf(parts []*participant) commitMode {
	if len(parts) == 1 {
		return oneDatabase
	}
	return onePhase
}

// commit ends a unit of work, the one path by which every transaction and
// every write on several databases commits. Participants that only read
// commit first, then those that wrote, each in order. When a commit fails
// the participant and every later one roll back; if a participant that
// wrote had committed, the error matches twophase.ErrPartialCommit and
// names the databases on each side. Committed writes count for
// read-your-writes. Every connection taken for the work is released.
func (e *Engine) commit(ctx context.Context, parts []*participant) error {
	mode := modeOf(parts)
	var committed, rolledBack []string
	var failed *participant
	var cause error
	step := func(p *participant) {
		if cause != nil {
			p.err = p.tx.Rollback()
			rolledBack = append(rolledBack, p.db.Name)
			return
		}
		if err := p.tx.Commit(); err != nil {
			p.tx.Rollback() // a driver may leave the transaction open
			p.err, failed, cause = err, p, p.pc.Node.Wrap(err)
			return
		}
		if p.wrote {
			committed = append(committed, p.db.Name)
			e.recordWrite(context.WithoutCancel(ctx), p.in, p.pc.Driver())
		}
	}
	for _, p := range parts {
		if !p.wrote {
			step(p)
		}
	}
	for _, p := range parts {
		if p.wrote {
			step(p)
		}
	}
	for _, p := range parts {
		p.release(p.err)
	}
	if cause == nil || mode == oneDatabase {
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

// rollbackAll rolls every participant back, releases their connections and
// returns the first error.
func rollbackAll(parts []*participant) error {
	var first error
	for _, p := range parts {
		if err := p.tx.Rollback(); err != nil {
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
func rollbackFailed(why error, parts []*participant) error {
	return errors.Join(fmt.Errorf("grant: transaction rolled back: %w", why), rollbackAll(parts))
}
