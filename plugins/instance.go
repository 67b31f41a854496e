package plugins

import (
	"context"
	"net/rpc"
	"os/exec"
	"sync"
	"sync/atomic"
	"time"

	plugin "github.com/hashicorp/go-plugin"

	"github.com/grantsql/grant/plugins/internal/wire"
)

// maxIdle is the most idle data connections kept per instance; a call
// finding none idle opens one.
const maxIdle = 8

// instance is one running plugin process: its control channel (go-plugin's
// net/rpc client) and a pool of connections of its data channel.
type instance struct {
	client   *plugin.Client
	cmd      *exec.Cmd
	rpc      *rpc.Client
	data     wire.Endpoint
	answered atomic.Bool  // it has answered a call
	timeouts atomic.Int32 // calls in a row it did not answer in time

	mu     sync.Mutex
	idle   []*wire.Conn
	killed bool // no connection is kept any more
}

// closeDelay is the pause between a plugin's exit and the closing of its
// connections.
const closeDelay = 20 * time.Millisecond

// resolve sends a batch of n keys on an idle data connection (or a new
// one) and reads the reply, on the calling goroutine, until deadline
// passes or ctx ends. A connection whose call did not end with a reply is
// closed.
func (in *instance) resolve(ctx context.Context, deadline time.Time, batch []byte, n int) (*wire.Reply, error) {
	in.mu.Lock()
	var c *wire.Conn
	if k := len(in.idle); k > 0 {
		c, in.idle = in.idle[k-1], in.idle[:k-1]
	}
	in.mu.Unlock()
	if c == nil {
		var err error
		if c, err = wire.Dial(ctx, deadline, in.data); err != nil {
			return nil, err
		}
	}
	r, err := c.Call(ctx, deadline, batch, n)
	in.release(c)
	return r, err
}

// release keeps c for the next call, or closes it when it is broken, the
// pool is full or the instance killed.
func (in *instance) release(c *wire.Conn) {
	if !c.Broken() {
		in.mu.Lock()
		keep := !in.killed && len(in.idle) < maxIdle
		if keep {
			in.idle = append(in.idle, c)
		}
		in.mu.Unlock()
		if keep {
			return
		}
	}
	_ = c.Close()
}

// closeConns closes the idle data connections; those in use are closed
// when their calls end.
func (in *instance) closeConns() {
	in.mu.Lock()
	idle := in.idle
	in.idle, in.killed = nil, true
	in.mu.Unlock()
	for _, c := range idle {
		_ = c.Close()
	}
}

// kill ends the instance's process: asked to exit (SIGTERM) when
// graceful, killed at once otherwise (it is dead or hung), and killed
// anyway when it has not exited after killGrace. Only then are the
// connections closed, so that nothing is written to a dead connection. It
// returns once go-plugin has reaped the process and ended its goroutines.
func (in *instance) kill(graceful bool) {
	if !graceful || terminate(in.cmd.Process) != nil {
		_ = in.cmd.Process.Kill()
	}
	if !in.waitExit(killGrace) {
		_ = in.cmd.Process.Kill()
		in.waitExit(killGrace)
	}
	in.closeConns()
	in.data.RemoveLeftover() // of a plugin that could not remove it
	// Let the connection's reader see the end of the connection first:
	// closing a stream of a connection not yet known to be dead writes to
	// it, and yamux then logs the failed write to the standard error.
	time.Sleep(closeDelay)
	_ = in.rpc.Close()
	in.client.Kill()
}

// waitExit waits up to d for the process to have exited and been reaped.
func (in *instance) waitExit(d time.Duration) bool {
	deadline := time.Now().Add(d)
	for !in.client.Exited() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(2 * time.Millisecond)
	}
	return true
}
