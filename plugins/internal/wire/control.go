package wire

import (
	"context"
	"errors"
	"fmt"
	"net/rpc"
)

// OpenMethod is the control channel's net/rpc method that returns the
// data channel's Endpoint.
const OpenMethod = "Plugin.Open"

// Control is the net/rpc server of the control channel in the plugin
// process (go-plugin registers it as "Plugin").
type Control struct{ Endpoint Endpoint }

// Open returns the data channel's endpoint. Its argument is unused.
func (c *Control) Open(_ int, e *Endpoint) error {
	*e = c.Endpoint
	return nil
}

// Open asks the plugin at the other end of c for its data channel's
// endpoint, waiting until ctx ends. Errors wrap ErrTransport or ErrReply;
// the end of ctx returns ctx.Err().
func Open(ctx context.Context, c *rpc.Client) (Endpoint, error) {
	var e Endpoint
	call := c.Go(OpenMethod, 0, &e, make(chan *rpc.Call, 1))
	select {
	case <-call.Done:
	case <-ctx.Done():
		return Endpoint{}, ctx.Err()
	}
	var se rpc.ServerError
	switch {
	case errors.As(call.Error, &se):
		return Endpoint{}, fmt.Errorf("%w: %s", ErrReply, string(se))
	case call.Error != nil:
		return Endpoint{}, fmt.Errorf("%w: %w", ErrTransport, call.Error)
	}
	return e, e.check()
}
