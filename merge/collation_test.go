package merge

import (
	"context"
	"database/sql/driver"
	"encoding/hex"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
)

// generalCI is a stand-in for MySQL's utf8mb4_general_ci weights: the
// upper case of each character with accents dropped, two bytes each, as
// WEIGHT_STRING returns them (trailing spaces kept).
func generalCI(s string) []byte {
	fold := strings.NewReplacer("é", "E", "É", "E", "è", "E", "ñ", "N", "Ñ", "N", "å", "A", "Å", "A")
	var w []byte
	for _, r := range strings.ToUpper(fold.Replace(s)) {
		w = append(w, byte(r>>8), byte(r))
	}
	return w
}

// weighed returns a shard row (id, name, WEIGHT_STRING(name)).
func weighed(id int64, name any) []driver.Value {
	if name == nil {
		return row(id, nil, nil)
	}
	return row(id, []byte(name.(string)), generalCI(name.(string)))
}

var spaceWeight = hex.EncodeToString(generalCI(" "))

// MySQL's default collation is accent-insensitive: merging on the server's
// weights orders 'é' with 'e', groups 'eclair' with 'Éclair', and pads.
func TestWeightsOrderGroupAndPad(t *testing.T) {
	cols := []string{"id", "name", "grant_hidden_1"}
	types := []string{"BIGINT", "VARCHAR", "VARBINARY"}
	weights := []Weight{{Column: 1, WeightColumn: 2, Pad: spaceWeight}}
	shards := func() []Source {
		return shardsOf(cols, types,
			rowsOf(weighed(4, nil), weighed(1, "eclair"), weighed(3, "f")),
			rowsOf(weighed(2, "Éclair"), weighed(5, "éclair "), weighed(6, "éclaire"), weighed(7, "Z")),
		)
	}
	got := merged(t, Spec{Dialect: dialect.MySQL, Visible: 2, Weights: weights,
		OrderBy: []SortKey{{Column: 1}, {Column: 0}}}, shards())
	assert.Equal(t, []int64{4, 1, 2, 5, 6, 3, 7}, ids(got), "NULL first, then é = e = É, trailing space ignored")

	got = merged(t, Spec{Dialect: dialect.MySQL, Visible: 2, Weights: weights, GroupBy: []int{1},
		Aggregates: []Aggregate{{Func: Count, Column: 0}}}, shards())
	assert.Len(t, got, 5, "eclair, Éclair and 'éclair ' are one group: %v", got)

	got = merged(t, Spec{Dialect: dialect.MySQL, Visible: 2, Weights: weights, GroupBy: []int{1}, GroupSorted: true,
		OrderBy: []SortKey{{Column: 1}}, Aggregates: []Aggregate{{Func: Count, Column: 0}}}, shards())
	assert.Len(t, got, 5, "streamed: one group for the three spellings: %v", got)

	got = merged(t, Spec{Dialect: dialect.MySQL, Visible: 2, Weights: weights,
		Aggregates: []Aggregate{{Func: Min, Column: 1}, {Func: Max, Column: 0}}}, shards())
	require.Len(t, got, 1)
	assert.Contains(t, []string{"eclair", "Éclair", "éclair "}, string(got[0][1].([]byte)), "MIN by weight")

	got = merged(t, Spec{Dialect: dialect.MySQL, Visible: 1, Distinct: true, Weights: []Weight{{Column: 0, WeightColumn: 1, Pad: spaceWeight}}},
		shardsOf([]string{"name", "w"}, []string{"VARCHAR", "VARBINARY"},
			rowsOf(row([]byte("n"), generalCI("n")), row([]byte("a"), generalCI("a"))),
			rowsOf(row([]byte("ñ"), generalCI("ñ")), row([]byte("A "), generalCI("A ")))))
	assert.Len(t, got, 2, "DISTINCT: n = ñ, a = 'A ': %v", got)
}

// A PAD SPACE weight compares as if padded with the weight of a space: a
// tab after a shared prefix sorts before the end of the shorter value.
func TestWeightsPadding(t *testing.T) {
	pad := generalCI(" ")
	a, tab, spaced := generalCI("a"), generalCI("a\t"), generalCI("a  ")
	assert.Equal(t, 1, compareWeights(a, tab, pad), "'a' pads to 'a ', after 'a\\t'")
	assert.Equal(t, 0, compareWeights(a, spaced, pad))
	assert.Equal(t, -1, compareWeights(a, spaced, nil), "NO PAD: the longer is larger")
	assert.Equal(t, string(trimPad(spaced, pad)), string(a))
	assert.Equal(t, 1, comparePadded("a", "a\t"))
	assert.Equal(t, 0, comparePadded("a", "a  "))
}

// An ENUM orders by its index, held in a hidden column as a number.
func TestWeightsOfNumbers(t *testing.T) {
	srcs := shardsOf([]string{"size", "idx"}, []string{"ENUM", "BIGINT"},
		rowsOf(row([]byte("small"), int64(1)), row([]byte("large"), int64(3))),
		rowsOf(row([]byte("medium"), int64(2))))
	got := merged(t, Spec{Dialect: dialect.MySQL, Visible: 1, Weights: []Weight{{Column: 0, WeightColumn: 1}},
		OrderBy: []SortKey{{Column: 0}}}, srcs)
	assert.Equal(t, [][]driver.Value{row([]byte("small")), row([]byte("medium")), row([]byte("large"))}, got)
}

// SQLite's NOCASE folds ASCII to lower case, so '_' sorts before letters
// (in byte order it is between upper and lower case); RTRIM
// ignores trailing spaces only.
func TestSQLiteCollations(t *testing.T) {
	nocase := merged(t, Spec{Dialect: dialect.SQLite, OrderBy: []SortKey{{Column: 0, Collation: CollationASCIINoCase}}},
		shardsOf([]string{"s"}, nil, rowsOf(row("_"), row("B")), rowsOf(row("a"), row("É"))))
	assert.Equal(t, [][]driver.Value{row("_"), row("a"), row("B"), row("É")}, nocase)
	rtrim := merged(t, Spec{Dialect: dialect.SQLite, ColumnCollations: []Collation{CollationRTrim}, Distinct: true,
		OrderBy: []SortKey{{Column: 0}}},
		shardsOf([]string{"s"}, nil, rowsOf(row("a"), row("a\t")), rowsOf(row("a  "), row("b"))))
	assert.Equal(t, [][]driver.Value{row("a"), row("a\t"), row("b")}, rtrim)
}

// The global order check sees a shard out of order across its batches,
// where the old check compared rows within one batch only.
func TestOrderCheckAcrossBatchesAndShards(t *testing.T) {
	var a [][]driver.Value
	for i := range 40 {
		a = append(a, row(int64(i)))
	}
	a[30] = row(int64(2))
	srcs := shardsOf([]string{"x"}, []string{"BIGINT"}, a, rowsOf(row(int64(100))))
	r, err := Open(context.Background(), Spec{Dialect: dialect.SQLite, OrderBy: []SortKey{{Column: 0}}, ShardRowsInFlight: 2}, srcs)
	require.NoError(t, err)
	defer r.Close()
	_, err = readAll(t, r)
	require.ErrorIs(t, err, ErrOutOfOrder)
}

func ids(rows [][]driver.Value) []int64 {
	var out []int64
	for _, r := range rows {
		out = append(out, r[0].(int64))
	}
	return out
}

func TestSpecValidatesCollationsAndWeights(t *testing.T) {
	for _, s := range []Spec{
		{Dialect: dialect.MySQL, Weights: []Weight{{Column: 0, WeightColumn: 0}}},
		{Dialect: dialect.MySQL, Weights: []Weight{{Column: 0, WeightColumn: 1}, {Column: 0, WeightColumn: 2}}},
		{Dialect: dialect.MySQL, Weights: []Weight{{Column: 0, WeightColumn: 1, Pad: "zz"}}},
		{Dialect: dialect.MySQL, Weights: []Weight{{Column: -1, WeightColumn: 1}}},
		{Dialect: dialect.Postgres, Collation: "server:"},
		{Dialect: dialect.Postgres, Collation: "icu"},
	} {
		assert.Error(t, s.Validate(), "%+v", s)
	}
	ok := Spec{Dialect: dialect.Postgres, Collation: ServerCollation(`"und-x-icu"`), ColumnCollations: []Collation{CollationRTrim},
		Weights: []Weight{{Column: -1, WeightColumn: -2}}, Hidden: 2}
	assert.NoError(t, ok.Validate())
	name, isServer := ok.Collation.Server()
	assert.True(t, isServer)
	assert.Equal(t, `"und-x-icu"`, name)
}

// sortedBy returns the texts sorted by less.
func sortedBy(texts []string, cmp func(a, b string) int) []string {
	out := slices.Clone(texts)
	slices.SortStableFunc(out, cmp)
	return out
}

func TestLocalOrderIsTotal(t *testing.T) {
	texts := probeTexts()
	var l localOrder
	for i := 1; i < len(texts); i += 97 {
		a, b := texts[i-1], texts[i]
		assert.Equal(t, -l.compare(b, a), l.compare(a, b), "%q %q", a, b)
	}
	assert.Equal(t, []string{"a", "A", "a0", "aa", "aA", "Aa", "ab", "b"}, sortedBy([]string{"b", "ab", "Aa", "aA", "aa", "a0", "A", "a"}, l.compare))
}
