package planner

import (
	"fmt"

	"github.com/grantsql/grant/sharding"

	"github.com/grantsql/grant/internal/analyze"
)

// eval computes the databases a constraint allows.
func (s *planState) eval(k *constraint) error {
	t, c := s.insts[k.inst].t, k.c
	switch c.Kind {
	case analyze.CondEq:
		i, state, err := s.exprKey(t, &c.Values[0])
		switch {
		case err != nil:
			return err
		case state == valueUnknown:
			k.any = true
		case i >= 0:
			k.set.add(i)
		}
	case analyze.CondIn:
		k.items = make([]int, len(c.Values))
		for j := range c.Values {
			i, state, err := s.exprKey(t, &c.Values[j])
			if err != nil {
				return err
			}
			if state == valueUnknown {
				k.any = true
				return nil
			}
			k.items[j] = i
			if i >= 0 {
				k.set.add(i)
			}
		}
	case analyze.CondBetween, analyze.CondCompare:
		return s.evalRange(k, t, c)
	}
	return nil
}

// evalRange computes the databases of a range condition on a range
// resolver; on other resolvers it does not narrow the databases.
func (s *planState) evalRange(k *constraint, t *table, c *analyze.Conjunct) error {
	if t.ranges == nil {
		k.any = true
		return nil
	}
	var lo, hi sharding.Bound
	vals := make([]any, len(c.Values))
	for j := range c.Values {
		v, state, err := s.keyValue(&c.Values[j])
		switch {
		case err != nil:
			return err
		case state == valueNull:
			return nil // compares with NULL: no row matches
		case state == valueUnknown:
			k.any = true
			return nil
		}
		vals[j] = v
	}
	switch {
	case c.Kind == analyze.CondBetween:
		lo, hi = sharding.InclusiveBound(vals[0]), sharding.InclusiveBound(vals[1])
	case c.Op == "<":
		hi = sharding.ExclusiveBound(vals[0])
	case c.Op == "<=":
		hi = sharding.InclusiveBound(vals[0])
	case c.Op == ">":
		lo = sharding.ExclusiveBound(vals[0])
	case c.Op == ">=":
		lo = sharding.InclusiveBound(vals[0])
	default:
		k.any = true
		return nil
	}
	dbs, err := t.ranges.ResolveRange(s.ctx, lo, hi)
	if err != nil {
		return err
	}
	for _, db := range dbs {
		k.set.add(s.p.dbIndex[db])
	}
	return nil
}

// scope evaluates the constraints of each component's root block and
// narrows its databases. It returns false when a key value is refused.
func (s *planState) scope(comps []component) bool {
	for ci := range comps {
		comp := &comps[ci]
		for k := range s.cons {
			con := &s.cons[k]
			if s.insts[con.inst].block != comp.block || s.find(con.inst) != comp.root {
				continue
			}
			if err := s.eval(con); err != nil {
				s.refuse(s.insts[con.inst].t, "key condition "+con.c.Text+": "+err.Error(), err)
				return false
			}
			if !con.any {
				comp.set.and(con.set)
				comp.scoped = true
				comp.cons = append(comp.cons, k)
			}
		}
	}
	return true
}

// route combines the components into the databases the statement runs on.
// Subqueries bound to the key join their outer component first
// (bindSubqueries). The top-level components (the statement's own tables)
// decide: one may span several databases only when it is alone, and when a
// key condition matches no database the statement matches no row. Without
// one, a derived table or CTE computed per shard decides (localRelation);
// the arms of a UNION decide together (routeUnion). Each other component
// (a subquery, derived table or CTE not correlated on the key) must land on
// the one database the statement runs on. It returns the deciding component
// (nil when none), or false with a refusal.
func (s *planState) route(comps []component) (dbSet, *component, bool) {
	var set dbSet
	var drive *component
	if s.bindSubqueries() {
		if comps = s.components(); !s.scope(comps) {
			return set, nil, false
		}
	}
	if s.top < 0 && s.st.Select != nil && len(s.st.Select.SetOps) > 0 && spread(comps) {
		return s.routeUnion(comps)
	}
	for i := range comps {
		if c := &comps[i]; s.blocks[c.block].top && c.set.count() == 0 {
			drive = c // no row can match: an empty set decides
		}
	}
	decided := drive != nil
	for i := range comps {
		c := &comps[i]
		if decided || !s.blocks[c.block].top {
			continue
		}
		if drive == nil {
			drive, set = c, c.set
			continue
		}
		if set.count() > 1 || c.set.count() > 1 || !set.equal(c.set) {
			return set, nil, s.unjoined(drive, c)
		}
	}
	if drive == nil {
		// A derived table or CTE computed per shard drives the statement.
		c, t, why := s.localRelation(comps)
		if why != "" {
			s.refuse(t, why, nil)
			return set, nil, false
		}
		if c != nil {
			drive, set = c, c.set
		}
	}
	decided = drive != nil
	for i := range comps {
		c := &comps[i]
		if s.blocks[c.block].top || c == drive {
			continue
		}
		n := c.set.count()
		switch {
		case n == 0:
		case n > 1:
			s.refuse(s.insts[c.root].t, "a subquery, derived table or CTE reads it across shards: give it a key condition that selects one database, or correlate it on the shard key", nil)
			return set, nil, false
		case !decided || set.count() == 0:
			set, decided = c.set, true
		case set.count() != 1 || !set.equal(c.set):
			s.refuse(s.insts[c.root].t, fmt.Sprintf("a subquery, derived table or CTE reads it on %s while the statement runs on %s", s.names(c.set), s.names(set)), nil)
			return set, nil, false
		}
	}
	return set, drive, true
}

// unjoined refuses two top-level components that are not joined on the key.
func (s *planState) unjoined(a, b *component) bool {
	ta, tb := s.insts[a.root].t, s.insts[b.root].t
	why := fmt.Sprintf("joined with %s without equal shard keys in one binding group (%s.%s = %s.%s), and the key conditions do not put both on one database",
		tb.label(), ta.label(), ta.key, tb.label(), tb.key)
	s.refuse(ta, why, nil)
	return false
}

// names lists the databases of set.
func (s *planState) names(set dbSet) string {
	out := ""
	for i := set.next(0); i >= 0; i = set.next(i + 1) {
		if out != "" {
			out += ", "
		}
		out += s.p.dbs[i]
	}
	if out == "" {
		return "no database"
	}
	return out
}
