package plugins

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net/rpc"
	"os/exec"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"
	plugin "github.com/hashicorp/go-plugin"

	"github.com/grantsql/grant/plugins/internal/wire"
)

const (
	// startTimeout bounds the handshake of a starting plugin.
	startTimeout = 10 * time.Second
	// killGrace is how long a plugin may take to exit when asked before
	// it is killed.
	killGrace = 2 * time.Second
	// maxTimeouts is how many calls in a row may go unanswered before the
	// plugin is taken for hung and restarted.
	maxTimeouts = 3
	// watchEvery is how often the supervisor looks for a process that
	// exited while no call was using it.
	watchEvery = 100 * time.Millisecond
	// firstBackoff and maxBackoff bound the wait between failed starts.
	firstBackoff = 50 * time.Millisecond
	maxBackoff   = 5 * time.Second
)

// process supervises a resolver's plugin process: one at a time, restarted
// (with backoff when it keeps failing) after it dies, killed by close.
type process struct {
	s *settings

	mu       sync.Mutex
	cur      *instance     // the running instance, or nil
	starting bool          // a start loop runs
	ready    chan struct{} // closed when the start loop succeeds or close is called
	failures int           // starts and instances that failed since the last answer
	lastErr  error         // why there is no running instance
	closed   bool
	stop     chan struct{} // closed by close
	wg       sync.WaitGroup

	starts atomic.Uint64 // processes started, for Stats
}

// newProcess starts the plugin and returns its supervisor.
func newProcess(s *settings) (*process, error) {
	p := &process{s: s, stop: make(chan struct{})}
	in, err := p.spawn()
	if err != nil {
		return nil, err
	}
	p.cur = in
	p.wg.Add(1)
	go p.watch()
	return p, nil
}

// logger returns the logger of the plugin's events and output: slog's
// default, when it is used, with the resolver's name.
func (p *process) logger() *slog.Logger { return slog.Default().With("plugin", p.s.name) }

// spawn starts one plugin process and connects to it. go-plugin checks
// the executable's checksum first.
func (p *process) spawn() (*instance, error) {
	cmd := exec.Command(p.s.path, p.s.args...)
	dieWithParent(cmd)
	log := p.logger()
	out := newLogWriter(log, "stderr")
	c := plugin.NewClient(&plugin.ClientConfig{
		HandshakeConfig:  handshake,
		Plugins:          plugin.PluginSet{pluginName: &rpcPlugin{}},
		Cmd:              cmd,
		SecureConfig:     &plugin.SecureConfig{Checksum: p.s.sum, Hash: sha256.New()},
		AutoMTLS:         true,
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolNetRPC},
		StartTimeout:     startTimeout,
		Logger:           hclog.NewNullLogger(),
		Stderr:           out,
		SyncStdout:       newLogWriter(log, "stdout"),
		SyncStderr:       out,
	})
	p.starts.Add(1)
	proto, err := c.Client()
	if err == nil {
		var raw any
		if raw, err = proto.Dispense(pluginName); err == nil {
			in := &instance{client: c, cmd: cmd, rpc: raw.(*rpc.Client)}
			ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
			in.data, err = wire.Open(ctx, in.rpc)
			cancel()
			if err == nil {
				log.Debug("plugin started", "path", p.s.path, "pid", cmd.Process.Pid, "data", in.data.Path)
				return in, nil
			}
			err = fmt.Errorf("opening its data channel: %w", err)
		}
	}
	c.Kill()
	if errors.Is(err, plugin.ErrChecksumsDoNotMatch) {
		return nil, fmt.Errorf("%s changed: its SHA-256 no longer matches %s.sha256", p.s.path, p.s.key)
	}
	return nil, fmt.Errorf("starting %s: %w", p.s.path, err)
}

// call sends a batch of n keys to the running instance, starting one when
// there is none, and waits for the answer until ctx ends or the resolver's
// timeout passes. A call broken by the process's death is sent again to
// its successor within the same time.
//
// The timeout is a deadline, not a context with a timer: a timer added and
// removed on every call wakes an idle thread of the scheduler each time.
func (p *process) call(ctx context.Context, batch []byte, n int) (*wire.Reply, error) {
	if err := ctx.Err(); err != nil {
		return nil, err // an ended caller is not raced against a quick answer
	}
	deadline := time.Now().Add(p.s.timeout)
	for {
		in, err := p.get(ctx, deadline)
		if err != nil {
			return nil, p.ctxError(ctx, err)
		}
		r, err := in.resolve(ctx, deadline, batch, n)
		switch {
		case err == nil:
			in.timeouts.Store(0)
			if !in.answered.Swap(true) {
				p.mu.Lock()
				p.failures = 0
				p.mu.Unlock()
			}
			return r, nil
		case errors.Is(err, wire.ErrTransport):
			p.lost(in, err)
		case errors.Is(err, wire.ErrDeadline), ctx.Err() != nil:
			if ctx.Err() == nil && in.timeouts.Add(1) >= maxTimeouts {
				p.lost(in, fmt.Errorf("no answer to %d calls in a row", maxTimeouts))
			}
			return nil, p.ctxError(ctx, err)
		default:
			return nil, fmt.Errorf("%w: %w", ErrAnswer, err)
		}
	}
}

// ctxError returns the error of a call that ended with err: the caller's
// context error when the caller's ctx ended, ErrTimeout when the
// resolver's timeout passed, err (ErrUnavailable, ErrClosed) otherwise.
func (p *process) ctxError(ctx context.Context, err error) error {
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.Is(err, ErrUnavailable), errors.Is(err, ErrClosed):
		return err
	}
	return fmt.Errorf("%w after %s", ErrTimeout, p.s.timeout)
}
