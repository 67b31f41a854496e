package merge

import (
	"errors"
	"fmt"
)

// ErrMemoryLimit matches (with errors.Is) the error returned when a GROUP BY
// or DISTINCT that cannot stream needs more rows in memory than
// Spec.MaxMemoryRows allows.
var ErrMemoryLimit = errors.New("merge: in-memory row limit exceeded")

// ErrOutOfOrder matches (with errors.Is) the error returned when merged
// rows would come out in an order other than the one the shards sorted
// them in: a shard's order is one the merge does not reproduce.
var ErrOutOfOrder = errors.New("merge: rows out of order")

// errStopped is the cancellation cause when the merged rows stop reading on
// purpose (end of data, LIMIT reached, Close); it is never returned.
var errStopped = errors.New("merge: stopped")

type memoryLimitError struct {
	what  string
	limit int
}

func (e *memoryLimitError) Error() string {
	return fmt.Sprintf("merge: %s needs more than %d rows in memory (sharding.max_memory_rows = %d); "+
		"raise sharding.max_memory_rows, or let the shards sort by the grouped columns so the merge can stream",
		e.what, e.limit, e.limit)
}

func (e *memoryLimitError) Is(target error) bool { return target == ErrMemoryLimit }

// shardError names the shard an error came from and wraps it, so errors.As
// still reaches the driver's error type.
func shardError(name string, err error) error {
	return fmt.Errorf("shard %s: %w", name, err)
}
