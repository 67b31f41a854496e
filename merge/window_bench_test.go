package merge

import (
	"cmp"
	"context"
	"database/sql/driver"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/fakedb"
)

// slowRanker is fakeRanker with a round trip's latency per call.
type slowRanker struct {
	fakeRanker
	rtt time.Duration
}

func (s *slowRanker) Rank(ctx context.Context, collation string, values []string) ([]int, error) {
	time.Sleep(s.rtt)
	return s.fakeRanker.Rank(ctx, collation, values)
}

// rankedBenchShards returns shards of n rows (id, name) each, sorted by
// (name under linguistic, id), names of one or two capitalized words, one
// in accented with an é.
func rankedBenchShards(shards, n, accented int) []Source {
	rng := rand.New(rand.NewPCG(9, 9))
	word := func() string {
		w := make([]byte, 3+rng.IntN(7))
		for i := range w {
			w[i] = byte('a' + rng.IntN(26))
		}
		if rng.IntN(3) > 0 {
			w[0] -= 'a' - 'A'
		}
		return string(w)
	}
	per := make([][][]driver.Value, shards)
	for id := range shards * n {
		name := word()
		if rng.IntN(2) == 0 {
			name += " " + word()
		}
		if accented > 0 && rng.IntN(accented) == 0 {
			name = strings.Replace(name, "e", "é", 1)
		}
		per[id%shards] = append(per[id%shards], []driver.Value{int64(id), name})
	}
	var srcs []Source
	for s, rows := range per {
		slices.SortFunc(rows, func(a, b []driver.Value) int {
			if c := linguistic(a[1].(string), b[1].(string)); c != 0 {
				return c
			}
			return cmp.Compare(a[0].(int64), b[0].(int64))
		})
		names := make([][]byte, len(rows))
		for i, r := range rows {
			names[i] = []byte(r[1].(string))
		}
		srcs = append(srcs, Source{Name: fmt.Sprint("s", s), Open: func(context.Context) (driver.Rows, error) {
			return &fakedb.Rows{Sets: sets([]string{"id", "name"}, nil), Gen: func(i int, dest []driver.Value) bool {
				if i >= len(rows) {
					return false
				}
				// A fresh string per row, as a driver returns.
				dest[0], dest[1] = rows[i][0], string(names[i])
				return true
			}}, nil
		}})
	}
	return srcs
}

// BenchmarkRankedMerge: ORDER BY name, id over 2 shards × 50,000 rows in a
// server collation, the names simple (ordered locally) or one in twenty
// accented (ranked by a ranker taking 1 ms per call).
func BenchmarkRankedMerge(b *testing.B) {
	for _, tc := range []struct {
		name     string
		accented int
	}{{"ascii", 0}, {"accents", 20}} {
		b.Run(tc.name, func(b *testing.B) {
			srcs := rankedBenchShards(2, 50_000, tc.accented)
			r := &slowRanker{rtt: time.Millisecond}
			spec := Spec{Dialect: dialect.Postgres, Ranker: r, OrderBy: []SortKey{{Column: 1, Collation: icu}, {Column: 0}}}
			b.ReportAllocs()
			for b.Loop() {
				rows, err := Open(context.Background(), spec, srcs)
				if err != nil {
					b.Fatal(err)
				}
				n, err := readAll(b, rows)
				rows.Close()
				if err != nil || len(n) != 100_000 {
					b.Fatal(len(n), err)
				}
			}
			b.ReportMetric(float64(r.calls.Load())/float64(b.N), "calls/op")
			b.ReportMetric(float64(r.values.Load())/float64(b.N), "ranked/op")
		})
	}
}
