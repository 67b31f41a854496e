package plugins

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// watch replaces a process that exited between calls, so that the next
// call finds its successor running.
func (p *process) watch() {
	defer p.wg.Done()
	t := time.NewTicker(watchEvery)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
		}
		p.mu.Lock()
		if in := p.cur; in != nil && in.client.Exited() {
			p.lostLocked(in, errors.New("the process exited"))
		}
		p.mu.Unlock()
	}
}

// get returns the running instance, waiting for a start until ctx ends or
// deadline passes.
func (p *process) get(ctx context.Context, deadline time.Time) (*instance, error) {
	p.mu.Lock()
	for {
		if p.closed {
			p.mu.Unlock()
			return nil, ErrClosed
		}
		if in := p.cur; in != nil {
			if !in.client.Exited() {
				p.mu.Unlock()
				return in, nil
			}
			p.lostLocked(in, errors.New("the process exited"))
		}
		p.startLocked()
		ready := p.ready
		p.mu.Unlock()
		t := time.NewTimer(time.Until(deadline))
		select {
		case <-ready:
			t.Stop()
		case <-ctx.Done():
			t.Stop()
			return nil, p.unavailable()
		case <-t.C:
			return nil, p.unavailable()
		}
		p.mu.Lock()
	}
}

// unavailable returns the error of a call that found no running instance
// in time.
func (p *process) unavailable() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return fmt.Errorf("%w (restarting: %v)", ErrUnavailable, p.lastErr)
}

// lost drops in, which failed with err: it is killed, and the next call
// starts a successor.
func (p *process) lost(in *instance, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lostLocked(in, err)
}

func (p *process) lostLocked(in *instance, err error) {
	if p.cur != in {
		return // already replaced
	}
	p.cur, p.lastErr = nil, err
	if !in.answered.Load() {
		p.failures++
	}
	p.logger().Warn("plugin lost; restarting", "path", p.s.path, "pid", in.cmd.Process.Pid, "error", err)
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		in.kill(false)
	}()
	p.startLocked()
}

// startLocked starts the start loop unless it runs.
func (p *process) startLocked() {
	if !p.starting {
		p.starting, p.ready = true, make(chan struct{})
		p.wg.Add(1)
		go p.restart()
	}
}

// restart starts a new instance, waiting between failed attempts, until
// one runs or the process is closed.
func (p *process) restart() {
	defer p.wg.Done()
	for {
		p.mu.Lock()
		wait := backoff(p.failures)
		p.mu.Unlock()
		if wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-p.stop:
				t.Stop()
				return
			}
		}
		in, err := p.spawn()
		p.mu.Lock()
		switch {
		case p.closed:
			p.mu.Unlock()
			if in != nil {
				in.kill(true)
			}
			return
		case err != nil:
			p.failures++
			p.lastErr = err
			failures := p.failures
			p.mu.Unlock()
			p.logger().Warn("plugin did not start", "path", p.s.path, "error", err, "failures", failures)
			continue
		}
		p.cur, p.starting = in, false
		close(p.ready)
		p.mu.Unlock()
		p.logger().Info("plugin restarted", "path", p.s.path, "pid", in.cmd.Process.Pid)
		return
	}
}

// backoff returns the wait before a start after failures failures: none
// for the first restart, then doubling from firstBackoff to maxBackoff.
func backoff(failures int) time.Duration {
	if failures <= 1 {
		return 0
	}
	d := firstBackoff << min(failures-2, 16)
	return min(d, maxBackoff)
}

// close kills the running instance, stops any restart and waits for every
// goroutine of the process.
func (p *process) close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	close(p.stop)
	if p.starting {
		close(p.ready)
	}
	in := p.cur
	p.cur = nil
	p.mu.Unlock()
	if in != nil {
		in.kill(true)
	}
	p.wg.Wait()
}
