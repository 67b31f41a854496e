package planner

import (
	"github.com/grantsql/grant/internal/analyze"
)

// allSelects returns every query of the statement: its own, the arms of
// set operations, CTEs, subqueries and derived tables, at any depth.
func (s *planState) allSelects() []*analyze.Select {
	var out []*analyze.Select
	var walk func(q *analyze.Select)
	subs := func(list []analyze.Subquery) {
		for i := range list {
			walk(list[i].Select)
		}
	}
	ctes := func(list []analyze.CTE) {
		for i := range list {
			c := &list[i]
			switch {
			case c.Select != nil:
				walk(c.Select)
			case c.Insert != nil:
				subs(c.Insert.Subqueries)
				if c.Insert.Select != nil {
					walk(c.Insert.Select)
				}
			case c.Update != nil:
				subs(c.Update.Subqueries)
			case c.Delete != nil:
				subs(c.Delete.Subqueries)
			}
		}
	}
	walk = func(q *analyze.Select) {
		if q == nil {
			return
		}
		out = append(out, q)
		ctes(q.With)
		subs(q.Subqueries)
		for i := range q.SetOps {
			walk(q.SetOps[i].Select)
		}
	}
	st := s.st
	ctes(st.With)
	switch {
	case st.Select != nil:
		walk(st.Select)
	case st.Insert != nil:
		subs(st.Insert.Subqueries)
		walk(st.Insert.Select)
	case st.Update != nil:
		subs(st.Update.Subqueries)
	case st.Delete != nil:
		subs(st.Delete.Subqueries)
	}
	return out
}

// blockOf returns the block of query q (its first arm), or -1 when q has
// none (it reads no table and has no condition).
func (s *planState) blockOf(q *analyze.Select) (int, *analyze.Select) {
	if q == nil {
		return -1, nil
	}
	for b := range s.blocks {
		blk := &s.blocks[b]
		switch {
		case len(q.From) > 0 && len(blk.from) > 0 && &blk.from[0] == &q.From[0]:
			return b, q
		case len(q.From) == 0 && q.Where != nil && blk.where == q.Where:
			return b, q
		}
	}
	return -1, q
}

// selectOf returns the query whose first arm is block b, or nil.
func (s *planState) selectOf(b int) *analyze.Select {
	for _, q := range s.allSelects() {
		if sb, _ := s.blockOf(q); sb == b {
			return q
		}
	}
	return nil
}

// subqueryLists returns the subqueries of every query of the statement and
// of its own INSERT, UPDATE or DELETE, list by list.
func (s *planState) subqueryLists() [][]analyze.Subquery {
	var out [][]analyze.Subquery
	for _, q := range s.allSelects() {
		out = append(out, q.Subqueries)
	}
	switch st := s.st; {
	case st.Insert != nil:
		out = append(out, st.Insert.Subqueries)
	case st.Update != nil:
		out = append(out, st.Update.Subqueries)
	case st.Delete != nil:
		out = append(out, st.Delete.Subqueries)
	}
	return out
}
