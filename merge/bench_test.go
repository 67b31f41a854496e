package merge

import (
	"context"
	"database/sql/driver"
	"fmt"
	"io"
	"runtime"
	"testing"
	"time"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/fakedb"
)

const benchRowsPerShard = 25_000

// benchValues are boxed once, so the sources allocate nothing per row and
// the allocations measured are the merge's own.
var benchValues = func() (v struct{ ids, names []driver.Value }) {
	for i := range benchRowsPerShard {
		v.ids = append(v.ids, int64(i))
		v.names = append(v.names, fmt.Sprintf("name-%06d", i))
	}
	return v
}()

// benchSources: shards of benchRowsPerShard rows sorted by id. With a
// latency model, each waits delay(shard) before its first row and then 1 ms
// after every 500 rows (500,000 rows/s, a fast server streaming over a
// network): time in which the client's CPU is free.
func benchSources(shards int, payload []byte, delay func(int) time.Duration) []Source {
	var srcs []Source
	for s := range shards {
		srcs = append(srcs, Source{Name: fmt.Sprint("s", s), Open: func(ctx context.Context) (driver.Rows, error) {
			if delay != nil {
				time.Sleep(delay(s))
			}
			cols := []string{"id", "name"}
			if payload != nil {
				cols = append(cols, "payload")
			}
			return &fakedb.Rows{Sets: sets(cols, nil), Gen: func(i int, dest []driver.Value) bool {
				if i >= benchRowsPerShard {
					return false
				}
				if delay != nil && i > 0 && i%500 == 0 {
					time.Sleep(time.Millisecond)
				}
				dest[0], dest[1] = benchValues.ids[i], benchValues.names[i]
				if payload != nil {
					dest[2] = payload
				}
				return true
			}}, nil
		}})
	}
	return srcs
}

func benchMerge(b *testing.B, spec Spec, srcs []Source) {
	rows := float64(len(srcs) * benchRowsPerShard)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for b.Loop() {
		r, err := Open(context.Background(), spec, srcs)
		if err != nil {
			b.Fatal(err)
		}
		dest := make([]driver.Value, len(r.Columns()))
		for {
			if err := r.Next(dest); err != nil {
				if err != io.EOF {
					b.Fatal(err)
				}
				break
			}
		}
		r.Close()
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	b.ReportMetric(b.Elapsed().Seconds()*1e9/(float64(b.N)*rows), "ns/row")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/(float64(b.N)*rows), "allocs/row")
	b.ReportMetric(float64(b.N)*rows/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkOrderedMerge4: ORDER BY id over 4 shards × 25,000 rows.
func BenchmarkOrderedMerge4(b *testing.B) {
	benchMerge(b, Spec{Dialect: dialect.Postgres, OrderBy: []SortKey{{Column: 0}}}, benchSources(4, nil, nil))
}

// BenchmarkOrderedMergeBytes4 adds a 64-byte []byte column, which the
// readers must copy.
func BenchmarkOrderedMergeBytes4(b *testing.B) {
	benchMerge(b, Spec{Dialect: dialect.MySQL, OrderBy: []SortKey{{Column: 0}}}, benchSources(4, make([]byte, 64), nil))
}

// BenchmarkConcat4: no ORDER BY, 4 shards × 25,000 rows.
func BenchmarkConcat4(b *testing.B) {
	benchMerge(b, Spec{Dialect: dialect.Postgres}, benchSources(4, nil, nil))
}

// BenchmarkStreamingGroup4: GROUP BY name ORDER BY name, groups of 4 rows
// (one per shard), with COUNT.
func BenchmarkStreamingGroup4(b *testing.B) {
	benchMerge(b, Spec{Dialect: dialect.Postgres, OrderBy: []SortKey{{Column: 1}}, GroupBy: []int{1}, GroupSorted: true,
		Aggregates: []Aggregate{{Func: Count, Column: 0}}}, benchSources(4, nil, nil))
}

// BenchmarkDirect4 reads the same 4 sources one after the other without
// merging: the baseline for the per-row overhead of the merge.
func BenchmarkDirect4(b *testing.B) {
	srcs := benchSources(4, nil, nil)
	rows := float64(len(srcs) * benchRowsPerShard)
	for b.Loop() {
		for _, s := range srcs {
			r, _ := s.Open(context.Background())
			dest := make([]driver.Value, 2)
			for r.Next(dest) == nil {
			}
			r.Close()
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()*1e9/(float64(b.N)*rows), "ns/row")
}

// Fan-out latency: four shards whose queries take 5, 10, 15 and 20 ms
// before the first row and then stream 25,000 rows each over 50 ms, against
// the slowest shard's own query read directly (70 ms). Parallel reading
// keeps BenchmarkFanOut4 close to BenchmarkSingleSlowest (the target is
// 1.3×); serial reading would take about 3.4× as long. The merge's own cost
// per row is in BenchmarkOrderedMerge4.
func shardDelay(s int) time.Duration { return time.Duration(s+1) * 5 * time.Millisecond }

func BenchmarkFanOut4(b *testing.B) {
	benchMerge(b, Spec{Dialect: dialect.Postgres, OrderBy: []SortKey{{Column: 0}}}, benchSources(4, nil, shardDelay))
}

func BenchmarkSingleSlowest(b *testing.B) {
	src := benchSources(1, nil, func(int) time.Duration { return shardDelay(3) })[0]
	for b.Loop() {
		r, _ := src.Open(context.Background())
		dest := make([]driver.Value, 2)
		for r.Next(dest) == nil {
		}
		r.Close()
	}
}
