package planner

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/grantsql/grant/sharding"

	"github.com/grantsql/grant/internal/analyze"
)

// insertRows is the routing of an INSERT's rows.
type insertRows struct {
	t   *table
	dbs []int // the database of each row
	set dbSet
}

// insertKeyExprs returns the key expression of each row of an INSERT into
// t (VALUES rows, or MySQL's INSERT .. SET), or nil when the key column is
// not given.
func (s *planState) insertKeyExprs(t *table) []*analyze.Expr {
	ins := s.st.Insert
	col := s.p.keyColumn(ins, t)
	if col < 0 {
		return nil
	}
	out := make([]*analyze.Expr, s.p.insertRows(ins))
	for i := range out {
		out[i] = s.p.insertKey(ins, col, i)
	}
	return out
}

// insertRows returns the number of rows an INSERT gives by VALUES or SET.
func (p *Planner) insertRows(ins *analyze.Insert) int {
	if len(ins.Set) > 0 {
		return 1
	}
	return len(ins.Rows)
}

// keyColumn returns the position of t's key in an INSERT's column list, or
// -1 (for MySQL's INSERT .. SET, the assignment's index).
func (p *Planner) keyColumn(ins *analyze.Insert, t *table) int {
	if len(ins.Set) > 0 {
		for i := range ins.Set {
			if p.nameEq(ins.Set[i].Column.Name, t.key) {
				return i
			}
		}
		return -1
	}
	for i := range ins.Columns {
		if p.nameEq(ins.Columns[i].Name, t.key) {
			return i
		}
	}
	return -1
}

// insertKey returns row i's key expression (col from keyColumn), or nil
// when the row has none.
func (p *Planner) insertKey(ins *analyze.Insert, col, i int) *analyze.Expr {
	switch {
	case len(ins.Set) > 0:
		return &ins.Set[col].Value
	case col < len(ins.Rows[i].Values):
		return &ins.Rows[i].Values[col]
	}
	return nil
}

// insertRoute resolves the key of every row of an INSERT into a sharded
// table and makes the target's component route by them.
func (s *planState) insertRoute(comps []component) *insertRows {
	ins, t := s.st.Insert, s.insts[s.target].t
	switch {
	case ins.Select != nil:
		s.refuse(t, "INSERT .. SELECT into a sharded table is not planned: the selected rows' keys are unknown until they are read", nil)
		return nil
	case ins.DefaultValues:
		s.refuse(t, "INSERT .. DEFAULT VALUES gives no shard key", nil)
		return nil
	case len(ins.Set) == 0 && ins.ColumnsSpan == nil:
		s.refuse(t, "INSERT without a column list: the position of shard key "+t.key+" is unknown", nil)
		return nil
	}
	keys := s.insertKeyExprs(t)
	if keys == nil {
		s.refuse(t, "the INSERT does not give shard key column "+t.key, nil)
		return nil
	}
	if br, ok := t.resolver.(sharding.BatchResolver); ok && len(keys) > 1 {
		if err := s.resolveBatch(br, keys); err != nil {
			s.refuse(t, fmt.Sprintf("row %d: %v", s.rowOf(keys, err)+1, err), err)
			return nil
		}
	}
	rows := &insertRows{t: t, dbs: make([]int, len(keys))}
	for i, e := range keys {
		db, err := s.rowKey(t, e)
		if err != nil {
			s.refuse(t, fmt.Sprintf("row %d: %v", i+1, err), err)
			return nil
		}
		rows.dbs[i] = db
		rows.set.add(db)
	}
	if !s.upsertKey(t) {
		return nil
	}
	if reason := s.p.conflictRefusal(s.st, t); reason != "" {
		s.refuse(t, reason, nil)
		return nil
	}
	root := s.find(s.target)
	for i := range comps {
		if comps[i].root == root {
			comps[i].set, comps[i].scoped = rows.set, true
		}
	}
	return rows
}

// rowKey resolves the key of one INSERT row.
func (s *planState) rowKey(t *table, e *analyze.Expr) (int, error) {
	if e == nil {
		return -1, errors.New("the row has no value for shard key " + t.key)
	}
	v, state, err := s.keyValue(e)
	switch {
	case err != nil:
		return -1, err
	case state == valueNull:
		return -1, fmt.Errorf("shard key %s is NULL: %w", t.key, sharding.ErrNullKey)
	case state == valueUnknown:
		return -1, errors.New("shard key " + t.key + " is DEFAULT or an expression (" + e.Text + "), not a value")
	}
	if b, ok := s.batched[e]; ok && !b.single && b.db >= 0 {
		return b.db, nil
	}
	db, err := t.resolver.Resolve(s.ctx, sharding.KeyOf(v))
	if err != nil {
		return -1, err
	}
	return s.p.dbIndex[db], nil
}

// rowOf returns the index of the row whose key a batch's error names (a
// *sharding.KeyError), or 0.
func (s *planState) rowOf(keys []*analyze.Expr, err error) int {
	var ke *sharding.KeyError
	if !errors.As(err, &ke) {
		return 0
	}
	for i, e := range keys {
		if v, state, _ := s.keyValue(e); state == valueOK && sharding.KeyOf(v).String() == ke.Key.String() {
			return i
		}
	}
	return 0
}

// upsertKey refuses an upsert that changes the key, except to the inserted
// row's own key (excluded.key, VALUES(key), new.key), which keeps the row on
// the shard where the conflict was found.
func (s *planState) upsertKey(t *table) bool {
	up := s.st.Insert.Upsert
	if up == nil {
		return true
	}
	for i := range up.Set {
		a := &up.Set[i]
		if !s.p.nameEq(a.Column.Name, t.key) || s.sameKey(t, &a.Value) {
			continue
		}
		s.refuse(t, "the upsert changes shard key "+t.key+" ("+a.Value.Text+"): a row cannot move between shards", nil)
		return false
	}
	return true
}

// valuesCall matches MySQL's VALUES(col).
var valuesCall = regexp.MustCompile("(?i)^values\\s*\\(\\s*[`\"]?([^`\"()\\s]+)[`\"]?\\s*\\)$")

// sameKey reports whether an upsert value is the inserted row's own key.
func (s *planState) sameKey(t *table, e *analyze.Expr) bool {
	if c := e.Column; c != nil && s.p.nameEq(c.Name, t.key) {
		return c.Table == "" || strings.EqualFold(c.Table, "excluded") || s.qualifies(s.insts[s.target].ref, c)
	}
	m := valuesCall.FindStringSubmatch(e.Text)
	return m != nil && s.p.nameEq(m[1], t.key)
}

// checkWrite refuses UPDATE and DELETE that the route cannot run: a SET of
// the key that could move a row to another shard, and LIMIT on several
// shards.
func (s *planState) checkWrite(t *table, set dbSet) bool {
	var limit *analyze.Limit
	switch {
	case s.st.Update != nil:
		limit = s.st.Update.Limit
		if tt := s.insts[s.target].t; tt != nil && !tt.broadcast && !s.setKey(tt, set) {
			return false
		}
	case s.st.Delete != nil:
		limit = s.st.Delete.Limit
	}
	if limit != nil && set.count() > 1 {
		s.refuse(t, "UPDATE or DELETE with LIMIT on several shards would apply the limit on each", nil)
		return false
	}
	return true
}

// setKey accepts UPDATE .. SET key = v when v resolves to a database the
// statement runs on: alone, or, on several (GORM's Save sets every column
// and selects the row by primary key only), with Plan.SetKeyTo so that the
// executor refuses it if it changed a row on any other database.
func (s *planState) setKey(t *table, set dbSet) bool {
	for i := range s.st.Update.Set {
		a := &s.st.Update.Set[i]
		if !s.p.nameEq(a.Column.Name, t.key) {
			continue
		}
		if c := a.Value.Column; c != nil && s.p.nameEq(c.Name, t.key) && (c.Table == "" || s.qualifies(s.insts[s.target].ref, c)) {
			continue // SET key = key
		}
		db, err := s.rowKey(t, &a.Value)
		switch {
		case err != nil:
			s.refuse(t, "SET of shard key "+t.key+": "+err.Error(), err)
			return false
		case !set.has(db):
			s.refuse(t, "SET of shard key "+t.key+" moves rows from "+s.names(set)+" to "+s.p.dbs[db]+": a row cannot move between shards", nil)
			return false
		case set.count() > 1:
			s.setKeyTo = s.p.dbs[db]
		}
	}
	return true
}
