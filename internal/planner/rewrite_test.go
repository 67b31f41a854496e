package planner

import (
	"database/sql/driver"
	"testing"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/analyze"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRenderPlaceholders(t *testing.T) {
	tests := []struct {
		d         dialect.Dialect
		sql       string
		args      []driver.NamedValue
		drop      string // the text to remove with the edit
		want      string
		wantOrds  []int
		wantNames []string
	}{
		{dialect.Postgres, "SELECT $3, $1 WHERE a = $2 AND b = $1", args(10, 20, 30), " AND b = $1",
			"SELECT $1, $2 WHERE a = $3", []int{3, 1, 2}, nil},
		{dialect.MySQL, "SELECT ?, ? WHERE a IN (?, ?)", args(1, 2, 3, 4), ", ?)",
			"SELECT ?, ? WHERE a IN (?", []int{1, 2, 3}, nil},
		{dialect.SQLite, "SELECT ?2, ?1, ?2 FROM t WHERE x = ?3", args(1, 2, 3), " WHERE x = ?3",
			"SELECT ?1, ?2, ?1 FROM t", []int{2, 1}, nil},
		{dialect.SQLite, "SELECT :a, @b, :a, $c WHERE 1", args([2]any{"a", 1}, [2]any{"b", 2}, [2]any{"c", 3}), " WHERE 1",
			"SELECT :a, @b, :a, $c", []int{1, 2, 3}, []string{"a", "b", "c"}},
		{dialect.Postgres, "SELECT '$1', $1 -- $2\n", args(7), "SELECT ",
			"'$1', $1 -- $2\n", []int{1}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.sql, func(t *testing.T) {
			st := analyze.Analyze(tt.d, tt.sql)
			r, err := newRewriter(st, tt.args)
			require.NoError(t, err)
			at := indexOf(t, tt.sql, tt.drop)
			q, err := r.render("s1", []edit{{start: at, end: at + len(tt.drop)}})
			require.NoError(t, err)
			assert.Equal(t, tt.want, q.SQL)
			assert.Equal(t, tt.wantOrds, q.ArgOrdinals)
			for i, a := range q.Args {
				assert.Equal(t, i+1, a.Ordinal)
				assert.Equal(t, tt.args[tt.wantOrds[i]-1].Value, a.Value)
				if tt.wantNames != nil {
					assert.Equal(t, tt.wantNames[i], a.Name)
				}
			}
		})
	}
}

func TestRenderKeepsWordsApart(t *testing.T) {
	st := analyze.Analyze(dialect.Postgres, "SELECT a FROM t")
	r, err := newRewriter(st, nil)
	require.NoError(t, err)
	q, err := r.render("s0", []edit{insertAt(8, lit("b")), {start: 9, end: 14, with: []piece{lit("FROM"), span(analyze.Span{Start: 7, End: 8})}}})
	require.NoError(t, err)
	assert.Equal(t, "SELECT a b FROM a t", q.SQL)
}

func TestRenderRefusesOverlapsAndMissingArgs(t *testing.T) {
	st := analyze.Analyze(dialect.Postgres, "SELECT $1, $2")
	r, err := newRewriter(st, args(1))
	require.NoError(t, err)
	_, err = r.render("s0", []edit{{start: 0, end: 5}, {start: 3, end: 8}})
	assert.ErrorContains(t, err, "overlapping")
	_, err = r.render("s0", []edit{{start: 0, end: 0, with: []piece{lit("x")}}})
	assert.ErrorContains(t, err, "no argument for placeholder $2")

	_, err = newRewriter(analyze.Analyze(dialect.Postgres, "SELECT :a"), nil)
	assert.Error(t, err)
}

func indexOf(t *testing.T, s, sub string) int {
	t.Helper()
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	t.Fatalf("%q not in %q", sub, s)
	return -1
}
