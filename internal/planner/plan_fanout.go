package planner

import (
	"slices"

	"github.com/grantsql/grant/sharding"

	"github.com/grantsql/grant/internal/analyze"
)

// fanOut plans a statement on several shards: the IN lists of the key are
// split so that each shard sees only its own values, INSERT rows go to
// their shard, a read is rewritten for the merge, and a write's results add
// up.
func (s *planState) fanOut(t *table, set dbSet, drive *component, rows *insertRows, reason string) *sharding.Plan {
	st := s.st
	pl := &sharding.Plan{Statement: st.SQL, Writes: st.Has(analyze.Writes), Table: t.label(), Reason: reason, Route: sharding.RouteScatter}
	if rows != nil || (drive != nil && drive.scoped) {
		pl.Route = sharding.RouteMulti
	}
	var common []edit
	switch {
	case st.Select != nil && drive != nil:
		var ok bool
		if common, pl.Merge, ok = s.rewriteSelect(drive); !ok {
			return nil
		}
	case st.Select != nil:
		s.refuse(t, "the statement's own tables are not sharded, yet it runs on several shards", nil)
		return nil
	case returning(st) && rows != nil:
		pl.ReturningOrder = "rows"
	case returning(st):
		spec := s.p.base
		pl.Merge = &spec
	}
	if pl.Writes {
		pl.RowsAffected = "sum"
	}
	if pl.Merge != nil {
		pl.Strategy = pl.Merge.Describe()
	}
	var r *rewriter
	for db := set.next(0); db >= 0; db = set.next(db + 1) {
		edits := slices.Clone(common)
		if drive != nil {
			for _, k := range drive.cons {
				if e, ok := s.inEdit(&s.cons[k], db); ok {
					edits = append(edits, e)
				}
			}
		}
		if rows != nil {
			edits = append(edits, s.rowsEdit(rows, db))
		}
		if len(edits) == 0 {
			pl.Shards = append(pl.Shards, sharding.ShardQuery{Database: s.p.dbs[db], SQL: st.SQL, Args: s.args})
			continue
		}
		if r == nil {
			var err error
			if r, err = newRewriter(st, s.args); err != nil {
				s.refuse(t, "rewriting for several shards: "+err.Error(), err)
				return nil
			}
		}
		q, err := r.render(s.p.dbs[db], edits)
		if err != nil {
			s.refuse(t, "rewriting for several shards: "+err.Error(), err)
			return nil
		}
		if rows != nil {
			for i, d := range rows.dbs {
				if d == db {
					q.Rows = append(q.Rows, i)
				}
			}
		}
		pl.Shards = append(pl.Shards, q)
	}
	return pl
}

// returning reports whether a write returns rows.
func returning(st *analyze.Statement) bool {
	switch {
	case st.Insert != nil:
		return st.Insert.Returning != nil
	case st.Update != nil:
		return st.Update.Returning != nil
	case st.Delete != nil:
		return st.Delete.Returning != nil
	}
	return false
}

// inEdit keeps, in an IN list of the key, the values database db holds. A
// list whose values all live on db is left as written.
func (s *planState) inEdit(k *constraint, db int) (edit, bool) {
	if k.items == nil {
		return edit{}, false
	}
	var keep []analyze.Span
	for j, d := range k.items {
		if d == db {
			keep = append(keep, k.c.Values[j].Span)
		}
	}
	if len(keep) == 0 || len(keep) == len(k.items) {
		return edit{}, false
	}
	vals := k.c.Values
	return edit{start: vals[0].Span.Start, end: vals[len(vals)-1].Span.End, with: joined(keep, ", ")}, true
}

// rowsEdit keeps, in an INSERT's VALUES, the rows database db holds.
func (s *planState) rowsEdit(rows *insertRows, db int) edit {
	ins := s.st.Insert
	var keep []analyze.Span
	for i, d := range rows.dbs {
		if d == db {
			keep = append(keep, ins.Rows[i].Span)
		}
	}
	return edit{start: ins.ValuesSpan.Start, end: ins.ValuesSpan.End, with: joined(keep, ", ")}
}
