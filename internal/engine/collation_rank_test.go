package engine

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/testenv"
)

// The server ranks values in one row of ranks, in the order of the
// values, whatever characters they hold.
func TestPGRankerRanks(t *testing.T) {
	dsn := testenv.PostgresDSN(t)
	cfg := &config.Cluster{Dialect: dialect.Postgres, Databases: map[string]*config.Database{"main": {Primary: dsn}},
		Health: config.Health{Disabled: true}}
	e := newTestEngine(t, cfg, nil)
	t.Cleanup(func() { e.reg.Close() })
	r := &pgRanker{e: e}
	ctx := context.Background()

	values := []string{"b", "a", "B", "é", "e", "a", `q"uote`, `back\slash`, "", "{brace}", "a,b", "NULL"}
	icu, err := r.Rank(ctx, `"und-x-icu"`, values)
	require.NoError(t, err)
	require.Len(t, icu, len(values))
	rank := map[string]int{}
	for i, v := range values {
		rank[v] = icu[i]
	}
	assert.Equal(t, icu[1], icu[5], "equal values, equal ranks")
	assert.Equal(t, 1, rank[""])
	assert.Less(t, rank["a"], rank["b"])
	assert.Less(t, rank["b"], rank["B"])
	assert.Less(t, rank["e"], rank["é"])
	assert.Less(t, rank["é"], rank["NULL"])

	c, err := r.Rank(ctx, `"C"`, []string{"a", "B", "b"})
	require.NoError(t, err)
	assert.Equal(t, []int{2, 1, 3}, c)

	none, err := r.Rank(ctx, `"C"`, nil)
	require.NoError(t, err)
	assert.Empty(t, none)
}

func TestParseRanks(t *testing.T) {
	got, err := parseRanks("3,1,20,1", 4)
	require.NoError(t, err)
	assert.Equal(t, []int{3, 1, 20, 1}, got)
	for _, bad := range []string{"", "1,", ",1", "1,,2", "1,x", "1 ,2", "-1,2", "1234567890123456789,1"} {
		_, err := parseRanks(bad, 2)
		assert.Error(t, err, "%q", bad)
	}
	_, err = parseRanks("1,2,3", 2)
	assert.ErrorContains(t, err, "3 ranks returned")
}
