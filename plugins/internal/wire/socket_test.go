package wire

import (
	"bufio"
	"context"
	"encoding/binary"
	"io"
	"net"
	"net/rpc"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// listen serves stub on a new Socket, closed when t ends.
func listen(t *testing.T) *Socket {
	s, err := Listen()
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- s.Serve(&Server{Impl: stub{}}) }()
	t.Cleanup(func() {
		require.NoError(t, s.Close())
		require.NoError(t, <-done)
	})
	return s
}

// dial opens a connection to e, closed when t ends.
func dial(t *testing.T, e Endpoint) *Conn {
	c, err := Dial(context.Background(), time.Time{}, e)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

// call resolves keys on c with a timeout of a second.
func call(t *testing.T, c *Conn, keys ...[]any) (*Reply, error) {
	return c.Call(context.Background(), time.Now().Add(time.Second), encode(t, keys...), len(keys))
}

func TestSocket(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s, err := Listen()
	require.NoError(t, err)
	go s.Serve(&Server{Impl: stub{}})
	dir := filepath.Dir(s.Endpoint.Path)
	fi, err := os.Stat(dir)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), fi.Mode().Perm(), "only the user enters the socket's directory")
	assert.Len(t, s.Endpoint.Token, TokenSize)

	c, err := Dial(context.Background(), time.Time{}, s.Endpoint)
	require.NoError(t, err)
	for range 3 {
		r, err := call(t, c, []any{"a"}, []any{"ns"})
		require.NoError(t, err)
		codes, texts := answers(r)
		assert.Equal(t, []Code{CodeOK, CodeNoShard}, codes)
		assert.Equal(t, "s0", texts[0])
	}
	assert.False(t, c.Broken(), "one connection serves call after call")
	_, err = call(t, c, []any{"a"})
	require.NoError(t, err)

	require.NoError(t, s.Close())
	_, err = os.Stat(dir)
	assert.ErrorIs(t, err, os.ErrNotExist, "Close removes the directory")
	_, err = call(t, c, []any{"a"})
	require.NoError(t, err, "an open connection outlives the listener")
	require.NoError(t, c.Close())
	_, err = Dial(context.Background(), time.Time{}, s.Endpoint)
	require.ErrorIs(t, err, ErrTransport)
}

func TestDialDeadline(t *testing.T) {
	_, err := Dial(context.Background(), time.Now().Add(-time.Millisecond), listen(t).Endpoint)
	require.ErrorIs(t, err, ErrDeadline, "not taken for a failed connection")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = Dial(ctx, time.Time{}, listen(t).Endpoint)
	require.ErrorIs(t, err, context.Canceled)
}

func TestWrongToken(t *testing.T) {
	s := listen(t)
	e := s.Endpoint
	e.Token = make([]byte, TokenSize)
	_, err := call(t, dial(t, e), []any{"a"})
	require.ErrorIs(t, err, ErrTransport, "the plugin closes a connection with a wrong token")
}

func TestCallTimeout(t *testing.T) {
	c := dial(t, listen(t).Endpoint)
	start := time.Now()
	_, err := c.Call(context.Background(), start.Add(50*time.Millisecond), encode(t, []any{"hang"}), 1)
	require.ErrorIs(t, err, ErrDeadline)
	assert.Less(t, time.Since(start), time.Second)
	assert.True(t, c.Broken(), "a late reply must not reach the next call")
	_, err = call(t, c, []any{"a"})
	require.ErrorIs(t, err, ErrTransport)

	c = dial(t, listen(t).Endpoint)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = c.Call(ctx, time.Now().Add(time.Minute), encode(t, []any{"hang"}), 1)
	require.ErrorIs(t, err, context.DeadlineExceeded, "the context's deadline ends the call")
	assert.True(t, c.Broken())
}

func TestCallCancel(t *testing.T) {
	c := dial(t, listen(t).Endpoint)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(30*time.Millisecond, cancel)
	_, err := c.Call(ctx, time.Time{}, encode(t, []any{"hang"}), 1)
	require.ErrorIs(t, err, context.Canceled, "a context without a deadline ends the read too")
	assert.True(t, c.Broken())
}

// TestDeadlineSlack checks that calls in quick succession keep the
// connection's deadline, and that it never fires before the call's.
func TestDeadlineSlack(t *testing.T) {
	c := dial(t, listen(t).Endpoint)
	first := time.Now().Add(time.Second)
	_, err := c.Call(context.Background(), first, encode(t, []any{"a"}), 1)
	require.NoError(t, err)
	set := c.deadline
	assert.Equal(t, first.Add(maxSlack), set)
	_, err = c.Call(context.Background(), first.Add(maxSlack/2), encode(t, []any{"a"}), 1)
	require.NoError(t, err)
	assert.Equal(t, set, c.deadline, "within the slack: not moved")
	_, err = c.Call(context.Background(), first.Add(2*maxSlack), encode(t, []any{"a"}), 1)
	require.NoError(t, err)
	assert.Equal(t, first.Add(3*maxSlack), c.deadline, "it would fire before the call's: moved")
	_, err = c.Call(context.Background(), first, encode(t, []any{"a"}), 1)
	require.NoError(t, err)
	assert.Equal(t, first.Add(maxSlack), c.deadline, "it would fire too late: moved")
	_, err = c.Call(context.Background(), time.Time{}, encode(t, []any{"a"}), 1)
	require.NoError(t, err)
	assert.True(t, c.deadline.IsZero(), "no deadline")
}

// fake accepts one connection on a new socket, reads its token and a
// request frame, writes reply, then closes the connection when the host
// does (hold) or at once.
func fake(t *testing.T, reply []byte, hold bool) Endpoint {
	dir := t.TempDir()
	e := Endpoint{Path: filepath.Join(dir, "s"), Token: make([]byte, TokenSize)}
	l, err := net.Listen("unix", e.Path)
	require.NoError(t, err)
	t.Cleanup(func() { l.Close() })
	go func() {
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		r := bufio.NewReader(c)
		if _, err := r.Discard(TokenSize); err != nil {
			return
		}
		if _, err := readFrame(r, nil); err != nil {
			return
		}
		_, _ = c.Write(reply)
		if hold {
			_, _ = io.Copy(io.Discard, r)
		}
	}()
	return e
}

func TestCallBadReply(t *testing.T) {
	for name, reply := range map[string][]byte{
		"too large": binary.BigEndian.AppendUint32(nil, MaxFrame+1),
		"malformed": {0, 0, 0, 1, 9},
		"refused":   appendFailure(nil, "no such thing"),
	} {
		t.Run(name, func(t *testing.T) {
			c := dial(t, fake(t, reply, true))
			_, err := call(t, c, []any{"a"})
			require.ErrorIs(t, err, ErrReply)
			assert.True(t, c.Broken())
		})
	}
	c := dial(t, fake(t, []byte{0, 0}, false))
	_, err := call(t, c, []any{"a"})
	require.ErrorIs(t, err, ErrTransport, "a connection closed mid-frame")
}

// noOpen is a control server of another protocol.
type noOpen struct{}

func (*noOpen) Resolve(_ int, r *int) error { return nil }

func TestOpen(t *testing.T) {
	serve := func(ctl any) *rpc.Client {
		srv := rpc.NewServer()
		require.NoError(t, srv.RegisterName("Plugin", ctl))
		a, b := net.Pipe()
		go srv.ServeConn(a)
		c := rpc.NewClient(b)
		t.Cleanup(func() { c.Close() })
		return c
	}
	want := Endpoint{Path: "/run/x/data.sock", Token: make([]byte, TokenSize)}
	ctx := context.Background()
	got, err := Open(ctx, serve(&Control{Endpoint: want}))
	require.NoError(t, err)
	assert.Equal(t, want, got)

	_, err = Open(ctx, serve(&Control{Endpoint: Endpoint{Path: "rel", Token: want.Token}}))
	require.ErrorIs(t, err, ErrReply)
	_, err = Open(ctx, serve(&noOpen{}))
	require.ErrorIs(t, err, ErrReply, "no Open method")

	c := serve(&Control{Endpoint: want})
	require.NoError(t, c.Close())
	_, err = Open(ctx, c)
	require.ErrorIs(t, err, ErrTransport)
}

func TestRemoveLeftover(t *testing.T) {
	s, err := Listen()
	require.NoError(t, err)
	dir := filepath.Dir(s.Endpoint.Path)
	s.l.(*net.UnixListener).SetUnlinkOnClose(false)
	require.NoError(t, s.l.Close()) // as a process killed outright leaves it
	_, err = os.Stat(s.Endpoint.Path)
	require.NoError(t, err)
	s.Endpoint.RemoveLeftover()
	_, err = os.Stat(dir)
	assert.ErrorIs(t, err, os.ErrNotExist)

	other := t.TempDir()
	keep := filepath.Join(other, socketName)
	require.NoError(t, os.WriteFile(keep, nil, 0o600))
	Endpoint{Path: keep}.RemoveLeftover()
	assert.FileExists(t, keep, "a directory Listen does not name is left alone")
	mine := filepath.Join(other, dirPrefix+"x")
	require.NoError(t, os.MkdirAll(mine, 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(mine, socketName), nil, 0o600))
	Endpoint{Path: filepath.Join(mine, socketName)}.RemoveLeftover()
	assert.FileExists(t, filepath.Join(mine, socketName), "a file that is not a socket is left alone")
}
