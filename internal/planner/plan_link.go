package planner

import "github.com/grantsql/grant/internal/analyze"

// constraint is a condition on the key of one instance, local to its block,
// that restricts the rows the block produces: key = v, key IN (..), and for
// range resolvers key <op> v and key BETWEEN a AND b.
type constraint struct {
	inst int
	c    *analyze.Conjunct
	set  dbSet // the databases that can hold matching rows
	any  bool  // the condition does not narrow the databases
	// items gives, for an IN list, the database index of each value (-1:
	// none can hold it).
	items []int
}

// link walks the conditions of every block: key equalities between
// instances join them into one component (their matching rows live on the
// same shard), and key conditions on an instance of the block become
// constraints.
func (s *planState) link() {
	for b := range s.blocks {
		blk := &s.blocks[b]
		inner := true
		for i := range blk.joins {
			switch blk.joins[i].Kind {
			case ",", "join", "cross join", "straight_join":
			default:
				inner = false
			}
		}
		if blk.where != nil {
			s.conditions(b, blk.where, true)
		}
		for i := range blk.joins {
			j := &blk.joins[i]
			if j.On != nil {
				// ON conditions restrict the result only when every join
				// of the level is inner (parenthesised joins are flattened
				// by the analyzer, so an outer join anywhere forbids it).
				s.conditions(b, j.On, inner)
			}
			for _, col := range j.Using {
				s.usingLink(b, i, col)
			}
		}
	}
}

// conditions handles the conjuncts of one condition of block b.
func (s *planState) conditions(b int, w *analyze.Where, restrict bool) {
	for k := range w.Conjuncts {
		c := &w.Conjuncts[k]
		switch c.Kind {
		case analyze.CondColumnEq:
			x, y := s.resolveKey(b, c.Column), s.resolveKey(b, c.Other)
			if x < 0 || y < 0 || (s.insts[x].block != b && s.insts[y].block != b) {
				continue // a condition between two outer tables does not hold for them
			}
			if s.insts[x].t.group == s.insts[y].t.group {
				s.union(x, y)
			}
		case analyze.CondEq, analyze.CondIn, analyze.CondBetween, analyze.CondCompare:
			if !restrict {
				continue
			}
			if i := s.resolveKey(b, c.Column); i >= 0 && s.insts[i].block == b {
				s.cons = append(s.cons, constraint{inst: i, c: c})
			}
		}
	}
}

// usingLink links the item joined by joins[j] USING (col) to the one item
// before it whose key is col, when there is exactly one.
func (s *planState) usingLink(b, j int, col string) {
	blk := &s.blocks[b]
	right, left, lefts := -1, -1, 0
	for i := blk.first; i < blk.end; i++ {
		in := &s.insts[i]
		if !in.sharded() || !s.p.nameEq(in.t.key, col) || in.from < 0 {
			continue
		}
		switch {
		case in.from == j+1:
			right = i
		case in.from <= j:
			left = i
			lefts++
		}
	}
	if right >= 0 && lefts == 1 && s.insts[left].t.group == s.insts[right].t.group {
		s.union(left, right)
	}
}

// resolveKey returns the sharded instance whose key column col names, seen
// from block b, or -1. A qualified column resolves by alias (or table name)
// in b, then in its ancestors; an unqualified one only to the first sharded
// table of b whose key it names (a valid statement cannot mean another
// table's column then, since the sharded table has that column).
func (s *planState) resolveKey(b int, col *analyze.ColumnRef) int {
	if col == nil {
		return -1
	}
	for ; b >= 0; b = s.blocks[b].parent {
		blk := &s.blocks[b]
		if col.Table == "" {
			for i := blk.first; i < blk.end; i++ {
				if in := &s.insts[i]; in.sharded() && s.p.nameEq(in.t.key, col.Name) {
					return i
				}
			}
			return -1
		}
		for i := blk.first; i < blk.end; i++ {
			if in := &s.insts[i]; s.qualifies(in.ref, col) {
				if in.sharded() && s.p.nameEq(in.t.key, col.Name) {
					return i
				}
				return -1
			}
		}
		for i := range blk.from {
			if r := &blk.from[i]; r.Alias != "" && s.p.nameEq(r.Alias, col.Table) {
				return -1 // a derived table, function or CTE
			}
		}
	}
	return -1
}

// qualifies reports whether col's qualifier names the table reference ref.
func (s *planState) qualifies(ref *analyze.TableRef, col *analyze.ColumnRef) bool {
	return s.p.qualifies(ref, col)
}

// qualifies reports whether col's qualifier names the table reference ref.
func (p *Planner) qualifies(ref *analyze.TableRef, col *analyze.ColumnRef) bool {
	if ref.Alias != "" {
		return col.Schema == "" && p.nameEq(ref.Alias, col.Table)
	}
	return p.nameEq(ref.Name, col.Table) && (col.Schema == "" || ref.Schema == "" || p.nameEq(ref.Schema, col.Schema))
}

func (s *planState) find(i int) int {
	for s.insts[i].up != i {
		s.insts[i].up = s.insts[s.insts[i].up].up
		i = s.insts[i].up
	}
	return i
}

func (s *planState) union(x, y int) {
	x, y = s.find(x), s.find(y)
	if x != y {
		s.insts[max(x, y)].up = min(x, y)
	}
}

// component is a set of sharded instances whose matching rows live on one
// shard; its route comes from the constraints of its root block.
type component struct {
	root   int   // the representative instance
	block  int   // the shallowest block of the component
	set    dbSet // the databases it can need
	scoped bool  // some constraint narrowed set
	cons   []int // the constraints that decided set
}

// components groups the sharded instances and returns them in order of
// their representative.
func (s *planState) components() []component {
	var out []component
	for i := range s.insts {
		if !s.insts[i].sharded() {
			continue
		}
		r := s.find(i)
		k := -1
		for j := range out {
			if out[j].root == r {
				k = j
				break
			}
		}
		if k < 0 {
			out = append(out, component{root: r, block: s.insts[i].block, set: s.insts[i].t.dbs})
			continue
		}
		if b := s.insts[i].block; s.blocks[b].depth < s.blocks[out[k].block].depth {
			out[k].block = b
		}
	}
	return out
}
