package routing

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/registry"
	"github.com/grantsql/grant/routing/routecfg"
)

func TestWindowReadYourWrites(t *testing.T) {
	f := newFixture(t, Config{}, 2)
	sess := NewSession()
	ctx := WithSession(context.Background(), sess)
	in := Input{DB: f.main, Overrides: FromContext(ctx)}

	f.r.Wrote(in, Position{})
	assert.Equal(t, f.clock.Now(), sess.LastWrite("main"))
	rt := f.mustRoute("SELECT 1", in)
	assert.Same(t, f.main.Primary, rt.Node)
	assert.Equal(t, ReasonRecentWrite, rt.Reason)
	// Another database is not affected.
	assert.Equal(t, registry.Replica, f.mustRoute("SELECT 1", Input{DB: f.other, Overrides: in.Overrides}).Role())

	f.clock.Advance(1999 * time.Millisecond)
	assert.Same(t, f.main.Primary, f.mustRoute("SELECT 1", in).Node, "still inside the 2 s window")
	f.clock.Advance(time.Millisecond)
	assert.Equal(t, registry.Replica, f.mustRoute("SELECT 1", in).Role(), "the window has passed")
}

func TestWindowIsConfigurable(t *testing.T) {
	f := newFixture(t, Config{ReadYourWrites: routecfg.ReadYourWrites{Window: routecfg.Duration(100 * time.Millisecond)}}, 1)
	f.r.Wrote(Input{DB: f.main}, Position{})
	assert.Same(t, f.main.Primary, f.mustRoute("SELECT 1", Input{}).Node)
	f.clock.Advance(100 * time.Millisecond)
	assert.Same(t, f.replica(0), f.mustRoute("SELECT 1", Input{}).Node)
}

func TestReadYourWritesOff(t *testing.T) {
	f := newFixture(t, Config{ReadYourWrites: routecfg.ReadYourWrites{Mode: routecfg.RYWOff}}, 1)
	sess := NewSession()
	in := Input{DB: f.main, Overrides: FromContext(WithSession(context.Background(), sess))}
	f.r.Wrote(in, Position{})
	assert.True(t, sess.LastWrite("main").IsZero())
	assert.Same(t, f.replica(0), f.mustRoute("SELECT 1", in).Node)
}

func TestReadYourWritesScopes(t *testing.T) {
	f := newFixture(t, Config{}, 1)
	a, b := NewSession(), NewSession()
	inA := Input{DB: f.main, Overrides: FromContext(WithSession(context.Background(), a))}
	inB := Input{DB: f.main, Overrides: FromContext(WithSession(context.Background(), b))}
	f.r.Wrote(inA, Position{})
	assert.Same(t, f.main.Primary, f.mustRoute("SELECT 1", inA).Node, "the writer's session reads its write")
	assert.Same(t, f.replica(0), f.mustRoute("SELECT 1", inB).Node, "another session is not held back")
	// Without a session in the context, scope database: every write counts.
	assert.Same(t, f.main.Primary, f.mustRoute("SELECT 1", Input{}).Node)

	// Scope connection: only the virtual connection's own writes count.
	cfg := Config{ReadYourWrites: routecfg.ReadYourWrites{Scope: routecfg.ScopeConnection}}
	g := newFixture(t, cfg, 1)
	c1, c2 := NewSession(), NewSession()
	g.r.Wrote(Input{DB: g.main, Session: c1}, Position{})
	assert.Same(t, g.main.Primary, g.mustRoute("SELECT 1", Input{Session: c1}).Node)
	assert.Same(t, g.replica(0), g.mustRoute("SELECT 1", Input{Session: c2}).Node)
	assert.Same(t, g.main.Primary, g.mustRoute("SELECT 1", Input{}).Node, "no connection session: database scope")
}

func causalFixture(t *testing.T, replicas int) *fixture {
	return newFixture(t, Config{ReadYourWrites: routecfg.ReadYourWrites{Mode: routecfg.RYWCausal}}, replicas)
}

func TestCausalLSN(t *testing.T) {
	f := causalFixture(t, 3)
	assert.True(t, f.r.Causal())
	f.at(0, lsn("0/1000"))
	f.at(1, lsn("0/3000"))
	f.at(2, lsn("0/2FFF"))
	sess := NewSession()
	in := Input{DB: f.main, Overrides: FromContext(WithSession(context.Background(), sess))}

	// Before any write every replica serves reads.
	assert.Len(t, f.count(30), 3)
	f.r.Wrote(in, lsn("0/3000"))
	assert.Equal(t, "pg:0/3000", sess.Position("main").String())
	for range 5 {
		rt := f.mustRoute("SELECT 1", in)
		assert.Same(t, f.replica(1), rt.Node, "only the replica that replayed 0/3000")
	}
	// None has replayed a later write: the primary, without waiting a window.
	f.r.Wrote(in, lsn("1/0"))
	rt := f.mustRoute("SELECT 1", in)
	assert.Same(t, f.main.Primary, rt.Node)
	assert.Equal(t, ReasonBehind, rt.Reason)
	assert.False(t, rt.Fallback)
	f.at(2, lsn("1/10"))
	assert.Same(t, f.replica(2), f.mustRoute("SELECT 1", in).Node)
	// A replica of unknown position never satisfies a requirement.
	f.r.State().Failed(f.replica(2), assert.AnError)
	f.at(2, Position{}) // replicating, position not reported
	assert.Same(t, f.replica(2), f.mustRoute("SELECT 1", in).Node, "the last known position stays")
}

func TestCausalUnknownPositionFallsBackToWindow(t *testing.T) {
	f := causalFixture(t, 1)
	f.at(0, lsn("0/1000"))
	f.r.Wrote(Input{DB: f.main}, Position{}) // position could not be read
	rt := f.mustRoute("SELECT 1", Input{})
	assert.Same(t, f.main.Primary, rt.Node)
	assert.Equal(t, ReasonRecentWrite, rt.Reason)
	f.clock.Advance(2 * time.Second)
	assert.Same(t, f.replica(0), f.mustRoute("SELECT 1", Input{}).Node)
}

func TestCausalGTID(t *testing.T) {
	f := newFixture(t, Config{ReadYourWrites: routecfg.ReadYourWrites{Mode: routecfg.RYWCausal}}, 2, func(o *Options) { o.Dialect = dialect.MySQL })
	f.at(0, gtid("0-1-41,1-2-9"))
	f.at(1, gtid("0-1-42"))
	in := Input{DB: f.main, Overrides: FromContext(WithSession(context.Background(), NewSession()))}
	f.r.Wrote(in, gtid("0-1-42"))
	assert.Same(t, f.replica(1), f.mustRoute("SELECT 1", in).Node)
	f.r.Wrote(in, gtid("1-2-5"))
	assert.Equal(t, "gtid:0-1-42,1-2-5", in.Overrides.Session().Position("main").String())
	rt := f.mustRoute("SELECT 1", in)
	assert.Same(t, f.main.Primary, rt.Node, "no replica has both domains")
	f.at(0, gtid("0-1-50,1-2-9"))
	assert.Same(t, f.replica(0), f.mustRoute("SELECT 1", in).Node)
}

func TestTokenAcrossProcesses(t *testing.T) {
	// Process A writes; its session's token goes to the client.
	a := causalFixture(t, 1)
	sess := NewSession()
	a.r.Wrote(Input{DB: a.main, Overrides: FromContext(WithSession(context.Background(), sess))}, lsn("0/5000"))
	cookie := sess.Token().String()
	require.NotEmpty(t, cookie)

	// Process B reads with the token from the cookie.
	b := causalFixture(t, 1)
	b.at(0, lsn("0/4000"))
	tok, err := ParseToken(cookie)
	require.NoError(t, err)
	in := Input{DB: b.main, Overrides: FromContext(WithToken(context.Background(), tok))}
	assert.Same(t, b.main.Primary, b.mustRoute("SELECT 1", in).Node)
	b.at(0, lsn("0/5000"))
	assert.Same(t, b.replica(0), b.mustRoute("SELECT 1", in).Node)

	// Merged into a session, the token's writes count as the session's.
	s2 := NewSession()
	s2.Merge(tok)
	b.at(0, lsn("0/5000"))
	assert.Equal(t, "pg:0/5000", s2.Position("main").String())

	// In window mode the token carries the write time.
	w := newFixture(t, Config{}, 1)
	w.clock.ns.Store(a.clock.ns.Load())
	in = Input{DB: w.main, Overrides: FromContext(WithToken(context.Background(), tok))}
	assert.Same(t, w.main.Primary, w.mustRoute("SELECT 1", in).Node)
	w.clock.Advance(2*time.Second + time.Millisecond)
	assert.Same(t, w.replica(0), w.mustRoute("SELECT 1", in).Node)
}

func TestConcurrentUse(t *testing.T) {
	f := causalFixture(t, 3)
	sess := NewSession()
	in := Input{DB: f.main, Overrides: FromContext(WithSession(context.Background(), sess))}
	done := make(chan struct{})
	for w := range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range 500 {
				switch w {
				case 0:
					f.r.Wrote(in, LSNPosition(LSN(i)))
				case 1:
					f.at(i%3, LSNPosition(LSN(i)))
				case 2:
					setHealthy(f.replica(i%3), i%2 == 0)
				default:
					if _, err := f.r.Decide(st("SELECT 1"), in); err != nil {
						t.Error(err)
					}
					_ = sess.Token().String()
				}
			}
		}()
	}
	for range 4 {
		<-done
	}
	assert.Equal(t, "pg:0/1F3", sess.Position("main").String())
}
