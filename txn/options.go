package txn

import (
	"database/sql"
	"time"
)

// Option configures one Run.
type Option func(*settings)

// The backoff between attempts when no Backoff option is given: the wait
// before retry k is a random duration between 0 and
// min(DefaultBackoffMax, DefaultBackoffBase·2^(k-1)).
const (
	DefaultBackoffBase = 10 * time.Millisecond
	DefaultBackoffMax  = time.Second
)

type settings struct {
	isolation sql.IsolationLevel
	readOnly  bool
	retries   int
	retryOn   func(error) bool
	base, max time.Duration
}

func newSettings(opts []Option) settings {
	s := settings{base: DefaultBackoffBase, max: DefaultBackoffMax}
	for _, o := range opts {
		if o != nil {
			o(&s)
		}
	}
	return s
}

func (s *settings) txOptions() *sql.TxOptions {
	if s.isolation == sql.LevelDefault && !s.readOnly {
		return nil
	}
	return &sql.TxOptions{Isolation: s.isolation, ReadOnly: s.readOnly}
}

func (s *settings) retryable(err error) bool {
	if s.retryOn != nil {
		return s.retryOn(err)
	}
	return DefaultRetryable(err)
}

// Isolation begins the transaction at level (sql.TxOptions.Isolation). A
// nested Run may only repeat its enclosing transaction's level.
func Isolation(level sql.IsolationLevel) Option {
	return func(s *settings) { s.isolation = level }
}

// ReadOnly begins a read-only transaction (sql.TxOptions.ReadOnly): the
// server rejects its writes. A nested Run may only ask for it when the
// enclosing transaction is read-only.
func ReadOnly() Option {
	return func(s *settings) { s.readOnly = true }
}

// Retries lets the outermost Run run its function up to n more times, each
// in a new transaction, when an attempt fails with an error the retry
// predicate accepts (RetryOn, by default DefaultRetryable). The default is
// 0: the function runs once. Ignored by a nested Run.
func Retries(n int) Option {
	return func(s *settings) { s.retries = max(n, 0) }
}

// RetryOn replaces DefaultRetryable as the predicate that decides whether a
// failed attempt is run again (with Retries). It receives the attempt's
// error: BeginTx's, the function's (as the function returned it), or
// Commit's.
func RetryOn(retryable func(error) bool) Option {
	return func(s *settings) { s.retryOn = retryable }
}

// Backoff sets the wait between attempts: before retry k a random duration
// between 0 and min(max, base·2^(k-1)) (exponential backoff with full
// jitter), cut short when the context ends. Backoff(0, 0) retries at once.
func Backoff(base, max time.Duration) Option {
	return func(s *settings) { s.base, s.max = base, max }
}
