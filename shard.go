package grant

import (
	"context"
	"database/sql"
	"database/sql/driver"

	"github.com/grantsql/grant/registry"
	"github.com/grantsql/grant/routing"
	"github.com/grantsql/grant/sharding"
	"github.com/grantsql/grant/twophase"
)

// UseDatabase returns a context whose statements go to the named database
// instead of the default one (routing.UseDatabase). An unknown name fails
// the statement, naming it.
func UseDatabase(ctx context.Context, name string) context.Context {
	return routing.UseDatabase(ctx, name)
}

// UseShard returns a context whose statements run unchanged on the named
// database, bypassing the sharding planner's choice (a per-call shard pin).
// An INSERT whose rows' keys belong to another shard is still refused, so
// no row lands where reads would not find it. Without sharding it is
// UseDatabase.
func UseShard(ctx context.Context, database string) context.Context {
	return routing.UseDatabase(ctx, database)
}

// ErrCrossShardWrite is matched (errors.Is) by the error of a statement that
// would make one transaction write to a second database; see
// twophase.ErrCrossShardWrite.
var ErrCrossShardWrite = twophase.ErrCrossShardWrite

// CrossShardWriteError is the error of a statement refused by the one
// database per transaction rule; it matches ErrCrossShardWrite.
type CrossShardWriteError = twophase.CrossShardWriteError

// ErrPartialCommit is matched (errors.Is) by the error of a write on several
// databases whose commit succeeded on some databases and failed on others;
// see twophase.ErrPartialCommit.
var ErrPartialCommit = twophase.ErrPartialCommit

// ArgError is an argument the real driver refused; see registry.ArgError.
type ArgError = registry.ArgError

// Plan returns how query with args would run: the sharding plan (which
// databases, with which SQL, and how their rows merge), as grant explain
// prints it. It runs nothing. Without sharding, or for a statement on no
// sharded or broadcast table, the plan names the one database it runs on.
func (c *Connector) Plan(ctx context.Context, query string, args ...any) (*sharding.Plan, error) {
	nv := make([]driver.NamedValue, len(args))
	for i, a := range args {
		nv[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
		if na, ok := a.(sql.NamedArg); ok {
			nv[i].Name, nv[i].Value = na.Name, na.Value
		}
	}
	return c.engine.Plan(ctx, query, nv)
}
