package engine

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/grantsql/grant/merge"
)

// pgRanker ranks text in a PostgreSQL collation the merge cannot compare
// itself (merge.Ranker): one query on the cluster's default database, on a
// healthy replica when it has one (ranking reads no table), else on its
// primary. The collation name comes from the catalog (pgCatalog.order),
// quoted, never from the application.
type pgRanker struct {
	e      *Engine
	probes sync.Map // the merge's probes of collations (merge.ProbeCache)
}

var _ merge.ProbeCache = (*pgRanker)(nil)

// Probes returns the merge's record of which local text order each
// collation agrees to: it goes with the engine.
func (r *pgRanker) Probes() *sync.Map { return &r.probes }

// pgRankQuery ranks the elements of $1 under a collation and returns the
// ranks, in the order of the elements, as one comma-separated text (one
// row, however many values).
const pgRankQuery = `SELECT string_agg(r::text, ',' ORDER BY o) FROM (SELECT o, dense_rank() OVER (ORDER BY v COLLATE %s) AS r FROM unnest($1::text[]) WITH ORDINALITY AS u(v, o)) s`

// Rank returns the rank of each value under collation.
func (r *pgRanker) Rank(ctx context.Context, collation string, values []string) ([]int, error) {
	if len(values) == 0 {
		return nil, nil
	}
	db := r.e.reg.Default()
	n := db.Primary
	for _, rep := range db.Replicas {
		if rep.Healthy() {
			n = rep
			break
		}
	}
	rows, err := textNodeRows(ctx, n, fmt.Sprintf(pgRankQuery, collation), pgTextArray(values))
	if err != nil {
		return nil, err
	}
	var list string
	if len(rows) == 1 && len(rows[0]) == 1 {
		list, _ = rows[0][0].(string) // textNodeRows gives text as strings
	}
	out, err := parseRanks(list, len(values))
	if err != nil {
		return nil, fmt.Errorf("grant: ranking %d values in collation %s: %w", len(values), collation, err)
	}
	return out, nil
}

// parseRanks reads n comma-separated positive ranks.
func parseRanks(list string, n int) ([]int, error) {
	out := make([]int, 0, n)
	v, digits := 0, 0
	for i := 0; i <= len(list); i++ {
		if i == len(list) || list[i] == ',' {
			if digits == 0 {
				return nil, fmt.Errorf("malformed ranks %.40q", list)
			}
			out = append(out, v)
			v, digits = 0, 0
			continue
		}
		c := list[i]
		if c < '0' || c > '9' || digits >= 18 {
			return nil, fmt.Errorf("malformed ranks %.40q", list)
		}
		v, digits = 10*v+int(c-'0'), digits+1
	}
	if len(out) != n {
		return nil, fmt.Errorf("%d ranks returned", len(out))
	}
	return out, nil
}

// pgTextArray writes values as a PostgreSQL text[] literal.
func pgTextArray(values []string) string {
	n := 2
	for _, v := range values {
		n += len(v) + 3
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteByte('{')
	for i, v := range values {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('"')
		for j := 0; j < len(v); j++ {
			if c := v[j]; c == '"' || c == '\\' {
				b.WriteByte('\\')
			}
			b.WriteByte(v[j])
		}
		b.WriteByte('"')
	}
	b.WriteByte('}')
	return b.String()
}
