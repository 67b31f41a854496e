package merge

import (
	"context"
	"database/sql/driver"
	"fmt"
	"math/big"
	"strconv"

	"github.com/grantsql/grant/dialect"
)

// aggState is the running combination of one aggregate for one group.
type aggState struct {
	sum, count number       // COUNT and SUM use sum; AVG uses both
	best       driver.Value // MIN, MAX
	bestW      driver.Value // the weight of best, when its column has weights
	// cands are the shards' MIN or MAX text in a server collation, ranked
	// by resolve.
	cands    []driver.Value
	avgForm  form // Go type of the shards' own AVG values
	avgScale int  // fraction digits of the shards' own AVG text
	// seen holds the keys of the argument values of a distinct aggregate
	// already added in this group.
	seen map[string]struct{}
}

// aggregator folds shard rows into aggregate states and writes the results.
type aggregator struct {
	ctx     context.Context
	aggs    []Aggregate
	rules   []rule
	dialect dialect.Dialect
	ranker  Ranker
	// limit caps the distinct argument values held at once (held), over
	// every group in memory.
	limit, held int
	key         []byte
	owner       []int  // per aggregate, the first distinct one with its ArgColumn
	fresh       []bool // per aggregate, firstSeen of the current row
	// having and computed are evaluated on each finished group (post).
	having   *Expr
	computed []Computed
	ev       exprEval
}

func (a *aggregator) newStates() []aggState { return make([]aggState, len(a.aggs)) }

func (a *aggregator) reset(st []aggState) {
	for i := range st {
		st[i].sum.reset()
		st[i].count.reset()
		st[i].best, st[i].bestW, st[i].cands = nil, nil, st[i].cands[:0]
		st[i].avgForm, st[i].avgScale = formNone, 0
		a.forget(&st[i])
	}
}

// add folds one shard row into st; values kept (MIN, MAX) are copied into ar.
func (a *aggregator) add(st []aggState, row []driver.Value, ar *arena) error {
	for i, g := range a.aggs {
		s := &st[i]
		if g.Distinct {
			fresh, err := a.distinctFresh(st, i, row)
			if err != nil {
				return err
			}
			if !fresh {
				continue
			}
		}
		var err error
		switch g.Func {
		case Count, Sum:
			err = s.sum.add(row[g.Column])
		case Min, Max:
			v := row[g.Column]
			if v == nil {
				continue
			}
			r := &a.rules[g.Column]
			if r.text == textServer && r.isText(v) {
				s.cands = append(s.cands, ar.clone(v))
				continue
			}
			c := 0
			if s.best != nil {
				c = a.compareBest(s, row, g.Column)
			}
			if s.best == nil || (g.Func == Min && c < 0) || (g.Func == Max && c > 0) {
				s.best = ar.clone(v)
				if r.weighted {
					s.bestW = ar.clone(row[r.weight])
				}
			}
		case Avg:
			if err = s.sum.add(row[g.SumColumn]); err == nil {
				err = s.count.add(row[g.CountColumn])
			}
			if v := row[g.Column]; s.avgForm == formNone && v != nil {
				s.avgForm, s.avgScale = observeAvg(v)
			}
		}
		if err != nil {
			return fmt.Errorf("merge: %s in column %d: %w", g.Func, g.Column, err)
		}
	}
	return nil
}

// compareBest compares the value of column col in row with the state's
// best: by their weights when the column has them.
func (a *aggregator) compareBest(s *aggState, row []driver.Value, col int) int {
	r := &a.rules[col]
	if w := row[r.weight]; r.weighted && w != nil && s.bestW != nil && r.isText(row[col]) && r.isText(s.best) {
		return compareWeightValues(w, s.bestW, r.pad)
	}
	return compareValues(row[col], s.best, *r)
}

// resolve picks the MIN and MAX of text in a server collation in every
// state, ranking the candidates of all of them in one Ranker call per
// aggregate.
func (a *aggregator) resolve(states ...[]aggState) error {
	for i, g := range a.aggs {
		r := &a.rules[g.Column]
		if (g.Func != Min && g.Func != Max) || r.text != textServer {
			continue
		}
		var texts []string
		for _, st := range states {
			for _, v := range st[i].cands {
				t, _ := textOf(v, r.trim)
				texts = append(texts, t)
			}
		}
		if len(texts) == 0 {
			continue
		}
		if a.ranker == nil {
			return noRanker(g.Column, r.server)
		}
		ranks, err := rankTexts(a.ctx, a.ranker, r.server, texts)
		if err != nil {
			return err
		}
		for _, st := range states {
			s := &st[i]
			best := -1
			for j, v := range s.cands {
				t, _ := textOf(v, r.trim)
				if best < 0 || (g.Func == Min && ranks[t] < ranks[mustText(s.cands[best], r.trim)]) ||
					(g.Func == Max && ranks[t] > ranks[mustText(s.cands[best], r.trim)]) {
					best = j
				}
			}
			if best >= 0 {
				s.best = s.cands[best]
			}
		}
	}
	return nil
}

func mustText(v driver.Value, trim bool) string {
	t, _ := textOf(v, trim)
	return t
}

// finish writes the aggregate results of st into out.
func (a *aggregator) finish(st []aggState, out []driver.Value) {
	for i, g := range a.aggs {
		s := &st[i]
		switch g.Func {
		case Count:
			if s.sum.empty() {
				out[g.Column] = int64(0)
			} else {
				out[g.Column] = s.sum.value()
			}
		case Sum:
			out[g.Column] = s.sum.value()
		case Min, Max:
			out[g.Column] = s.best
		case Avg:
			out[g.Column] = a.average(s)
		}
	}
}

// observeAvg returns the Go type of a shard's own AVG value and, for
// decimal text, its number of fraction digits.
func observeAvg(v driver.Value) (form, int) {
	switch x := v.(type) {
	case string:
		if d, ok := parseDecimal(x); ok {
			return formText, d.fe - d.fs
		}
		return formText, 0
	case []byte:
		if d, ok := parseDecimal(x); ok {
			return formBytes, d.fe - d.fs
		}
		return formBytes, 0
	}
	return formFloat, 0
}

// average is SUM/COUNT in the form the shards returned AVG in:
//
//   - float64 (SQLite, and AVG over floating-point columns everywhere):
//     float64(sum)/float64(count); exact for integer sums up to 2^53, like
//     SQLite; over float columns the sums may differ in the last bits;
//   - decimal text, PostgreSQL: the exact quotient rounded half away from
//     zero to the scale PostgreSQL's numeric division chooses (at least 16
//     significant digits, no fewer than the sum's scale), digit for digit
//     what one server returns;
//   - decimal text, MySQL and others: the exact quotient rounded half away
//     from zero to the scale of the shards' own AVG values (the sum's scale
//     plus div_precision_increment), as one server returns it.
//
// No rows (COUNT 0) give NULL.
func (a *aggregator) average(s *aggState) driver.Value {
	if s.count.empty() || s.sum.empty() {
		return nil
	}
	cu, cs := s.count.decimal()
	if s.count.kind == 'f' || cs != 0 || cu.Sign() == 0 {
		if c := s.count.float(); c != 0 {
			return s.sum.float() / c
		}
		return nil
	}
	if s.avgForm != formText && s.avgForm != formBytes {
		return s.sum.float() / s.count.float()
	}
	var str string
	switch {
	case s.sum.special != 0:
		str, _ = s.sum.value().(string)
		if b, ok := s.sum.value().([]byte); ok {
			str = string(b)
		}
	case s.sum.kind == 'f':
		str = strconv.FormatFloat(s.sum.float()/s.count.float(), 'f', -1, 64)
	default:
		u, scale := s.sum.decimal()
		out := s.avgScale
		if a.dialect == dialect.Postgres {
			out = postgresDivScale(u, scale, cu)
		}
		str = formatBig(divRound(u, scale, new(big.Int).Set(cu), out), out)
	}
	if s.avgForm == formBytes {
		return []byte(str)
	}
	return str
}
