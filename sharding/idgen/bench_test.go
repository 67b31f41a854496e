package idgen

import (
	"context"
	"testing"
	"time"
)

// slowStore is a counter a round trip away.
type slowStore struct {
	MemoryStore
	rtt time.Duration
}

func (s *slowStore) TakeBlock(ctx context.Context, name string, n, start int64) (int64, error) {
	for t := time.Now(); time.Since(t) < s.rtt; { // a sleep this short oversleeps
	}
	return s.MemoryStore.TakeBlock(ctx, name, n, start)
}

// BenchmarkSnowflake is the cost of one id (target: 100 ns).
func BenchmarkSnowflake(b *testing.B) {
	g, _ := NewSnowflake(1)
	ids := make([]int64, 1)
	b.ReportAllocs()
	for b.Loop() {
		if err := g.Fill(bg, ids, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSnowflakeLeased is one id of a generator holding a lease.
func BenchmarkSnowflakeLeased(b *testing.B) {
	g, st := NewLeasedSnowflake("t"), &MemoryStore{}
	ids := make([]int64, 1)
	b.ReportAllocs()
	for b.Loop() {
		if err := g.Fill(bg, ids, st); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSnowflakeBatch is one id of a 100-row INSERT.
func BenchmarkSnowflakeBatch(b *testing.B) {
	g, _ := NewSnowflake(1)
	ids := make([]int64, 100)
	b.ReportAllocs()
	for b.Loop() {
		if err := g.Fill(bg, ids, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(ids)), "ns/id")
}

// BenchmarkSnowflakeParallel is one id from many goroutines at once.
func BenchmarkSnowflakeParallel(b *testing.B) {
	g, _ := NewSnowflake(1)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		ids := make([]int64, 1)
		for pb.Next() {
			if err := g.Fill(bg, ids, nil); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkSequence is one id of a sequence whose blocks of 1000 cost a
// 200 µs round trip each (target: 1 µs amortized).
func BenchmarkSequence(b *testing.B) {
	s, st := NewSequence("t", 1000, 1), &slowStore{rtt: 200 * time.Microsecond}
	ids := make([]int64, 1)
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Fill(bg, ids, st); err != nil {
			b.Fatal(err)
		}
	}
}
