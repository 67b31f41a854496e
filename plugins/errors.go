package plugins

import (
	"errors"
	"fmt"
)

// Sentinel errors of a plugin resolver, matched with errors.Is through the
// *sharding.KeyError of Resolve and the *Error inside it.
var (
	// ErrUnavailable: the plugin's process is not running (it could not
	// start, or it exited and its restart has not succeeded within the
	// resolver's timeout).
	ErrUnavailable = errors.New("not running")
	// ErrTimeout: the plugin did not answer within the resolver's timeout.
	ErrTimeout = errors.New("timed out")
	// ErrAnswer: the plugin answered a database outside the resolver's
	// databases, refused the key with an error of its own, or broke the
	// protocol.
	ErrAnswer = errors.New("invalid answer")
	// ErrClosed: the resolver was closed (its Connector was closed).
	ErrClosed = errors.New("resolver closed")
)

// Error is a failure of a plugin resolver: it names the resolver and the
// plugin's executable. Err wraps one of the sentinels ErrUnavailable,
// ErrTimeout, ErrAnswer or ErrClosed, and the cause when there is one.
type Error struct {
	Resolver string // the resolver's name: sharding.resolvers.<Resolver>
	Path     string // the plugin's executable
	Err      error
}

// Error formats the error as `plugin "geo" (/srv/bin/geo-resolver): reason`.
func (e *Error) Error() string { return fmt.Sprintf("plugin %q (%s): %v", e.Resolver, e.Path, e.Err) }

// Unwrap returns Err.
func (e *Error) Unwrap() error { return e.Err }
