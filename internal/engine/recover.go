package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/grantsql/grant/internal/twopc"
	"github.com/grantsql/grant/registry"
	"github.com/grantsql/grant/twophase"
)

// decideWait bounds how long recovery waits for a live coordinator whose
// decision is still uncommitted.
const decideWait = 2 * time.Second

// Recover finishes the two-phase transactions a coordinator that died left
// in doubt, on every database of the cluster: a prepared branch commits if
// its coordinator database holds a commit decision, and rolls back once
// the coordinator can no longer commit (twopc.Decide). Decision rows whose
// branches are all finished are removed. Branches prepared less than
// minAge ago are left to their coordinator, which may still be finishing
// them, and so are their decisions: a young branch may still need its
// commit decision after this pass.
func (e *Engine) Recover(ctx context.Context, minAge time.Duration) (twophase.Report, error) {
	var r twophase.Report
	if !e.tp.on {
		return r, nil
	}
	// Decisions are read before the branches: a decision committed by then
	// had every branch prepared by then, so a branch still unfinished shows
	// in the listing below, and its decision is kept.
	decisions := map[string][]twopc.Decision{}
	for _, db := range e.databases() {
		var ds []twopc.Decision
		err := e.onPrimary(ctx, db, func(pc *registry.Conn) (err error) {
			ds, err = twopc.Decisions(ctx, pc)
			return err
		})
		if err != nil {
			return r, fmt.Errorf("grant: recovery: reading the decisions of %s: %w", db.Name, err)
		}
		decisions[db.Name] = ds
	}
	decided := map[twopc.ID]bool{}
	left := map[twopc.ID]bool{}
	var firstErr error
	for _, db := range e.databases() {
		err := e.onPrimary(ctx, db, func(pc *registry.Conn) error {
			branches, young, err := twopc.Prepared(ctx, e.d, pc, db.Name, minAge)
			if err != nil {
				return err
			}
			for _, b := range young {
				left[b.ID] = true
			}
			for _, b := range branches {
				e.recoverBranch(ctx, pc, b, decided, left, &r)
			}
			return nil
		})
		if err != nil && firstErr == nil {
			firstErr = fmt.Errorf("grant: recovery: listing the prepared transactions of %s: %w", db.Name, err)
		}
	}
	for name, ds := range decisions {
		db, _ := e.reg.Database(name)
		for _, d := range ds {
			if left[d.ID] || firstErr != nil {
				continue
			}
			if e.onPrimary(ctx, db, func(pc *registry.Conn) error { return twopc.Forget(ctx, pc, d.ID) }) == nil {
				r.Forgotten++
			}
		}
	}
	return r, firstErr
}

// recoverBranch finishes one prepared branch, on pc (its server).
func (e *Engine) recoverBranch(ctx context.Context, pc *registry.Conn, b twopc.Branch, decided, left map[twopc.ID]bool, r *twophase.Report) {
	name := b.Database + ": " + b.ID.String()
	commit, ok := decided[b.ID]
	if !ok {
		coord, found := e.reg.Database(b.ID.Coordinator)
		if !found {
			left[b.ID] = true
			r.Pending = append(r.Pending, name+" (its coordinator database "+b.ID.Coordinator+" is not in the configuration)")
			return
		}
		err := e.onPrimary(ctx, coord, func(cpc *registry.Conn) (err error) {
			commit, err = twopc.Decide(ctx, e.d, cpc, b.ID, []string{b.Database}, decideWait)
			return err
		})
		if err != nil {
			left[b.ID] = true
			r.Pending = append(r.Pending, name+" (no decision yet: "+err.Error()+")")
			return
		}
		decided[b.ID] = commit
	}
	var err error
	if commit {
		err = twopc.CommitPrepared(ctx, e.d, pc, b)
	} else {
		err = twopc.RollbackPrepared(ctx, e.d, pc, b)
	}
	switch {
	case err != nil:
		left[b.ID] = true
		r.Pending = append(r.Pending, name+" ("+pc.Node.Wrap(err).Error()+")")
	case commit:
		r.Committed = append(r.Committed, name)
		e.tp.recovered.Add(1)
	default:
		r.RolledBack = append(r.RolledBack, name)
		e.tp.recovered.Add(1)
	}
}

// databases returns every database of the cluster, in name order.
func (e *Engine) databases() []*registry.Database {
	names := e.reg.DatabaseNames()
	out := make([]*registry.Database, len(names))
	for i, n := range names {
		out[i], _ = e.reg.Database(n)
	}
	return out
}

// onPrimary runs fn on a connection to db's primary.
func (e *Engine) onPrimary(ctx context.Context, db *registry.Database, fn func(*registry.Conn) error) error {
	var pc registry.Conn
	if err := db.Primary.Acquire(ctx, &pc); err != nil {
		return err
	}
	err := fn(&pc)
	pc.Release(err)
	return err
}
