package planner

import (
	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/sharding"
)

// planState is the working state of one Plan call.
type planState struct {
	valuer
	st *analyze.Statement

	blocks []block
	insts  []inst
	cons   []constraint

	sharded   *table // the first sharded table met
	broadcast *table // the first broadcast table met
	other     string // the first unsharded table met
	target    int    // the instance a write targets, or -1
	top       int    // the top block, or -1 (set operations)
	refusal   *sharding.RefusedError
	setKeyTo  string // see sharding.Plan.SetKeyTo

	blockBuf [4]block
	instBuf  [4]inst
	consBuf  [2]constraint
}

// block is one query level: the tables of its FROM (and the target of a
// write), its joins and its WHERE. Column references resolve in the block,
// then in its ancestors (correlated subqueries).
type block struct {
	parent int
	depth  int
	top    bool // the statement's own level: its conditions decide the route
	target *analyze.TableRef
	from   []analyze.TableRef
	joins  []analyze.Join
	where  *analyze.Where
	// first and end delimit the block's instances in planState.insts.
	first, end int
}

// inst is one reference to a named table in a block.
type inst struct {
	ref   *analyze.TableRef
	t     *table // nil for an unsharded table
	block int
	from  int // index in block.from, -1 for the target
	up    int // union-find parent, for sharded tables
}

func (in *inst) sharded() bool { return in.t != nil && !in.t.broadcast }

// collect walks the statement into blocks and instances. It returns false,
// with s.refusal set, when the shape is refused outright.
func (s *planState) collect() bool {
	s.blocks, s.insts, s.cons, s.target, s.top = s.blockBuf[:0], s.instBuf[:0], s.consBuf[:0], -1, -1
	st := s.st
	for i := range st.With {
		s.walkCTE(&st.With[i], -1, 1)
	}
	switch {
	case st.Select != nil:
		s.walkSelect(st.Select, -1, true, 0)
	case st.Insert != nil:
		s.walkInsert(st.Insert, -1, true, 0)
	case st.Update != nil:
		u := st.Update
		b := s.newBlock(block{parent: -1, top: true, target: &u.Table, from: u.From, joins: u.Joins, where: u.Where})
		s.walkSubs(u.Subqueries, b)
	case st.Delete != nil:
		d := st.Delete
		b := s.newBlock(block{parent: -1, top: true, target: &d.Table, from: d.Using, joins: d.Joins, where: d.Where})
		s.walkSubs(d.Subqueries, b)
	}
	if s.refusal != nil {
		return false
	}
	for b := range s.blocks {
		s.instances(b)
	}
	for i := range st.Tables {
		if t := s.p.lookup(&st.Tables[i]); t != nil && !s.seen(t) {
			s.refuse(t, "the table appears where the planner cannot follow it", nil)
			return false
		}
	}
	return true
}

func (s *planState) newBlock(b block) int {
	if b.parent >= 0 {
		b.depth = s.blocks[b.parent].depth + 1
	}
	s.blocks = append(s.blocks, b)
	if b.top {
		s.top = len(s.blocks) - 1
	}
	return len(s.blocks) - 1
}

// walkSelect adds the blocks of a query: one per arm of its set
// operations. Only the arm of a top-level query without set operations is
// a top block.
func (s *planState) walkSelect(q *analyze.Select, parent int, top bool, depth int) {
	top = top && len(q.SetOps) == 0
	s.walkArm(q, parent, top, depth)
	for i := range q.SetOps {
		s.walkArm(q.SetOps[i].Select, parent, false, depth)
	}
}

func (s *planState) walkArm(q *analyze.Select, parent int, top bool, depth int) {
	b := s.newBlock(block{parent: parent, depth: depth, top: top, from: q.From, joins: q.Joins, where: q.Where})
	for i := range q.With {
		s.walkCTE(&q.With[i], b, depth+1)
	}
	s.walkSubs(q.Subqueries, b)
}

func (s *planState) walkSubs(subs []analyze.Subquery, parent int) {
	for i := range subs {
		s.walkSelect(subs[i].Select, parent, false, s.blocks[parent].depth+1)
	}
}

// walkCTE adds the blocks of a common table expression. A data-modifying
// CTE may not write a sharded or broadcast table.
func (s *planState) walkCTE(c *analyze.CTE, parent, depth int) {
	var target *analyze.TableRef
	switch {
	case c.Select != nil:
		s.walkSelect(c.Select, parent, false, depth)
		return
	case c.Insert != nil:
		target = &c.Insert.Table
		s.walkInsert(c.Insert, parent, false, depth)
	case c.Update != nil:
		target = &c.Update.Table
		b := s.newBlock(block{parent: parent, depth: depth, target: target, from: c.Update.From, joins: c.Update.Joins, where: c.Update.Where})
		s.walkSubs(c.Update.Subqueries, b)
	case c.Delete != nil:
		target = &c.Delete.Table
		b := s.newBlock(block{parent: parent, depth: depth, target: target, from: c.Delete.Using, joins: c.Delete.Joins, where: c.Delete.Where})
		s.walkSubs(c.Delete.Subqueries, b)
	}
	if target == nil {
		return
	}
	if t := s.p.lookup(target); t != nil && s.refusal == nil {
		s.refuse(t, "a data-modifying CTE writes it", nil)
	}
}

func (s *planState) walkInsert(ins *analyze.Insert, parent int, top bool, depth int) {
	b := s.newBlock(block{parent: parent, depth: depth, top: top, target: &ins.Table})
	s.walkSubs(ins.Subqueries, b)
	if ins.Select != nil {
		s.walkSelect(ins.Select, b, false, depth+1)
	}
}

// instances adds the instances of block b: its target, then its FROM items
// that name a table.
func (s *planState) instances(b int) {
	blk := &s.blocks[b]
	blk.first = len(s.insts)
	if blk.target != nil {
		s.addInst(blk.target, b, -1)
		if blk.top {
			s.target = len(s.insts) - 1
		}
	}
	for i := range blk.from {
		if r := &blk.from[i]; !r.Derived && !r.Func && !r.CTE && r.Name != "" {
			s.addInst(r, b, i)
		}
	}
	blk.end = len(s.insts)
}

func (s *planState) addInst(ref *analyze.TableRef, b, from int) {
	t := s.p.lookup(ref)
	switch {
	case t == nil && s.other == "":
		s.other = ref.Name
		if ref.Schema != "" {
			s.other = ref.Schema + "." + ref.Name
		}
	case t != nil && t.broadcast && s.broadcast == nil:
		s.broadcast = t
	case t != nil && !t.broadcast && s.sharded == nil:
		s.sharded = t
	}
	s.insts = append(s.insts, inst{ref: ref, t: t, block: b, from: from, up: len(s.insts)})
}

// seen reports whether an instance of t was collected.
func (s *planState) seen(t *table) bool {
	for i := range s.insts {
		if s.insts[i].t == t {
			return true
		}
	}
	return false
}

// refuse records the first refusal.
func (s *planState) refuse(t *table, reason string, err error) {
	if s.refusal != nil {
		return
	}
	name := ""
	if t != nil {
		name = t.label()
	}
	s.refusal = &sharding.RefusedError{Statement: s.st.SQL, Table: name, Reason: reason, Err: err}
}
