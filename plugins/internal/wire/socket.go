package wire

import (
	"bufio"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// TokenSize is the size of the token that opens a data connection.
const TokenSize = 32

// Endpoint is where the host reaches a plugin's data channel.
type Endpoint struct {
	Path  string // the Unix socket
	Token []byte // TokenSize random bytes, sent first on every connection
}

// check returns an error when e is not an endpoint Listen could return.
func (e Endpoint) check() error {
	if !filepath.IsAbs(e.Path) || len(e.Token) != TokenSize {
		return fmt.Errorf("%w: bad data endpoint (path %q, token of %d bytes)", ErrReply, e.Path, len(e.Token))
	}
	return nil
}

// The names Listen gives: the directory's prefix and the socket's name.
const (
	dirPrefix  = "grant-plugin-"
	socketName = "data.sock"
)

// RemoveLeftover removes the socket of e and its directory, which a plugin
// killed outright leaves behind. It removes nothing but a socket named as
// Listen names it and, when that leaves it empty, its directory.
func (e Endpoint) RemoveLeftover() {
	dir := filepath.Dir(e.Path)
	if filepath.Base(e.Path) != socketName || !strings.HasPrefix(filepath.Base(dir), dirPrefix) {
		return
	}
	if fi, err := os.Lstat(e.Path); err == nil && fi.Mode().Type() == fs.ModeSocket {
		_ = os.Remove(e.Path)
	}
	_ = os.Remove(dir) // fails unless empty
}

// Socket is the plugin's side of the data channel: a listener on a Unix
// socket in a directory of its own.
type Socket struct {
	Endpoint Endpoint
	l        net.Listener
	once     sync.Once
}

// Listen creates a directory only the process's user can enter (in the
// system's temporary directory), a Unix socket in it and a random token.
// Close removes the directory; a process killed before it runs leaves it
// behind, with only the socket file in it (see RemoveLeftover).
func Listen() (*Socket, error) {
	dir, err := os.MkdirTemp("", dirPrefix)
	if err != nil {
		return nil, err
	}
	if abs, aerr := filepath.Abs(dir); aerr == nil {
		dir = abs // the host takes nothing else
	}
	s := &Socket{Endpoint: Endpoint{Path: filepath.Join(dir, socketName), Token: make([]byte, TokenSize)}}
	if err = os.Chmod(dir, 0o700); err == nil {
		_, err = rand.Read(s.Endpoint.Token)
	}
	if err == nil {
		s.l, err = net.Listen("unix", s.Endpoint.Path)
	}
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	return s, nil
}

// Serve accepts data connections and serves each on a goroutine of its
// own with srv until the socket is closed.
func (s *Socket) Serve(srv *Server) error {
	var wait time.Duration
	for {
		c, err := s.l.Accept()
		switch {
		case errors.Is(err, net.ErrClosed):
			return nil
		case err != nil: // out of descriptors, say: wait and try again
			wait = min(max(2*wait, 5*time.Millisecond), time.Second)
			time.Sleep(wait)
			continue
		}
		wait = 0
		go serveConn(c, s.Endpoint.Token, srv)
	}
}

// Close stops accepting connections and removes the socket's directory.
// The connections already open keep being served.
func (s *Socket) Close() error {
	var err error
	s.once.Do(func() {
		err = s.l.Close()
		if rerr := os.RemoveAll(filepath.Dir(s.Endpoint.Path)); err == nil {
			err = rerr
		}
	})
	return err
}

// serveConn checks the token a connection opens with, then answers its
// requests in order until the host closes it.
func serveConn(c net.Conn, token []byte, srv *Server) {
	defer c.Close()
	got := make([]byte, TokenSize)
	_ = c.SetReadDeadline(time.Now().Add(tokenWait))
	if _, err := io.ReadFull(c, got); err != nil || subtle.ConstantTimeCompare(got, token) != 1 {
		return
	}
	_ = c.SetReadDeadline(time.Time{})
	r := bufio.NewReaderSize(c, 4096)
	var in, out []byte
	for {
		body, err := readFrame(r, in)
		if err != nil {
			return // the host closed the connection, or broke the protocol
		}
		out = srv.Answer(out, body)
		if _, err := c.Write(out); err != nil {
			return
		}
		in, out = reuse(body), reuse(out)
	}
}
