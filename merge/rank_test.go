package merge

import (
	"cmp"
	"context"
	"database/sql/driver"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
)

// fakeRanker orders text like a linguistic collation: base letters first
// (accents and case folded), then accents, then lower case before upper
// case, then bytes. On simple text it agrees with localOrder. It counts its
// calls and the values it ranked.
type fakeRanker struct {
	calls, values atomic.Int64
	fail          error
}

var accents = strings.NewReplacer("é", "e", "É", "E", "è", "e", "ñ", "n", "Ñ", "N", "å", "a", "Å", "A")

func linguistic(a, b string) int {
	return linguisticFolded(a, b, foldText(a), foldText(b))
}

// folded is a text with its accents replaced, and that lower-cased.
type folded struct{ plain, lower string }

func foldText(s string) folded {
	f := accents.Replace(s)
	return folded{f, strings.ToLower(f)}
}

func linguisticFolded(a, b string, fa, fb folded) int {
	if c := cmp.Compare(fa.lower, fb.lower); c != 0 {
		return c
	}
	if ua, ub := fa.plain == a, fb.plain == b; ua != ub {
		if ua {
			return -1 // unaccented first
		}
		return 1
	}
	for i, j := 0, 0; i < len(fa.plain) && j < len(fb.plain); i, j = i+1, j+1 {
		if x, y := unicode.IsUpper(rune(fa.plain[i])), unicode.IsUpper(rune(fb.plain[j])); x != y {
			if x {
				return 1
			}
			return -1
		}
	}
	return cmp.Compare(a, b)
}

func (f *fakeRanker) Rank(_ context.Context, collation string, values []string) ([]int, error) {
	if f.fail != nil {
		return nil, f.fail
	}
	f.calls.Add(1)
	f.values.Add(int64(len(values)))
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	sorted = slices.Compact(sorted)
	folds := make(map[string]folded, len(sorted))
	for _, v := range sorted {
		folds[v] = foldText(v)
	}
	slices.SortFunc(sorted, func(a, b string) int { return linguisticFolded(a, b, folds[a], folds[b]) })
	rank := make(map[string]int, len(sorted))
	for i, v := range sorted {
		rank[v] = i
		if i > 0 && linguisticFolded(sorted[i-1], v, folds[sorted[i-1]], folds[v]) == 0 {
			rank[v] = rank[sorted[i-1]] // ties share the rank of the first
		}
	}
	out := make([]int, len(values))
	for i, v := range values {
		out[i] = rank[v]
	}
	return out, nil
}

var icu = ServerCollation(`"und-x-icu"`)

// linguisticShards spreads n rows (id, name) over shards, each sorted by
// (name under linguistic, id), names drawn from words.
func linguisticShards(t *testing.T, shards, n int, words []string) ([]Source, [][]driver.Value) {
	rng := rand.New(rand.NewPCG(1, 2))
	per := make([][][]driver.Value, shards)
	var all [][]driver.Value
	for id := range n {
		var name driver.Value = words[rng.IntN(len(words))]
		if rng.IntN(10) == 0 {
			name = nil
		}
		r := row(int64(id), name)
		s := id % shards
		per[s] = append(per[s], r)
		all = append(all, r)
	}
	byName := func(a, b []driver.Value) int {
		switch {
		case a[1] == nil && b[1] == nil:
		case a[1] == nil:
			return 1 // PostgreSQL: NULLs last
		case b[1] == nil:
			return -1
		default:
			if c := linguistic(a[1].(string), b[1].(string)); c != 0 {
				return c
			}
		}
		return cmp.Compare(a[0].(int64), b[0].(int64))
	}
	for _, p := range per {
		slices.SortFunc(p, byName)
	}
	slices.SortFunc(all, byName)
	t.Logf("%d rows on %d shards", n, shards)
	return shardsOf([]string{"id", "name"}, []string{"INT8", "TEXT"}, per...), all
}

func TestRankedMergeEqualsOneDatabase(t *testing.T) {
	checkNoLeak(t)
	words := []string{"eclair", "Éclair", "éclair", "Eclair", "nino", "niño", "Nino", "apple", "Apple", "zebra", "a b", "ab", "a0"}
	for _, shards := range []int{2, 3, 4} {
		t.Run(fmt.Sprint(shards), func(t *testing.T) {
			srcs, want := linguisticShards(t, shards, 3000, words)
			f := &fakeRanker{}
			spec := Spec{Dialect: dialect.Postgres, Ranker: f, ShardRowsInFlight: 64,
				OrderBy: []SortKey{{Column: 1, Collation: icu}, {Column: 0}}}
			got := merged(t, spec, srcs)
			assert.Equal(t, want, got)
			assert.Positive(t, f.calls.Load())

			limit := int64(7)
			spec.Offset, spec.Limit = 100, &limit
			got = merged(t, spec, srcs)
			assert.Equal(t, want[100:107], got)
		})
	}
}

// Simple text (letters, digits, spaces) is ordered locally once the probe
// agreed: the ranker sees the probe only.
func TestRankedMergeOrdersSimpleTextLocally(t *testing.T) {
	srcs, want := linguisticShards(t, 3, 2000, []string{"b", "B", "ab", "a b", "Ab", "a0", "zz", "Zz9"})
	f := &fakeRanker{}
	got := merged(t, Spec{Dialect: dialect.Postgres, Ranker: f, OrderBy: []SortKey{{Column: 1, Collation: icu}, {Column: 0}}}, srcs)
	assert.Equal(t, want, got)
	assert.EqualValues(t, 1, f.calls.Load(), "the probe only")
	assert.EqualValues(t, len(probeTexts()), f.values.Load())
}

func TestRankedMergeRefusals(t *testing.T) {
	srcs := shardsOf([]string{"name"}, []string{"TEXT"}, rowsOf(row("b")), rowsOf(row("a")))
	_, err := Open(context.Background(), Spec{Dialect: dialect.Postgres, OrderBy: []SortKey{{Column: 0, Collation: icu}}}, srcs)
	require.ErrorContains(t, err, `column 0 is text in collation "und-x-icu", which only the server can order`)

	// A shard sorted in byte order, merged as the collation orders: 'B'
	// before 'a' is out of order under it.
	srcs = shardsOf([]string{"name"}, []string{"TEXT"}, rowsOf(row("B"), row("a")), rowsOf(row("c")))
	r, err := Open(context.Background(), Spec{Dialect: dialect.Postgres, Ranker: &fakeRanker{}, OrderBy: []SortKey{{Column: 0, Collation: icu}}}, srcs)
	require.NoError(t, err)
	defer r.Close()
	_, err = readAll(t, r)
	require.ErrorIs(t, err, ErrOutOfOrder)
	assert.ErrorContains(t, err, `"und-x-icu"`)

	// Not text: a uuid column compares as itself, no ranking.
	got := merged(t, Spec{Dialect: dialect.Postgres, OrderBy: []SortKey{{Column: 0}}, ColumnCollations: []Collation{icu}, Ranker: &fakeRanker{fail: assert.AnError}},
		shardsOf([]string{"u"}, []string{"UUID"}, rowsOf(row("0a")), rowsOf(row("0B"))))
	assert.Equal(t, [][]driver.Value{row("0B"), row("0a")}, got)
}

// GROUP BY in memory sorts its groups, and MIN and MAX pick their values,
// by the server's ranks.
func TestRankedGroupsAndMinMax(t *testing.T) {
	f := &fakeRanker{}
	srcs := shardsOf([]string{"name", "n", "lo", "hi"}, []string{"TEXT", "INT8", "TEXT", "TEXT"},
		rowsOf(row("éclair", int64(1), "Éa", "zé"), row("apple", int64(2), "b", "c")),
		rowsOf(row("eclair", int64(3), "ea", "Z"), row("Éclair", int64(4), "éa", "zz")))
	spec := Spec{Dialect: dialect.Postgres, Ranker: f, GroupBy: []int{0},
		ColumnCollations: []Collation{icu, "", icu, icu},
		OrderBy:          []SortKey{{Column: 0, Desc: true}},
		Aggregates:       []Aggregate{{Func: Sum, Column: 1}, {Func: Min, Column: 2}, {Func: Max, Column: 3}}}
	got := merged(t, spec, srcs)
	var names []string
	for _, r := range got {
		names = append(names, r[0].(string))
	}
	assert.Equal(t, []string{"Éclair", "éclair", "eclair", "apple"}, names)

	got = merged(t, Spec{Dialect: dialect.Postgres, Ranker: f, ColumnCollations: []Collation{icu, "", icu, icu},
		Aggregates: []Aggregate{{Func: Min, Column: 2}, {Func: Max, Column: 3}}}, srcs)
	assert.Equal(t, "b", got[0][2], "MIN")
	assert.Equal(t, "zz", got[0][3], "MAX: z < Z < zé < zz")
}

// shardsSortedBy spreads rows over shards, each sorted by less, and
// returns them with all the rows sorted the same way.
func shardsSortedBy(cols, types []string, shards int, rows [][]driver.Value, less func(a, b []driver.Value) int) ([]Source, [][]driver.Value) {
	per := make([][][]driver.Value, shards)
	for i, r := range rows {
		per[i%shards] = append(per[i%shards], r)
	}
	for _, p := range per {
		slices.SortStableFunc(p, less)
	}
	all := slices.Clone(rows)
	slices.SortStableFunc(all, less)
	return shardsOf(cols, types, per...), all
}

// Descending keys, a ranked key after another key, and text mostly outside
// the local order (every round ranks around it, or all of it).
func TestRankedMergeShapes(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	words := []string{"eclair", "Éclair", "ab", "Ab", "b", "é", "e", "E", "zz", "Zé", "a b", "ñ", "n", "N"}
	var rows [][]driver.Value
	for id := range 2500 {
		var w driver.Value = words[rng.IntN(len(words))]
		if rng.IntN(15) == 0 {
			w = nil
		}
		rows = append(rows, row(int64(id), w, int64(rng.IntN(3))))
	}
	text := func(a, b driver.Value) int {
		switch {
		case a == nil && b == nil:
			return 0
		case a == nil:
			return 1
		case b == nil:
			return -1
		}
		return linguistic(a.(string), b.(string))
	}
	for _, tc := range []struct {
		name string
		keys []SortKey
		less func(a, b []driver.Value) int
	}{
		{"desc", []SortKey{{Column: 1, Desc: true, Collation: icu}, {Column: 0}}, func(a, b []driver.Value) int {
			if c := -text(a[1], b[1]); c != 0 {
				return c
			}
			return cmp.Compare(a[0].(int64), b[0].(int64))
		}},
		{"second_key", []SortKey{{Column: 2}, {Column: 1, Collation: icu}, {Column: 0, Desc: true}}, func(a, b []driver.Value) int {
			if c := cmp.Compare(a[2].(int64), b[2].(int64)); c != 0 {
				return c
			}
			if c := text(a[1], b[1]); c != 0 {
				return c
			}
			return -cmp.Compare(a[0].(int64), b[0].(int64))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, shards := range []int{2, 4} {
				srcs, want := shardsSortedBy([]string{"id", "name", "n"}, []string{"INT8", "TEXT", "INT4"}, shards, rows, tc.less)
				got := merged(t, Spec{Dialect: dialect.Postgres, Ranker: &fakeRanker{}, ShardRowsInFlight: 32, OrderBy: tc.keys}, srcs)
				require.Equal(t, want, got)
			}
		})
	}
}

// With few texts outside the local order, the server ranks only those and
// their neighbours.
func TestRankedMergeRanksAroundFewTexts(t *testing.T) {
	var words []string
	for i := range 500 {
		words = append(words, fmt.Sprintf("w%03d", i), fmt.Sprintf("W%03d", i))
	}
	words = append(words, "é", "wé", "ñ")
	srcs, want := linguisticShards(t, 2, 20000, words)
	f := &fakeRanker{}
	got := merged(t, Spec{Dialect: dialect.Postgres, Ranker: f, OrderBy: []SortKey{{Column: 1, Collation: icu}, {Column: 0}}}, srcs)
	require.Equal(t, want, got)
	ranked := f.values.Load() - int64(len(probeTexts()))
	assert.Less(t, ranked, int64(2000), "ranked %d texts of 20000 rows", ranked)
	t.Logf("ranked %d texts in %d calls", ranked, f.calls.Load()-1)
}
