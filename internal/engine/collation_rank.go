package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/grantsql/grant/merge"
)

// pgRanker ranks text in a PostgreSQL collation the merge cannot compare
// itself (merge.Ranker): one query on the cluster's default database, on a
// healthy replica when it has one (ranking reads no table), else on its
// primary. The collation name comes from the catalog (pgCatalog.order),
// quoted, never from the application.
type pgRanker struct{ e *Engine }

var _ merge.Ranker = (*pgRanker)(nil)

// pgRankQuery ranks the elements of $1, in order, under a collation.
const pgRankQuery = `SELECT r FROM (SELECT o, dense_rank() OVER (ORDER BY v COLLATE %s) AS r FROM unnest($1::text[]) WITH ORDINALITY AS u(v, o)) s ORDER BY o`

// Rank returns the rank of each value under collation.
func (r *pgRanker) Rank(ctx context.Context, collation string, values []string) ([]int, error) {
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
	if len(rows) != len(values) {
		return nil, fmt.Errorf("grant: ranking %d values in collation %s returned %d ranks", len(values), collation, len(rows))
	}
	out := make([]int, len(rows))
	for i, row := range rows {
		v, ok := row[0].(int64)
		if !ok {
			return nil, fmt.Errorf("grant: ranking in collation %s returned %T", collation, row[0])
		}
		out[i] = int(v)
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
