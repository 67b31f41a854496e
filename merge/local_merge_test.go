package merge

import (
	"context"
	"database/sql/driver"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
)

// The merge orders covered text by local keys and hands over to the ranked
// merge at the first text the local order does not cover (the fake
// ranker's accents are not in its local order): at the start, in the
// middle, at the very end (after some shards ended), ascending and
// descending, with OFFSET/LIMIT on either side of the hand-off.
func TestLocalMergeHandsOff(t *testing.T) {
	checkNoLeak(t)
	var base []string
	for i := range 300 {
		base = append(base, fmt.Sprintf("w%03d", i), fmt.Sprintf("W%03d", i))
	}
	f := &fakeRanker{} // probed once
	for _, tc := range []struct{ name, uncovered string }{{"start", "aé"}, {"middle", "w15é"}, {"end", "zé"}} {
		for _, shards := range []int{1, 2, 3, 4} {
			t.Run(fmt.Sprintf("%s/%d", tc.name, shards), func(t *testing.T) {
				words := append(slices.Clone(base), tc.uncovered)
				srcs, want := linguisticShards(t, shards, 4000, words)
				require.Contains(t, want, row(wantID(t, want, tc.uncovered), tc.uncovered))
				spec := Spec{Dialect: dialect.Postgres, Ranker: f, ShardRowsInFlight: 32,
					OrderBy: []SortKey{{Column: 1, Collation: icu}, {Column: 0}}}
				calls := f.calls.Load()
				require.Equal(t, want, merged(t, spec, srcs))
				assert.Greater(t, f.calls.Load(), max(calls, 1), "the uncovered text was ranked")

				for _, cut := range [][2]int64{{0, 5}, {1500, 40}, {3900, 100}} {
					limit := cut[1]
					spec.Offset, spec.Limit = cut[0], &limit
					assert.Equal(t, want[cut[0]:min(int(cut[0]+cut[1]), len(want))], merged(t, spec, srcs), "OFFSET %d LIMIT %d", cut[0], cut[1])
				}

				desc := Spec{Dialect: dialect.Postgres, Ranker: f, ShardRowsInFlight: 32,
					OrderBy: []SortKey{{Column: 1, Collation: icu, Desc: true}, {Column: 0, Desc: true}}}
				srcsDesc := reversedShards(shards, want)
				got := merged(t, desc, srcsDesc)
				assert.Equal(t, reversed(want), got)
			})
		}
	}
}

// wantID returns the id of the first row with text s.
func wantID(t *testing.T, rows [][]driver.Value, s string) int64 {
	for _, r := range rows {
		if r[1] == s {
			return r[0].(int64)
		}
	}
	t.Fatalf("no row %q", s)
	return 0
}

func reversed(rows [][]driver.Value) [][]driver.Value {
	out := slices.Clone(rows)
	slices.Reverse(out)
	return out
}

// reversedShards spreads all (sorted) as linguisticShards does (by id) and
// sorts each shard the other way: NULLs first, as PostgreSQL's DESC does.
func reversedShards(shards int, all [][]driver.Value) []Source {
	per := make([][][]driver.Value, shards)
	for _, r := range reversed(all) {
		s := int(r[0].(int64)) % shards
		per[s] = append(per[s], r)
	}
	return shardsOf([]string{"id", "name"}, []string{"INT8", "TEXT"}, per...)
}

// A LIMIT met before any uncovered text needs no ranking: the probe only.
func TestLocalMergeLimitBeforeUncoveredText(t *testing.T) {
	srcs := shardsOf([]string{"id", "name"}, []string{"INT8", "TEXT"},
		rowsOf(row(int64(1), "a"), row(int64(3), "B"), row(int64(5), "zé")),
		rowsOf(row(int64(2), "A"), row(int64(4), "c"), row(int64(6), "zzé")))
	f := &fakeRanker{}
	limit := int64(3)
	got := merged(t, Spec{Dialect: dialect.Postgres, Ranker: f, Limit: &limit,
		OrderBy: []SortKey{{Column: 1, Collation: icu}, {Column: 0}}}, srcs)
	assert.Equal(t, rowsOf(row(int64(1), "a"), row(int64(2), "A"), row(int64(3), "B")), got)
	assert.EqualValues(t, 1, f.calls.Load(), "the probe only")
}

// The order check holds across the hand-off: a shard whose uncovered row
// sorts before the covered row it returned last fails the merge.
func TestLocalMergeOrderCheckAcrossHandOff(t *testing.T) {
	srcs := shardsOf([]string{"name"}, []string{"TEXT"}, rowsOf(row("b"), row("aé")), rowsOf(row("c")))
	r, err := Open(context.Background(), Spec{Dialect: dialect.Postgres, Ranker: &fakeRanker{},
		OrderBy: []SortKey{{Column: 0, Collation: icu}}}, srcs)
	require.NoError(t, err)
	defer r.Close()
	got, err := readAll(t, r)
	require.ErrorIs(t, err, ErrOutOfOrder)
	assert.ErrorContains(t, err, `"aé" after shard s0 returned "b"`)
	assert.Equal(t, rowsOf(row("b")), got)
}

// Rare text outside the local order costs a few rounds of the ranked
// merge each: once a round holds only covered text, the merge hands back
// to the heap in the local order, again and again, and the result is one
// database's.
func TestLocalMergeHandsBack(t *testing.T) {
	checkNoLeak(t)
	var words []string
	for i := range 400 {
		words = append(words, fmt.Sprintf("w%03d", i), fmt.Sprintf("W%03d", i))
	}
	for i := 0; i < 400; i += 40 {
		words = append(words, fmt.Sprintf("w%03dé", i)) // outside the fake's local order, spread
	}
	f := &fakeRanker{}
	for _, shards := range []int{2, 3} {
		t.Run(fmt.Sprint(shards), func(t *testing.T) {
			srcs, want := linguisticShards(t, shards, 30000, words)
			r, err := Open(context.Background(), Spec{Dialect: dialect.Postgres, Ranker: f, ShardRowsInFlight: 64,
				OrderBy: []SortKey{{Column: 1, Collation: icu}, {Column: 0}}}, srcs)
			require.NoError(t, err)
			defer r.Close()
			got, err := readAll(t, r)
			require.NoError(t, err)
			require.Equal(t, want, got)
			m := r.(*rows).top.(*orderedMerge)
			assert.Nil(t, m.local.ranked, "back in the local order at the end")
			assert.GreaterOrEqual(t, m.local.handOffs, 5, "handed off and back several times")
			t.Logf("%d hand-offs", m.local.handOffs)
		})
	}
}
