package grant

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"

	"github.com/grantsql/grant/routing"
	"github.com/grantsql/grant/sharding"
)

// UseShard returns a context whose statements run unchanged on the named
// database, bypassing the sharding planner's choice (a per-call shard pin).
// An INSERT whose rows' keys belong to another shard is still refused, so
// no row lands where reads would not find it. Without sharding it is
// UseDatabase.
func UseShard(ctx context.Context, database string) context.Context {
	return routing.UseDatabase(ctx, database)
}

// ErrCrossShardWrite is matched (errors.Is) by the error of a statement that
// would make one transaction write to a second database. Grant refuses it
// before running it, so nothing is half-committed; the transaction stays
// usable (roll it back, or go on with statements on its one database).
var ErrCrossShardWrite = errors.New("grant: a transaction writes to one database only")

// CrossShardWriteError is the error of a statement refused by the one
// database per transaction rule; it matches ErrCrossShardWrite.
type CrossShardWriteError struct {
	Statement string
	// Writing is the database the transaction already writes to, if any.
	Writing string
	// Databases are the databases the statement would write to or, when
	// Changed, the databases where it changed rows before it was undone.
	Databases []string
	// Changed is set for an UPDATE or DELETE that ran on several databases
	// and was rolled back to its savepoint because it changed rows on more
	// than one (counting the one the transaction already writes to).
	Changed bool
}

func (e *CrossShardWriteError) Error() string {
	s := e.Statement
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	if e.Changed {
		return fmt.Sprintf("grant: refused %q in a transaction: it changed rows on %v, and was undone; "+
			"a transaction may write to one database only (two-phase commit is not available)", s, e.Databases)
	}
	if e.Writing != "" {
		return fmt.Sprintf("grant: refused %q in a transaction: it writes to %v, but the transaction already writes to %s; "+
			"a transaction may write to one database only (two-phase commit is not available), so nothing ran", s, e.Databases, e.Writing)
	}
	return fmt.Sprintf("grant: refused %q in a transaction: it writes to %d databases %v; "+
		"a transaction may write to one database only (two-phase commit is not available), so nothing ran", s, len(e.Databases), e.Databases)
}

// crossShardWrite builds the refusal of statement, which writes (or, when
// changed, changed rows) on dbs while the transaction writes to writer
// (nil: none yet).
func crossShardWrite(statement string, writer *part, changed bool, dbs ...string) *CrossShardWriteError {
	e := &CrossShardWriteError{Statement: statement, Databases: dbs, Changed: changed}
	if writer != nil {
		e.Writing = writer.db.Name
	}
	return e
}

// Is reports whether target is ErrCrossShardWrite.
func (e *CrossShardWriteError) Is(target error) bool { return target == ErrCrossShardWrite }

// Planner returns the cluster's sharding planner, or nil when the
// configuration has no sharding section.
func (c *Connector) Planner() *sharding.Planner { return c.shards }

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
	db, err := c.database(routing.FromContext(ctx))
	if err != nil {
		return nil, err
	}
	st := c.cache.Analyze(c.cfg.Dialect, query)
	if c.shards == nil {
		p := &sharding.Plan{Statement: query, Route: sharding.RouteUnsharded, Reason: "no sharding configured",
			Shards: []sharding.ShardQuery{{Database: db.Name, SQL: query, Args: nv}}}
		return p, nil
	}
	return c.shards.Plan(st, nv, routing.FromContext(ctx).Database())
}
