package routing

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/registry"
	"github.com/grantsql/grant/routing/routecfg"
)

const benchSQL = "SELECT id, name, email FROM users WHERE id = $1"

// benchRouter is a round-robin router over three replicas with a session
// in the context that wrote long enough ago: the read goes to a replica
// after the read-your-writes check.
func benchRouter(b *testing.B, cfg Config) (*Router, Input) {
	db := fakeDB("main", 3)
	r, err := New(cfg, Options{Dialect: dialect.Postgres, Databases: []*registry.Database{db}})
	require.NoError(b, err)
	for _, n := range db.Replicas {
		r.State().Record(n, Measurement{Status: StatusReplicating, CaughtUp: true, LagKnown: true, Position: lsn("1/0")})
	}
	sess := NewSession()
	sess.note("main", time.Now().Add(-time.Minute).UnixNano(), lsn("0/100"))
	ctx := WithSession(context.Background(), sess)
	return r, Input{DB: db, Overrides: FromContext(ctx)}
}

// BenchmarkDecide measures a routing decision for a read with the
// statement's analysis already cached: the analysis cache hit plus Decide.
func BenchmarkDecide(b *testing.B) {
	cache := analyze.NewCache(0)
	run := func(b *testing.B, cfg Config, withCache bool) {
		r, in := benchRouter(b, cfg)
		s := cache.Analyze(dialect.Postgres, benchSQL)
		b.ReportAllocs()
		for b.Loop() {
			if withCache {
				s = cache.Analyze(dialect.Postgres, benchSQL)
			}
			rt, err := r.Decide(s, in)
			if err != nil || rt.Node.Role != registry.Replica {
				b.Fatal(rt, err)
			}
		}
	}
	b.Run("cache+decide", func(b *testing.B) { run(b, Config{}, true) })
	b.Run("decide", func(b *testing.B) { run(b, Config{}, false) })
	b.Run("causal", func(b *testing.B) {
		run(b, Config{ReadYourWrites: routecfg.ReadYourWrites{Mode: routecfg.RYWCausal}}, true)
	})
	b.Run("max_lag", func(b *testing.B) {
		run(b, Config{MaxReplicaLag: routecfg.Duration(time.Second)}, true)
	})
	b.Run("parallel", func(b *testing.B) {
		r, in := benchRouter(b, Config{})
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				s := cache.Analyze(dialect.Postgres, benchSQL)
				if _, err := r.Decide(s, in); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
}

func TestDecideAllocatesNothing(t *testing.T) {
	b := &testing.B{}
	r, in := benchRouter(b, Config{ReadYourWrites: routecfg.ReadYourWrites{Mode: routecfg.RYWCausal}})
	read, write := st(benchSQL), st("UPDATE users SET name = $1 WHERE id = $2")
	tok := NewSession()
	tok.note("main", 1, lsn("0/50"))
	in.Overrides = FromContext(WithToken(WithSession(context.Background(), in.Overrides.Session()), tok.Token()))
	allocs := testing.AllocsPerRun(1000, func() {
		if _, err := r.Decide(read, in); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Decide(write, in); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("Decide allocates %v times per call", allocs)
	}
}
