package wire

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"time"
)

var (
	// ErrTransport is the error of a call whose connection or process is
	// gone (refused, reset, closed).
	ErrTransport = errors.New("plugin connection failed")
	// ErrDeadline is the error of a call not answered by its deadline.
	ErrDeadline = errors.New("no reply by the deadline")
)

// Conn is the host's side of one data connection. It serves one call at a
// time, on the calling goroutine. A call that fails (or that ctx ended)
// leaves it Broken: a late reply would otherwise be read by the next call.
type Conn struct {
	nc        net.Conn
	r         *bufio.Reader
	out       []byte    // the request being written
	deadline  time.Time // the connection's deadline
	broken    bool
	interrupt func() // ends a read in progress
}

// longAgo is a deadline in the past: it ends a read at once.
var longAgo = time.Unix(1, 0)

// Dial opens a data connection to e and sends its token, by deadline
// (none when zero) and before ctx ends. Errors wrap ErrTransport or
// ErrDeadline; the end of ctx returns ctx.Err().
func Dial(ctx context.Context, deadline time.Time, e Endpoint) (*Conn, error) {
	d := net.Dialer{Deadline: deadline}
	nc, err := d.DialContext(ctx, "unix", e.Path)
	if err != nil {
		return nil, transportError(ctx, err)
	}
	c := &Conn{nc: nc, r: bufio.NewReaderSize(nc, 4096), deadline: deadline}
	c.interrupt = func() { _ = c.nc.SetDeadline(longAgo) }
	if err = nc.SetDeadline(deadline); err == nil {
		_, err = nc.Write(e.Token)
	}
	if err != nil {
		_ = nc.Close()
		return nil, transportError(ctx, err)
	}
	return c, nil
}

// Call sends a batch of n keys and reads the reply. The call ends at
// deadline (none when zero; up to maxSlack later, see setDeadline) or when
// ctx ends, whichever comes first; the plugin's context gets the earlier
// of deadline and ctx's deadline. Errors
// wrap ErrTransport (the connection failed), ErrDeadline (no reply by
// deadline), ErrReply (the plugin broke the protocol or refused the
// request) or ErrTooLarge (the request is above MaxFrame; nothing was
// sent); the end of ctx returns ctx.Err().
func (c *Conn) Call(ctx context.Context, deadline time.Time, batch []byte, n int) (*Reply, error) {
	if c.broken {
		return nil, fmt.Errorf("%w: the connection failed before", ErrTransport)
	}
	var timeout time.Duration
	dl := deadline
	if cdl, ok := ctx.Deadline(); ok && (dl.IsZero() || cdl.Before(dl)) {
		dl = cdl
	}
	if !dl.IsZero() {
		timeout = max(time.Until(dl), 1)
	}
	out, err := AppendRequest(c.out[:0], timeout, batch)
	if err != nil {
		return nil, err
	}
	c.out = out
	if err := c.setDeadline(deadline); err != nil {
		c.broken = true
		return nil, transportError(ctx, err)
	}
	stop := noStop
	if ctx.Done() != nil { // ctx's end (its deadline too) interrupts the call
		stop = context.AfterFunc(ctx, c.interrupt)
	}
	var body []byte
	_, err = c.nc.Write(out)
	if err == nil {
		body, err = readFrame(c.r, nil)
	}
	c.out = reuse(c.out)
	if !stop() || err != nil {
		c.broken = true // interrupted: the connection's deadline is spent
	}
	switch {
	case errors.Is(err, ErrTooLarge):
		return nil, fmt.Errorf("%w: %w", ErrReply, err)
	case err != nil:
		return nil, transportError(ctx, err)
	}
	r, err := DecodeReply(body, n)
	if err != nil {
		c.broken = true
		return nil, err
	}
	return r, nil
}

// noStop is the stop function of a call that ctx cannot interrupt.
func noStop() bool { return true }

// maxSlack is how late the connection's deadline may fire: it is moved
// only when the call's deadline is more than that before it (or after
// it), so that calls in quick succession do not each move a timer (which
// wakes an idle thread of the scheduler each time).
const maxSlack = 2 * time.Millisecond

// setDeadline has the connection's reads and writes fail after deadline
// (up to maxSlack, or a sixteenth of the time left, later).
func (c *Conn) setDeadline(deadline time.Time) error {
	if deadline.IsZero() {
		if c.deadline.IsZero() {
			return nil
		}
		c.deadline = time.Time{}
		return c.nc.SetDeadline(c.deadline)
	}
	slack := min(time.Until(deadline)/16, maxSlack)
	if !c.deadline.IsZero() && !c.deadline.Before(deadline) && c.deadline.Sub(deadline) <= slack {
		return nil
	}
	c.deadline = deadline.Add(slack)
	return c.nc.SetDeadline(c.deadline)
}

// Broken says whether a call on c failed or was interrupted: c must then
// be closed, not used again.
func (c *Conn) Broken() bool { return c.broken }

// Close closes the connection.
func (c *Conn) Close() error {
	c.broken = true
	return c.nc.Close()
}

// transportError returns the error of a failed dial, read or write: the
// end of ctx when it ended the operation, ErrDeadline when the deadline
// did, else err wrapped in ErrTransport.
func transportError(ctx context.Context, err error) error {
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, context.DeadlineExceeded): // a dial's
		return fmt.Errorf("%w: %w", ErrDeadline, err)
	}
	return fmt.Errorf("%w: %w", ErrTransport, err)
}
