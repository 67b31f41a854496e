package grant

import (
	"context"
	"fmt"

	"github.com/grantsql/grant/registry"
)

// plan is where one statement goes: data only, decided before any I/O.
type plan struct {
	node *registry.Node
	// retryRead allows a retry on a connection-level failure even when the
	// driver cannot promise the statement was not sent: the statement is an
	// idempotent read outside a transaction.
	retryRead bool
}

type ctxKey int

const databaseKey ctxKey = iota

// UseDatabase returns a context whose statements go to the named database
// instead of the default one. An unknown name fails the statement, naming it.
func UseDatabase(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, databaseKey, name)
}

// database returns the database a statement under ctx targets.
func (c *Connector) database(ctx context.Context) (*registry.Database, error) {
	name, ok := ctx.Value(databaseKey).(string)
	if !ok {
		return c.reg.Default(), nil
	}
	db, found := c.reg.Database(name)
	if !found {
		return nil, fmt.Errorf("grant: unknown database %q (from grant.UseDatabase): declared databases are %v", name, c.reg.DatabaseNames())
	}
	return db, nil
}

// route decides where a statement outside a transaction runs.
func (c *Connector) route(ctx context.Context, _ string) (plan, error) {
	db, err := c.database(ctx)
	if err != nil {
		return plan{}, err
	}
	return plan{node: db.Primary}, nil
}
