package merge

import (
	"bytes"
	"cmp"
	"context"
	"database/sql/driver"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/fakedb"
)

// The byte key of simple text orders as the local order does, and text
// the local order does not cover gets no key.
func TestLocalOrderKey(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	texts := []string{"", " ", "a", "A", "ab", "aB", "Ab", "a b", "a0", "0", "9a", "z", "Zz", "zZ", "zz "}
	for range 300 {
		b := make([]byte, rng.IntN(6))
		for i := range b {
			b[i] = probeAlphabet[rng.IntN(len(probeAlphabet))]
		}
		texts = append(texts, string(b))
	}
	for _, l := range []localOrder{{ok: true, space: true}, {ok: true}} {
		for _, a := range texts {
			ka, oka := l.appendKey([]byte("x"), a)
			require.Equal(t, l.covers1(a), oka, "%q", a)
			if !oka {
				assert.Equal(t, []byte("x"), ka, "a refused text leaves the key as it was")
				continue
			}
			for _, b := range texts {
				if kb, okb := l.appendKey(nil, b); okb {
					require.Equal(t, l.compare(a, b), bytes.Compare(ka[1:], kb), "%q %q", a, b)
				}
			}
		}
	}
	ascii := localOrder{ok: true, space: true}
	for _, s := range []string{"é", "a-b", "a\x00"} {
		_, ok := ascii.appendKey(nil, s)
		assert.False(t, ok, "%q", s)
	}
	none := localOrder{}
	_, ok := none.appendKey(nil, "a")
	assert.False(t, ok, "no local order: no key")
}

// countingShards is linguisticShards whose sources count the rows they
// produced, and fail at row failAt of the last shard when failAt > 0.
func countingShards(t *testing.T, shards, n int, words []string, failAt int, produced *atomic.Int64) ([]Source, [][]driver.Value) {
	_, want := linguisticShards(t, shards, n, words)
	per := make([][][]driver.Value, shards)
	for _, r := range want {
		s := r[0].(int64) % int64(shards)
		per[s] = append(per[s], r)
	}
	cols := []string{"id", "name"}
	srcs := make([]Source, shards)
	for s, data := range per {
		tmpl := fakedb.Rows{Sets: sets(cols, nil), Meta: typedMeta(2, "INT8", "TEXT"), Gen: func(i int, dest []driver.Value) bool {
			if i >= len(data) {
				return false
			}
			produced.Add(1)
			copy(dest, data[i])
			return true
		}}
		if s == shards-1 {
			tmpl.FailAt, tmpl.FailErr = failAt, assert.AnError
		}
		srcs[s] = fakeSource(fmt.Sprintf("s%d", s), tmpl, typed)
	}
	return srcs, want
}

// probeRanker ranks like fakeRanker after a delay, recording how many rows
// the shards produced while each call waited.
type probeRanker struct {
	fakeRanker
	delay    time.Duration
	produced *atomic.Int64
	during   []int64
}

func (p *probeRanker) Rank(ctx context.Context, collation string, values []string) ([]int, error) {
	before := p.produced.Load()
	time.Sleep(p.delay)
	p.during = append(p.during, p.produced.Load()-before)
	return p.fakeRanker.Rank(ctx, collation, values)
}

// While the server ranks a window, the merge reads the next one, so the
// shards go on producing rows beyond their own read-ahead.
func TestRankedMergeReadsAheadWhileRanking(t *testing.T) {
	checkNoLeak(t)
	var produced atomic.Int64
	words := []string{"eclair", "Éclair", "éclair", "apple", "Apple", "zebra", "niño", "nino", "b"}
	srcs, want := countingShards(t, 2, 4000, words, 0, &produced)
	r := &probeRanker{delay: 20 * time.Millisecond, produced: &produced}
	const inFlight = 16
	spec := Spec{Dialect: dialect.Postgres, Ranker: r, ShardRowsInFlight: inFlight, OrderBy: []SortKey{{Column: 1, Collation: icu}, {Column: 0}}}
	got := merged(t, spec, srcs)
	require.Equal(t, want, got)
	require.Greater(t, len(r.during), 3)
	// Without reading ahead, a shard produces at most its read-ahead
	// (2×inFlight rows) during a call; reading ahead, up to a window
	// (4×inFlight) more.
	assert.Greater(t, slices.Max(r.during), int64(2*2*inFlight), "rows produced during each rank call: %v", r.during)
}

// A shard's error met while reading ahead is returned after the rows
// before it, which come out in order.
func TestRankedMergeReadAheadError(t *testing.T) {
	checkNoLeak(t)
	var produced atomic.Int64
	words := []string{"eclair", "Éclair", "éclair", "apple", "Apple", "zebra", "niño", "nino", "b"}
	srcs, want := countingShards(t, 2, 2000, words, 300, &produced)
	r := &probeRanker{delay: 5 * time.Millisecond, produced: &produced}
	spec := Spec{Dialect: dialect.Postgres, Ranker: r, ShardRowsInFlight: 16, OrderBy: []SortKey{{Column: 1, Collation: icu}, {Column: 0}}}
	rows, err := Open(context.Background(), spec, srcs)
	require.NoError(t, err)
	defer rows.Close()
	got, err := readAll(t, rows)
	require.ErrorIs(t, err, assert.AnError)
	assert.ErrorContains(t, err, srcs[1].Name)
	assert.Equal(t, want[:len(got)], got)
}

// A shard out of order is caught wherever the disorder falls relative to
// the rounds (rows held over are not checked again).
func TestRankedMergeOrderCheckAcrossRounds(t *testing.T) {
	sorted := func(n int) [][]driver.Value {
		var rows [][]driver.Value
		for i := range n {
			rows = append(rows, row(int64(i), fmt.Sprintf("w%04d", i)))
		}
		return rows
	}
	for _, at := range []int{1, 15, 16, 17, 47, 48, 49, 111, 112, 300, 498} {
		bad := sorted(500)
		bad[at][1], bad[at-1][1] = bad[at-1][1], bad[at][1]
		for _, other := range []string{"early", "late"} {
			good := [][]driver.Value{row(int64(-1), "a")}
			if other == "late" {
				good = sorted(500)
			}
			srcs := shardsOf([]string{"id", "name"}, []string{"INT8", "TEXT"}, good, bad)
			spec := Spec{Dialect: dialect.Postgres, Ranker: &fakeRanker{}, ShardRowsInFlight: 32, OrderBy: []SortKey{{Column: 1, Collation: icu}}}
			r, err := Open(context.Background(), spec, srcs)
			require.NoError(t, err)
			_, err = readAll(t, r)
			r.Close()
			require.ErrorIs(t, err, ErrOutOfOrder, "disorder at %d, other shard %s", at, other)
		}
	}
}

// Ties of the ranked key, across shards and rounds, keep the order of the
// next key, ascending and descending.
func TestRankedMergeTies(t *testing.T) {
	var rows [][]driver.Value
	rng := rand.New(rand.NewPCG(7, 8))
	for id := range 3000 {
		rows = append(rows, row(int64(id), []string{"same", "Same", "sáme"}[rng.IntN(3)]))
	}
	for _, desc := range []bool{false, true} {
		less := func(a, b []driver.Value) int {
			c := linguistic(a[1].(string), b[1].(string))
			if c == 0 {
				c = cmp.Compare(a[0].(int64), b[0].(int64))
			}
			if desc {
				return -c
			}
			return c
		}
		srcs, want := shardsSortedBy([]string{"id", "name"}, []string{"INT8", "TEXT"}, 3, rows, less)
		got := merged(t, Spec{Dialect: dialect.Postgres, Ranker: &fakeRanker{}, ShardRowsInFlight: 32,
			OrderBy: []SortKey{{Column: 1, Collation: icu, Desc: desc}, {Column: 0, Desc: desc}}}, srcs)
		require.Equal(t, want, got, "desc %v", desc)
	}
}
