package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/merge"
	"github.com/grantsql/grant/sharding"
)

// tree is a labelled tree printed with box-drawing branches.
type tree struct {
	label string
	kids  []*tree
}

// add appends a child labelled by format and returns it.
func (t *tree) add(format string, a ...any) *tree {
	k := &tree{label: fmt.Sprintf(format, a...)}
	t.kids = append(t.kids, k)
	return k
}

// write prints t: its label, then each child below it, indented. A label
// of several lines keeps its lines under the first.
func (t *tree) write(w io.Writer) {
	lines := strings.Split(t.label, "\n")
	for _, l := range lines {
		fmt.Fprintln(w, l)
	}
	t.writeKids(w, "")
}

func (t *tree) writeKids(w io.Writer, prefix string) {
	for i, k := range t.kids {
		branch, cont := "├─ ", "│  "
		if i == len(t.kids)-1 {
			branch, cont = "└─ ", "   "
		}
		for j, l := range strings.Split(k.label, "\n") {
			if j == 0 {
				fmt.Fprintln(w, prefix+branch+l)
			} else {
				fmt.Fprintln(w, prefix+cont+"   "+l)
			}
		}
		k.writeKids(w, prefix+cont)
	}
}

// explainTree is the readable form of an explanation: the statement, what
// it does, the plan, and one branch per database with its node and SQL.
func explainTree(x *grant.Explanation) *tree {
	t := &tree{label: x.Statement}
	a := t.add("%s", x.Kind)
	if len(x.Tables) > 0 {
		a.label += " on " + strings.Join(x.Tables, ", ")
	}
	if len(x.Effects) > 0 {
		a.label += " (" + strings.Join(x.Effects, ", ") + ")"
	}
	p := x.Plan
	pt := t.add("plan: %s on %s", p.Route, count(len(p.Shards), "database"))
	if p.Table != "" {
		pt.label += ", table " + p.Table
	}
	pt.add("why: %s", p.Reason)
	if p.Writes {
		pt.add("writes: %s", strings.Join(p.WriteDatabases(), ", "))
	}
	if e := p.Execution; e != nil {
		pt.add("execution: %s", execution(e))
	}
	for _, s := range []struct{ name, v string }{
		{"rows affected", p.RowsAffected}, {"returning order", p.ReturningOrder},
		{"result from", p.ResultFrom}, {"new key belongs to", p.SetKeyTo},
	} {
		if s.v != "" {
			pt.add("%s: %s", s.name, s.v)
		}
	}
	if p.Merge != nil {
		mergeTree(pt.add("merge: %s", p.Strategy), p.Merge)
	}
	for i, q := range p.Shards {
		d := t.add("%s", q.Database)
		if i < len(x.Routes) {
			d.label += " → " + x.Routes[i].String()
		}
		d.add("%s", q.SQL)
		if a := shardArgs(&q); a != "" {
			d.add("args: %s", a)
		}
		if len(q.Rows) > 0 {
			d.add("VALUES rows: %s", ints(q.Rows))
		}
	}
	return t
}

// execution describes how the parts of a plan on several databases run.
func execution(e *sharding.Execution) string {
	var parts []string
	switch {
	case e.Refused:
		parts = append(parts, "refused inside a transaction (it would write to several databases)")
	case e.Tentative:
		parts = append(parts, "tentative: after a savepoint on each database, kept only if it changed rows on one")
	case e.Parallel:
		parts = append(parts, "in parallel")
	default:
		parts = append(parts, "one database after another")
	}
	if e.LocalTx {
		parts = append(parts, "each part in a transaction of its own, committed when all succeeded")
	}
	if e.Commit != "" {
		parts = append(parts, "commit "+strings.ReplaceAll(string(e.Commit), "_", "-"))
	}
	return strings.Join(parts, "; ")
}

// mergeTree lists the steps of a merge spec; column numbers are positions
// in the shards' select list, from 1.
func mergeTree(t *tree, m *merge.Spec) {
	if len(m.OrderBy) > 0 {
		keys := make([]string, len(m.OrderBy))
		for i, k := range m.OrderBy {
			keys[i] = column(k.Column)
			if k.Desc {
				keys[i] += " desc"
			}
			if k.Nulls != merge.NullsDefault {
				keys[i] += " nulls " + string(k.Nulls)
			}
			if k.Collation != merge.CollationDefault {
				keys[i] += " collate " + string(k.Collation)
			}
		}
		t.add("order by %s", strings.Join(keys, ", "))
	}
	if len(m.GroupBy) > 0 {
		cols := make([]string, len(m.GroupBy))
		for i, c := range m.GroupBy {
			cols[i] = column(c)
		}
		how := "in memory"
		if m.GroupSorted {
			how = "streaming"
		}
		t.add("group by %s (%s)", strings.Join(cols, ", "), how)
	}
	for _, a := range m.Aggregates {
		switch {
		case a.Distinct && a.Func == merge.Avg:
			t.add("%s = sum %s / count %s over the distinct values of %s", column(a.Column), column(a.SumColumn), column(a.CountColumn), column(a.ArgColumn))
		case a.Distinct:
			t.add("%s = %s of the distinct values of %s", column(a.Column), a.Func, column(a.ArgColumn))
		case a.Func == merge.Avg:
			t.add("%s = sum %s / count %s", column(a.Column), column(a.SumColumn), column(a.CountColumn))
		default:
			t.add("%s = %s", column(a.Column), aggregateText[a.Func])
		}
	}
	if m.Having != nil {
		t.add("having %s, on each merged group", m.Having.Render(column))
	}
	for _, c := range m.Computed {
		t.add("%s = %s, on each merged group", column(c.Column), c.Expr.Render(column))
	}
	if m.Distinct {
		t.add("distinct")
	}
	if m.Offset > 0 {
		t.add("offset %d", m.Offset)
	}
	if m.Limit != nil {
		t.add("limit %d", *m.Limit)
	}
	switch {
	case m.Visible > 0:
		t.add("return columns 1..%d", m.Visible)
	case m.Hidden > 0:
		t.add("return all but the last %d column(s)", m.Hidden)
	}
	if m.Collation != merge.CollationDefault {
		t.add("text compared %s", m.Collation)
	}
}

// aggregateText says how a merged aggregate comes from the shards' ones.
var aggregateText = map[merge.Func]string{
	merge.Count: "sum of the shards' counts", merge.Sum: "sum of the shards' sums",
	merge.Min: "least of the shards' minimums", merge.Max: "greatest of the shards' maximums",
}

// column names a column of the shard rows: #1 is the first; a negative
// index counts from the end (-1 the last).
func column(i int) string {
	if i < 0 {
		return fmt.Sprintf("#%d from the end", -i)
	}
	return fmt.Sprintf("#%d", i+1)
}

// shardArgs shows the arguments a database's SQL gets: the caller's by
// position ($2 is the caller's second), with their values when given.
func shardArgs(q *sharding.ShardQuery) string {
	var parts []string
	for i, a := range q.Args {
		ord := a.Ordinal
		if q.ArgOrdinals != nil && i < len(q.ArgOrdinals) {
			ord = q.ArgOrdinals[i]
		}
		name := fmt.Sprintf("$%d", ord)
		if a.Name != "" {
			name = "@" + a.Name
		}
		parts = append(parts, fmt.Sprintf("%s=%#v", name, a.Value))
	}
	return strings.Join(parts, ", ")
}

// count returns "1 database", "2 databases".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func ints(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ", ")
}
