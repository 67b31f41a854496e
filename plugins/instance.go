package plugins

import (
	"net/rpc"
	"os/exec"
	"sync/atomic"
	"time"

	plugin "github.com/hashicorp/go-plugin"
)

// instance is one running plugin process.
type instance struct {
	client   *plugin.Client
	cmd      *exec.Cmd
	rpc      *rpc.Client
	answered atomic.Bool  // it has answered a call
	timeouts atomic.Int32 // calls in a row it did not answer in time
}

// closeDelay is the pause between a plugin's exit and the closing of its
// connections.
const closeDelay = 20 * time.Millisecond

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
