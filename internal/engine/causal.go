package engine

import (
	"context"

	"github.com/grantsql/grant/routing"
)

// catchUp gives a read that routing sent to the primary only because no
// replica was known to have replayed the writes it must see (causal
// read-your-writes, Route.CatchUp) a short, bounded wait for a replica
// that has: routing.Router.CatchUp checks one now. Every other route,
// the zero Route of a failed decision included, is returned as it is, for
// the cost of one field test.
func (e *Engine) catchUp(ctx context.Context, in routing.Input, rt routing.Route) routing.Route {
	if !rt.CatchUp {
		return rt
	}
	return e.router.CatchUp(ctx, in, rt)
}
