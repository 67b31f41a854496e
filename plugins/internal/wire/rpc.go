package wire

import (
	"context"
	"errors"
	"fmt"
	"net/rpc"
	"time"

	"github.com/grantsql/grant/sharding"
)

// Method is the net/rpc method a plugin serves.
const Method = "Plugin.Resolve"

// Args is the request: a batch of keys.
type Args struct {
	Keys    []byte // the batch (see the package documentation)
	Timeout int64  // nanoseconds the host waits; 0: no limit
}

// Code says how a plugin answered one key.
type Code = byte

// The answer codes; the sharding errors a plugin returns travel as codes.
const (
	CodeOK      Code = iota // Databases[i] holds the key
	CodeNoShard             // sharding.ErrNoShard: no database holds it
	CodeNullKey             // sharding.ErrNullKey
	CodeKeyType             // sharding.ErrKeyType
	CodeError               // another error, in Messages[i]
)

// Reply is the answer: one entry per key.
type Reply struct {
	Databases []string
	Codes     []Code   // nil when every code is CodeOK
	Messages  []string // the error text of each key whose code is not CodeOK
}

// Resolver is what a plugin implements (plugins.Resolver).
type Resolver interface {
	Resolve(ctx context.Context, key []any) (string, error)
}

// BatchResolver is a Resolver that answers a batch in one call
// (plugins.BatchResolver).
type BatchResolver interface {
	ResolveBatch(ctx context.Context, keys [][]any) ([]string, error)
}

// Server serves Method in the plugin process.
type Server struct{ Impl Resolver }

// Resolve answers a batch: with the implementation's ResolveBatch when it
// has one, else key by key.
func (s *Server) Resolve(a Args, r *Reply) error {
	keys, err := Decode(a.Keys)
	if err != nil {
		return err
	}
	ctx := context.Background()
	if a.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Duration(a.Timeout))
		defer cancel()
	}
	r.Databases = make([]string, len(keys))
	if b, ok := s.Impl.(BatchResolver); ok && len(keys) > 1 {
		dbs, err := b.ResolveBatch(ctx, keys)
		switch {
		case err != nil:
			for i := range keys {
				r.set(i, len(keys), err)
			}
		case len(dbs) != len(keys):
			return fmt.Errorf("ResolveBatch returned %d databases for %d keys", len(dbs), len(keys))
		default:
			copy(r.Databases, dbs)
		}
		return nil
	}
	for i, key := range keys {
		db, err := s.Impl.Resolve(ctx, key)
		if err != nil {
			r.set(i, len(keys), err)
			continue
		}
		r.Databases[i] = db
	}
	return nil
}

// set records the error of key i of n.
func (r *Reply) set(i, n int, err error) {
	if r.Codes == nil {
		r.Codes, r.Messages = make([]Code, n), make([]string, n)
	}
	r.Codes[i], r.Messages[i] = CodeOf(err), err.Error()
}

// CodeOf returns the code of a resolver's error.
func CodeOf(err error) Code {
	switch {
	case errors.Is(err, sharding.ErrNoShard):
		return CodeNoShard
	case errors.Is(err, sharding.ErrNullKey):
		return CodeNullKey
	case errors.Is(err, sharding.ErrKeyType):
		return CodeKeyType
	}
	return CodeError
}

// Sentinel returns the sharding error a code stands for, or nil for
// CodeOK and CodeError.
func Sentinel(c Code) error {
	switch c {
	case CodeNoShard:
		return sharding.ErrNoShard
	case CodeNullKey:
		return sharding.ErrNullKey
	case CodeKeyType:
		return sharding.ErrKeyType
	}
	return nil
}

// Errors of Call other than the context's.
var (
	// ErrTransport: the connection or the process is gone.
	ErrTransport = errors.New("plugin connection failed")
	// ErrReply: the plugin answered with an error of the protocol or a
	// reply that does not fit the request.
	ErrReply = errors.New("invalid plugin reply")
)

// Call sends a batch of n keys on c and waits for the reply until ctx
// ends. Errors wrap ErrTransport or ErrReply; the end of ctx returns
// ctx.Err().
func Call(ctx context.Context, c *rpc.Client, a *Args, n int) (*Reply, error) {
	r := new(Reply)
	call := c.Go(Method, a, r, make(chan *rpc.Call, 1))
	select {
	case <-call.Done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	var se rpc.ServerError
	switch {
	case errors.As(call.Error, &se):
		return nil, fmt.Errorf("%w: %s", ErrReply, string(se))
	case call.Error != nil:
		return nil, fmt.Errorf("%w: %w", ErrTransport, call.Error)
	case len(r.Databases) != n || (r.Codes != nil && (len(r.Codes) != n || len(r.Messages) != n)):
		return nil, fmt.Errorf("%w: %d answers for %d keys", ErrReply, len(r.Databases), n)
	}
	return r, nil
}
