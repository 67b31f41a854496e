package planner

import (
	"database/sql/driver"
	"slices"
	"testing"

	"github.com/grantsql/grant/sharding"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/analyze"
	"github.com/stretchr/testify/require"
)

// checkPlan checks what every plan must hold: shards in database order, each
// rewritten SQL fully understood with exactly one argument per parameter
// (taken from the caller's arguments as ArgOrdinals say), and a merge spec
// that validates and indexes columns the shard SQL returns.
func checkPlan(t *testing.T, p *Planner, pl *sharding.Plan, args []driver.NamedValue) {
	t.Helper()
	require.NotEmpty(t, pl.Shards)
	if pl.Route == sharding.RouteSingle || pl.Route == sharding.RouteUnsharded || pl.Route == sharding.RoutePinned || pl.Route == sharding.RouteBroadcastRead {
		require.Len(t, pl.Shards, 1)
	}
	last := -1
	for _, q := range pl.Shards {
		i, ok := p.dbIndex[q.Database]
		require.True(t, ok || (pl.Route == sharding.RouteUnsharded && q.Database == ""), "database %q", q.Database)
		require.Greater(t, i, last, "shards in database order")
		last = i
		if q.ArgOrdinals == nil {
			require.Equal(t, pl.Statement, q.SQL)
			require.Len(t, q.Args, len(args))
			continue
		}
		checkShardArgs(t, p.d, q, args)
	}
	if pl.Merge == nil {
		return
	}
	require.NoError(t, pl.Merge.Validate())
	top := -1
	for _, k := range pl.Merge.OrderBy {
		top = max(top, k.Column)
	}
	for _, g := range pl.Merge.GroupBy {
		top = max(top, g)
	}
	for _, a := range pl.Merge.Aggregates {
		top = max(top, a.Column, a.SumColumn, a.CountColumn)
	}
	for _, q := range pl.Shards {
		st := analyze.Analyze(p.d, q.SQL)
		if st.Select == nil {
			continue
		}
		star := false
		for _, it := range st.Select.Items {
			star = star || it.Kind == analyze.ItemStar || it.Kind == analyze.ItemQualifiedStar
		}
		if !star {
			require.Less(t, top, len(st.Select.Items), "merge indexes within %s", q.SQL)
			if pl.Merge.Visible > 0 {
				require.LessOrEqual(t, pl.Merge.Visible, len(st.Select.Items))
			}
		}
	}
}

// checkShardArgs checks one rewritten shard query's placeholders and args.
func checkShardArgs(t *testing.T, d dialect.Dialect, q sharding.ShardQuery, args []driver.NamedValue) {
	t.Helper()
	st := analyze.Analyze(d, q.SQL)
	require.True(t, st.Full || st.Kind == analyze.KindDDL, "shard SQL not understood: %s (%s)", q.SQL, st.NotFull)
	require.Len(t, q.ArgOrdinals, len(q.Args))
	var lx analyze.Lexer
	lx.Reset(d, q.SQL)
	count, named := 0, map[string]bool{}
	var ords []int
	for tok := lx.Next(); tok.Kind != analyze.TokEOF; tok = lx.Next() {
		if tok.Kind != analyze.TokPlaceholder {
			continue
		}
		count++
		if n := tok.PlaceholderName(q.SQL); n != "" {
			named[n] = true
		} else if !slices.Contains(ords, int(tok.Ord)) {
			ords = append(ords, int(tok.Ord))
		}
	}
	switch {
	case len(named) > 0:
		require.Len(t, q.Args, len(named), q.SQL)
	case isAnon(d, q.SQL):
		require.Equal(t, count, len(q.Args), q.SQL)
	default:
		require.Len(t, q.Args, len(ords), q.SQL)
		require.Equal(t, len(ords), slices.Max(append(ords, 0)), "parameters numbered 1..k in %s", q.SQL)
	}
	for i, a := range q.Args {
		require.Equal(t, i+1, a.Ordinal)
		o := q.ArgOrdinals[i]
		var want any
		found := false
		for _, orig := range args {
			if orig.Ordinal == o {
				want, found = orig.Value, true
			}
		}
		require.True(t, found, "ordinal %d", o)
		require.Equal(t, want, a.Value, "argument %d of %s", i+1, q.SQL)
	}
}

// isAnon reports whether every placeholder of a text is an anonymous ?.
func isAnon(d dialect.Dialect, sql string) bool {
	var lx analyze.Lexer
	lx.Reset(d, sql)
	for tok := lx.Next(); tok.Kind != analyze.TokEOF; tok = lx.Next() {
		if tok.Kind == analyze.TokPlaceholder && tok.End-tok.Start != 1 {
			return false
		}
	}
	return true
}
