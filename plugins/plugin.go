package plugins

import (
	"context"
	"fmt"

	"github.com/grantsql/grant/plugins/internal/wire"
	"github.com/grantsql/grant/sharding"
)

// Resolver is a shard resolver in a plugin executable: the value a plugin's
// main passes to Serve.
type Resolver interface {
	// Resolve maps the shard-key value of each key column (int64, float64,
	// string, []byte, bool, time.Time or nil) to the name of a database.
	Resolve(ctx context.Context, key []any) (string, error)
}

// BatchResolver is a Resolver that answers several keys at once (the
// values of an IN list, the rows of a multi-row INSERT): Serve calls
// ResolveBatch for a batch of more than one key, and Resolve otherwise.
type BatchResolver interface {
	Resolver

	// ResolveBatch returns the database of each key, in order. An error
	// fails every key of the batch.
	ResolveBatch(ctx context.Context, keys [][]any) ([]string, error)
}

// TypeName is the resolver type of plugins in a configuration
// (type: plugin).
const TypeName = "plugin"

func init() { Register(sharding.DefaultRegistry()) }

// Register adds the type plugin to reg; package plugins adds it to
// sharding's default registry when it is imported (as package grant does),
// so only a registry made with sharding.NewRegistry needs this. Like
// sharding.Registry.RegisterType, it panics when reg already has the type.
func Register(reg *sharding.Registry) {
	reg.RegisterType(TypeName, sharding.Type{New: newResolver, Check: check})
}

// Func returns r as a sharding.Func, so that the resolver of a plugin can
// also run in the application's process (sharding.RegisterFunc): r receives
// each key's values as a plugin receives them, other integer and float
// types converted to int64 and float64. A value of another type is an
// error wrapping sharding.ErrKeyType.
func Func(r Resolver) sharding.Func {
	return func(ctx context.Context, key sharding.Key) (string, error) {
		vals := make([]any, key.Len())
		for i := range vals {
			v, err := wire.Normalize(key.Value(i))
			if err != nil {
				return "", fmt.Errorf("%w: %w", sharding.ErrKeyType, err)
			}
			vals[i] = v
		}
		return r.Resolve(ctx, vals)
	}
}
