package locking

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// Strength is how strongly a locking read locks the rows it returns.
type Strength uint8

// The lock strengths. NoKeyUpdate and KeyShare exist on PostgreSQL only;
// asking for them on another dialect is an error.
const (
	// Update locks the rows against any change or lock by others
	// (FOR UPDATE).
	Update Strength = iota + 1
	// NoKeyUpdate is PostgreSQL's FOR NO KEY UPDATE: like Update, but it
	// lets others take KeyShare locks (inserts referencing the rows proceed).
	NoKeyUpdate
	// Share lets others read and share-lock the rows but not change them
	// (FOR SHARE; LOCK IN SHARE MODE on MariaDB).
	Share
	// KeyShare is PostgreSQL's FOR KEY SHARE: it blocks only changes of the
	// rows' keys and deletions.
	KeyShare
)

var strengthClauses = [...]string{"", "FOR UPDATE", "FOR NO KEY UPDATE", "FOR SHARE", "FOR KEY SHARE"}

// String returns the PostgreSQL clause of s ("FOR UPDATE").
func (s Strength) String() string {
	if int(s) < len(strengthClauses) && s != 0 {
		return strengthClauses[s]
	}
	return "strength(" + strconv.Itoa(int(s)) + ")"
}

// WaitPolicy is what a locking read does when a row it wants is locked by
// another transaction.
type WaitPolicy uint8

// The wait policies.
const (
	// Block waits for the lock (up to the Timeout option, or the server's
	// own limit).
	Block WaitPolicy = iota
	// FailFast fails at once with an error that IsLockNotAvailable matches
	// (NOWAIT).
	FailFast
	// Skip leaves locked rows out of the result (SKIP LOCKED).
	Skip
)

// Request is what a context asks of the SELECTs run with it: a locking
// clause of some strength, how to wait, which tables, and a lock timeout.
// It is plain data, read by the executor with FromContext. The Of slice is
// shared: do not modify it.
type Request struct {
	Strength Strength
	Wait     WaitPolicy
	// Of restricts the lock to the rows of these tables (named as in the
	// statement: a table name, or an alias); empty locks every table read.
	Of []string
	// Timeout bounds each wait for a lock; 0 keeps the server's setting.
	Timeout time.Duration
}

// String describes r in SQL terms, for plans and messages:
// "FOR UPDATE OF a NOWAIT (timeout 1s)".
func (r Request) String() string {
	var b strings.Builder
	b.WriteString(r.Strength.String())
	if len(r.Of) > 0 {
		b.WriteString(" OF ")
		b.WriteString(strings.Join(r.Of, ", "))
	}
	switch r.Wait {
	case FailFast:
		b.WriteString(" NOWAIT")
	case Skip:
		b.WriteString(" SKIP LOCKED")
	}
	if r.Timeout != 0 {
		b.WriteString(" (timeout ")
		b.WriteString(r.Timeout.String())
		b.WriteString(")")
	}
	return b.String()
}

// Option refines a lock request: NoWait, SkipLocked, Of, Timeout. Options
// apply in order; of NoWait and SkipLocked the last one wins.
type Option func(*Request)

var (
	// NoWait makes a locking read fail at once when a row is locked
	// (NOWAIT); the error matches IsLockNotAvailable.
	NoWait Option = func(r *Request) { r.Wait = FailFast }
	// SkipLocked makes a locking read skip the rows others have locked
	// (SKIP LOCKED), the usual way to take jobs from a queue table.
	SkipLocked Option = func(r *Request) { r.Wait = Skip }
)

// Of locks only the rows of the named tables (FOR UPDATE OF ...). Name a
// table as the statement does, or by its alias; a table the statement
// reads under an alias is locked under that alias. PostgreSQL and MySQL 8
// only: MariaDB has no OF.
func Of(tables ...string) Option {
	of := append([]string(nil), tables...)
	return func(r *Request) { r.Of = of }
}

// Timeout bounds how long each statement run with the context waits for a
// lock; past it the statement fails with an error that IsLockTimeout
// matches. 0 keeps the server's setting. MariaDB and MySQL count whole
// seconds (d is rounded up); SQLite applies it to taking the database
// write lock.
func Timeout(d time.Duration) Option {
	return func(r *Request) { r.Timeout = d }
}

// state is everything this package keeps in a context, under one key, so
// that the executor pays one ctx.Value lookup per statement.
type state struct {
	lock       Request
	hasLock    bool
	version    int64
	hasVersion bool
}

type ctxKey struct{}

func load(ctx context.Context) *state {
	s, _ := ctx.Value(ctxKey{}).(*state)
	return s
}

func with(ctx context.Context, fn func(*state)) context.Context {
	var s state
	if prev := load(ctx); prev != nil {
		s = *prev
	}
	fn(&s)
	return context.WithValue(ctx, ctxKey{}, &s)
}

func lockWith(ctx context.Context, st Strength, opts []Option) context.Context {
	r := Request{Strength: st}
	for _, o := range opts {
		if o != nil {
			o(&r)
		}
	}
	return with(ctx, func(s *state) { s.lock, s.hasLock = r, true })
}

// ForUpdate returns a context whose SELECTs lock the rows they return
// against changes and other locks until the transaction ends: the
// dialect's FOR UPDATE clause is added to them (SQLite: see the package
// documentation). Statements other than SELECT run unchanged. A SELECT run
// with it outside a transaction fails with ErrLockOutsideTx.
func ForUpdate(ctx context.Context, opts ...Option) context.Context {
	return lockWith(ctx, Update, opts)
}

// ForShare returns a context whose SELECTs take shared locks on the rows
// they return (FOR SHARE; LOCK IN SHARE MODE on MariaDB): others can read
// and share-lock them but not change them until the transaction ends.
func ForShare(ctx context.Context, opts ...Option) context.Context {
	return lockWith(ctx, Share, opts)
}

// ForNoKeyUpdate is ForUpdate with PostgreSQL's weaker FOR NO KEY UPDATE,
// which does not block inserts of rows referencing the locked ones. It is
// an error on other dialects.
func ForNoKeyUpdate(ctx context.Context, opts ...Option) context.Context {
	return lockWith(ctx, NoKeyUpdate, opts)
}

// ForKeyShare is ForShare with PostgreSQL's weaker FOR KEY SHARE, which
// blocks only deletions and key changes. It is an error on other dialects.
func ForKeyShare(ctx context.Context, opts ...Option) context.Context {
	return lockWith(ctx, KeyShare, opts)
}

// WithoutLock returns a context that asks for no lock, for statements run
// under a locking context that must not lock.
func WithoutLock(ctx context.Context) context.Context {
	if s := load(ctx); s == nil || !s.hasLock {
		return ctx
	}
	return with(ctx, func(s *state) { s.lock, s.hasLock = Request{}, false })
}

// FromContext returns the lock request ctx carries, if any.
func FromContext(ctx context.Context) (Request, bool) {
	if s := load(ctx); s != nil && s.hasLock {
		return s.lock, true
	}
	return Request{}, false
}

// ExpectVersion returns a context whose UPDATE and DELETE statements
// check that the row is still at version v: the configured version column
// is tested in the WHERE clause (and, for an UPDATE, incremented), and a
// statement that changes no row fails with a *StaleObjectError. The version
// travels as a bind parameter. Other statements run unchanged.
func ExpectVersion(ctx context.Context, v int64) context.Context {
	return with(ctx, func(s *state) { s.version, s.hasVersion = v, true })
}

// WithoutVersion returns a context that checks no version.
func WithoutVersion(ctx context.Context) context.Context {
	if s := load(ctx); s == nil || !s.hasVersion {
		return ctx
	}
	return with(ctx, func(s *state) { s.version, s.hasVersion = 0, false })
}

// VersionFrom returns the version ExpectVersion put in ctx, if any.
func VersionFrom(ctx context.Context) (int64, bool) {
	if s := load(ctx); s != nil && s.hasVersion {
		return s.version, true
	}
	return 0, false
}
