package registry_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/testenv"
	"github.com/grantsql/grant/registry"
)

// stallProxy forwards TCP connections to a server until stalled: then it
// forwards nothing more, as a hung machine whose kernel still holds the
// connections would.
type stallProxy struct {
	l       net.Listener
	target  string
	mu      sync.Mutex
	stalled bool
	resume  chan struct{}
}

func newStallProxy(t *testing.T, target string) *stallProxy {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p := &stallProxy{l: l, target: target, resume: make(chan struct{})}
	t.Cleanup(func() {
		l.Close()
		p.unstall()
	})
	go p.serve(t)
	return p
}

func (p *stallProxy) addr() string { return p.l.Addr().String() }

func (p *stallProxy) serve(t *testing.T) {
	for {
		c, err := p.l.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		t.Cleanup(func() { c.Close(); s.Close() })
		go p.pipe(c, s)
		go p.pipe(s, c)
	}
}

// pipe copies from src to dst, holding every chunk while stalled.
func (p *stallProxy) pipe(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.mu.Lock()
			stalled, resume := p.stalled, p.resume
			p.mu.Unlock()
			if stalled {
				<-resume
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			dst.Close()
			return
		}
	}
}

func (p *stallProxy) stall() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stalled = true
}

func (p *stallProxy) unstall() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stalled {
		p.stalled = false
		close(p.resume)
		p.resume = make(chan struct{})
	}
}

// proxied returns dsn with its host and port replaced by addr.
func proxied(t *testing.T, d dialect.Dialect, dsn, addr string) (string, string) {
	if d == dialect.Postgres {
		cfg, err := pgx.ParseConfig(dsn)
		require.NoError(t, err)
		target := net.JoinHostPort(cfg.Host, itoa(uint32(cfg.Port)))
		return strings.Replace(dsn, target, addr, 1), target
	}
	cfg, err := mysql.ParseDSN(dsn)
	require.NoError(t, err)
	target := cfg.Addr
	cfg.Addr = addr
	return cfg.FormatDSN(), target
}

// openStalling opens a registry of one node, the dialect's test server
// behind a stallProxy, with the real driver.
func openStalling(t *testing.T, d dialect.Dialect) (*registry.Registry, *stallProxy) {
	dsn := testenv.PostgresDSN(t)
	if d == dialect.MySQL {
		dsn = testenv.MySQLDSN(t)
	}
	_, target := proxied(t, d, dsn, "")
	p := newStallProxy(t, target)
	dsn, _ = proxied(t, d, dsn, p.addr())
	cfg := &config.Cluster{Dialect: d, Databases: map[string]*config.Database{"main": {Primary: dsn}},
		Health: config.Health{Disabled: true, Timeout: config.Duration(200 * time.Millisecond)}}
	v, err := cfg.Validate()
	require.NoError(t, err)
	reg, err := registry.Open(v, registry.Options{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	t.Cleanup(func() { reg.Close() })
	return reg, p
}

// TestLeavingRotationCutsStatements: a statement waiting on a server that
// stopped answering ends as soon as its node leaves rotation, with a
// *LeftRotationError naming the node; its connection is discarded, and a
// new connection to the node, out of rotation, gives up within the health
// check timeout instead of waiting for the server.
func TestLeavingRotationCutsStatements(t *testing.T) {
	for _, d := range []dialect.Dialect{dialect.Postgres, dialect.MySQL} {
		t.Run(d.String(), func(t *testing.T) {
			reg, proxy := openStalling(t, d)
			n := reg.Default().Primary
			ctx := context.Background()
			c := acquire(t, n)
			_, err := c.QueryString(ctx, "SELECT 1")
			require.NoError(t, err)

			proxy.stall()
			done := make(chan error, 1)
			go func() {
				_, err := c.QueryString(ctx, "SELECT 2")
				done <- err
			}()
			select {
			case err := <-done:
				t.Fatalf("the statement ended on a stalled server: %v", err)
			case <-time.After(100 * time.Millisecond):
			}
			reg.MarkDown(n, errors.New("health check: no answer"))
			var err2 error
			select {
			case err2 = <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("the statement did not end when its node left rotation")
			}
			require.ErrorIs(t, err2, registry.ErrLeftRotation)
			var left *registry.LeftRotationError
			require.ErrorAs(t, err2, &left)
			assert.Equal(t, "health check: no answer", left.Reason)
			assert.Contains(t, err2.Error(), "grant: node main.primary: left rotation while the statement ran (health check: no answer)")
			assert.True(t, c.Stale())
			c.Release(err2)
			st := n.Stats()
			assert.Equal(t, int64(1), st.Interrupted)
			assert.Zero(t, st.InFlight)
			assert.Zero(t, st.Pool.OpenConnections, "the cut connection was discarded")

			// Out of rotation, connecting waits no longer than health.timeout.
			start := time.Now()
			err = n.Acquire(ctx, new(registry.Conn))
			require.Error(t, err)
			assert.Less(t, time.Since(start), 3*time.Second)
			assert.True(t, registry.IsConnError(err), "a read would be retried elsewhere: %v", err)
			assert.True(t, registry.NodeFailure(ctx, err))
			assert.Contains(t, err.Error(), "no answer within 200ms")

			// The server answers again: a health check brings the node back.
			proxy.unstall()
			reg.CheckNow(ctx)
			assert.True(t, n.Healthy())
			c2 := acquire(t, n)
			_, err = c2.QueryString(ctx, "SELECT 3")
			assert.NoError(t, err)
			c2.Release(nil)
		})
	}
}

// TestHealthCheckOwnConnection: with the node's only pooled connection
// held (pool.max_open: 1), the health check still answers, on its own
// connection, and the node stays in rotation.
func TestHealthCheckOwnConnection(t *testing.T) {
	cfg := fakeConfig()
	cfg.Pool.MaxOpen = 1
	cfg.Health.Failures, cfg.Health.Timeout = 1, config.Duration(20*time.Millisecond)
	reg, fake := openFake(t, cfg, registry.Options{Logger: slog.New(slog.DiscardHandler)})
	n := primary(reg)
	c := acquire(t, n)
	defer c.Release(nil)
	for range 3 {
		reg.CheckNow(context.Background())
	}
	assert.True(t, n.Healthy())
	assert.Equal(t, 3, fake.DB(primaryDSN).Count("ping"))
	assert.Equal(t, 2, fake.DB(primaryDSN).Conns(), "one pooled, one for the checks")
	assert.Equal(t, 1, n.Stats().Pool.OpenConnections, "the check's is not the pool's")
}

// TestStatementSuccessBreaksFailureRun: failures count against a node
// only when consecutive; a statement that succeeds on it in between
// resets them.
func TestStatementSuccessBreaksFailureRun(t *testing.T) {
	cfg := fakeConfig()
	cfg.Health.Failures = 2
	reg, _ := openFake(t, cfg, registry.Options{Logger: slog.New(slog.DiscardHandler)})
	n := primary(reg)
	reset := errors.New("reset")
	reg.ReportFailure(n, reset)
	assert.Equal(t, 1, n.Failures())
	c := acquire(t, n)
	_, err := c.QueryString(context.Background(), "q")
	require.NoError(t, err)
	c.Release(nil)
	assert.Zero(t, n.Failures(), "the node answered")
	reg.ReportFailure(n, reset)
	assert.True(t, n.Healthy(), "one failure since the success")
	c = acquire(t, n)
	c.Release(io.ErrUnexpectedEOF)
	assert.Equal(t, 1, n.Failures(), "a failed release is no success")
}

// TestMarkDown: a node taken out by hand leaves rotation once, logged once,
// with the reason in Stats, and comes back by passing health checks.
func TestMarkDown(t *testing.T) {
	var logs lockedBuf
	reg, _ := openFake(t, nil, registry.Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	n := reg.Default().Replicas[0]
	reg.MarkDown(n, errors.New("maintenance"))
	reg.MarkDown(n, errors.New("maintenance"))
	st := n.Stats()
	assert.False(t, st.Healthy)
	assert.Equal(t, int64(1), st.Transitions)
	assert.Equal(t, "maintenance", st.LastError)
	assert.Equal(t, 1, strings.Count(logs.String(), "node out of rotation"))
	reg.CheckNow(context.Background())
	assert.True(t, n.Healthy())
	assert.Equal(t, 1, strings.Count(logs.String(), "node back in rotation"))
}

type lockedBuf struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
