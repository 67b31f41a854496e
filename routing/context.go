package routing

import (
	"context"

	"github.com/grantsql/grant/registry"
)

// Overrides are the routing controls a context carries: the Go form of
// Rails' connected_to. Build them with ForcePrimary, ForceReplica,
// UseDatabase, PreventWrites, AllowWrites, WithSession and WithToken; read
// them with FromContext. Each call returns a new context; the last call of
// each kind wins (ForcePrimary and ForceReplica replace each other).
//
// All overrides live in one value under one context key, so routing a
// statement costs one ctx.Value lookup and no allocation.
type Overrides struct {
	force         forceRole
	preventWrites bool
	database      string
	session       *Session
	token         Token
}

type forceRole uint8

const (
	forceNone forceRole = iota
	forcePrimary
	forceReplica
)

type ctxKey struct{}

// FromContext returns the overrides ctx carries, or nil when it carries
// none. The methods of a nil *Overrides return the defaults.
func FromContext(ctx context.Context) *Overrides {
	o, _ := ctx.Value(ctxKey{}).(*Overrides)
	return o
}

// with returns a context whose overrides are ctx's changed by fn.
func with(ctx context.Context, fn func(*Overrides)) context.Context {
	var o Overrides
	if prev := FromContext(ctx); prev != nil {
		o = *prev
	}
	fn(&o)
	return context.WithValue(ctx, ctxKey{}, &o)
}

// ForcePrimary returns a context whose statements all run on the primary,
// reads included.
func ForcePrimary(ctx context.Context) context.Context {
	return with(ctx, func(o *Overrides) { o.force = forcePrimary })
}

// ForceReplica returns a context whose statements run on a replica even
// right after a write (read-your-writes does not apply). A statement that
// must run on the primary then fails with a *ReadOnlyError, and a read with
// no replica in rotation fails with a *NoReplicaError: it never falls back
// to the primary. Transactions begun under it run on a replica.
func ForceReplica(ctx context.Context) context.Context {
	return with(ctx, func(o *Overrides) { o.force = forceReplica })
}

// UseDatabase returns a context whose statements go to the named database
// instead of the default one.
func UseDatabase(ctx context.Context, name string) context.Context {
	return with(ctx, func(o *Overrides) { o.database = name })
}

// PreventWrites returns a context in which a statement that may change data
// fails with a *ReadOnlyError naming its kind, before it reaches any server.
// Reads, transaction control and session settings still run.
func PreventWrites(ctx context.Context) context.Context {
	return with(ctx, func(o *Overrides) { o.preventWrites = true })
}

// AllowWrites returns a context without PreventWrites.
func AllowWrites(ctx context.Context) context.Context {
	return with(ctx, func(o *Overrides) { o.preventWrites = false })
}

// WithSession returns a context whose statements record their writes in s
// and whose reads honour every write s has recorded. It is the precise
// read-your-writes scope: one Session per request or per user session.
func WithSession(ctx context.Context, s *Session) context.Context {
	return with(ctx, func(o *Overrides) { o.session = s })
}

// WithToken returns a context whose reads honour the writes tok records (in
// addition to the session's), for example a token from a cookie.
func WithToken(ctx context.Context, tok Token) context.Context {
	return with(ctx, func(o *Overrides) { o.token = tok })
}

// ForcedRole reports the role ForcePrimary or ForceReplica forces.
func (o *Overrides) ForcedRole() (registry.Role, bool) {
	if o == nil || o.force == forceNone {
		return registry.Primary, false
	}
	if o.force == forceReplica {
		return registry.Replica, true
	}
	return registry.Primary, true
}

// Database returns the database named by UseDatabase, or "".
func (o *Overrides) Database() string {
	if o == nil {
		return ""
	}
	return o.database
}

// WritesPrevented reports whether PreventWrites is in effect.
func (o *Overrides) WritesPrevented() bool { return o != nil && o.preventWrites }

// Session returns the session given with WithSession, or nil.
func (o *Overrides) Session() *Session {
	if o == nil {
		return nil
	}
	return o.session
}

// Token returns the token given with WithToken.
func (o *Overrides) Token() Token {
	if o == nil {
		return Token{}
	}
	return o.token
}
