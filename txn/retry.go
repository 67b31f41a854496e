package txn

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/grantsql/grant/locking"
)

// DefaultRetryable is the retry predicate of Retries when no RetryOn option
// replaces it. It accepts the errors after which running the whole
// transaction again can succeed: locking.IsRetryable (a deadlock, a
// serialization failure or a stale optimistic lock, of pgx, MySQL/MariaDB
// and SQLite), and any error reporting SQLSTATE 40001 or 40P01 through a
// SQLState() string method (lib/pq's *pq.Error).
func DefaultRetryable(err error) bool {
	return locking.IsRetryable(err) || sqlStateRetryable(err)
}

func sqlStateRetryable(err error) bool {
	var e interface{ SQLState() string }
	if !errors.As(err, &e) {
		return false
	}
	switch e.SQLState() {
	case "40001", "40P01":
		return true
	}
	return false
}

// delay is the wait before retry number attempt (1 for the first retry):
// full jitter over min(max, base·2^(attempt-1)).
func (s *settings) delay(attempt int) time.Duration {
	if s.base <= 0 || s.max <= 0 {
		return 0
	}
	d := s.max
	if shift := attempt - 1; shift < 62 {
		if e := s.base << shift; e > 0 && e>>shift == s.base && e < d {
			d = e
		}
	}
	return time.Duration(rand.Uint64N(uint64(d) + 1))
}

// wait sleeps for d, and returns ctx's error if ctx ends first (or has
// ended already).
func wait(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
