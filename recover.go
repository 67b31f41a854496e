package grant

import (
	"context"
	"log/slog"
	"time"

	"github.com/grantsql/grant/twophase"
)

// Recover finishes the two-phase transactions left in doubt on the
// cluster's databases by a process that died between PREPARE and the end
// of its commit: a prepared branch commits when its coordinator database
// recorded the commit, and rolls back once the coordinator can no longer
// commit. Any process holding the configuration may run it, at any time,
// next to live ones. The report names what it finished and what is still
// pending (a coordinator still deciding, a server that did not answer).
// It is what grant recover runs, and what every Connector runs in the
// background every transactions.recovery_interval.
func (c *Connector) Recover(ctx context.Context) (twophase.Report, error) {
	return c.engine.Recover(ctx, 0)
}

// TwoPhaseStats returns the connector's two-phase commit counters.
func (c *Connector) TwoPhaseStats() twophase.Stats { return c.engine.TwoPhaseStats() }

// backgroundAge is how old a prepared branch must be for the background
// recovery to take it: a live coordinator finishes younger ones itself.
const backgroundAge = 30 * time.Second

// recoverLoop runs recovery every interval until stop is closed.
func (c *Connector) recoverLoop(interval time.Duration, stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(interval)
	defer t.Stop()
	log := c.opts.logger
	if log == nil {
		log = slog.Default()
	}
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), interval)
		r, err := c.engine.Recover(ctx, backgroundAge)
		cancel()
		switch {
		case err != nil:
			log.Warn("grant: two-phase recovery", slog.String("error", err.Error()))
		case len(r.Committed)+len(r.RolledBack) > 0:
			log.Info("grant: two-phase recovery finished transactions left in doubt",
				slog.Any("committed", r.Committed), slog.Any("rolled_back", r.RolledBack))
		}
		if len(r.Pending) > 0 {
			log.Warn("grant: two-phase transactions still in doubt", slog.Any("pending", r.Pending))
		}
	}
}
