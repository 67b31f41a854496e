package merge

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
)

// Source is one shard's query. Open runs on its own goroutine, in parallel
// with the other sources, and its context is cancelled when the merged rows
// stop: at the end, at LIMIT, on Close, on another shard's error, or when
// the caller's context ends. The rows it returns are read and closed on that
// goroutine only.
type Source struct {
	// Name names the shard in errors ("shard s2: ...").
	Name string
	// Open runs the shard's rewritten query.
	Open func(ctx context.Context) (driver.Rows, error)
}

// Open runs every source in parallel and returns their rows merged as spec
// says. It returns once every source has opened (so the latency is the
// slowest shard's, not the sum) and fails if one fails, naming the shard;
// the others are then cancelled and closed. The shards must report the same
// number of columns. Reading stays parallel: each shard has a reader
// goroutine that holds at most about 2×spec.ShardRowsInFlight rows ahead.
//
// The rows report the first spec.Visible column names of shard 0 and mirror
// the column-type interfaces of shard 0's rows, answering them with shard
// 0's metadata as it was when its rows opened. Next returns the first error
// of any shard, wrapped as "shard NAME: ..." with %w, and cancels the other
// shards. At the end, at LIMIT and on Close the shards' rows are closed
// without cancelling their context (so the drivers keep their connections);
// Close waits for every goroutine and every shard's rows to close, and may
// be called at any time, more than once.
func Open(ctx context.Context, spec Spec, sources []Source) (driver.Rows, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	if len(sources) == 0 {
		return nil, errors.New("merge: no shards to read")
	}
	ctx, cancel := context.WithCancelCause(ctx)
	r := &rows{ctx: ctx, cancel: cancel, done: make(chan struct{})}
	ordered := len(spec.OrderBy) > 0 && (len(spec.Aggregates) == 0 && len(spec.GroupBy) == 0 || spec.GroupSorted)
	batchRows := max(1, (spec.rowsInFlight()+1)/2)
	var shared chan *batch
	if !ordered {
		shared = make(chan *batch, batchesPerShard*len(sources))
	}
	report := make(chan opened, len(sources))
	r.shards = make([]*shard, len(sources))
	for i, src := range sources {
		sh := &shard{index: i, name: src.Name, open: src.Open, free: make(chan *batch, batchesPerShard), out: shared, stop: r.done}
		if sh.out == nil {
			sh.out = make(chan *batch, batchesPerShard)
		}
		if sh.name == "" {
			sh.name = fmt.Sprint(i)
		}
		r.shards[i] = sh
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			sh.run(ctx, cancel, batchRows, report)
		}()
	}

	columns := make([][]string, len(sources))
	var failed error
	for range sources {
		o := <-report
		columns[o.index] = o.columns
		if o.meta != nil {
			r.meta = o.meta
		}
		if o.err != nil && failed == nil {
			failed = o.err
		}
	}
	if failed == nil {
		failed = checkColumns(r.shards, columns)
	}
	if failed == nil {
		failed = r.build(&spec, columns[0], ordered, shared)
	}
	if failed != nil {
		// The cause is the first failure: a shard's open error cancelled
		// the context before the other shards' resulting errors arrived.
		cancel(failed)
		r.wg.Wait()
		return nil, context.Cause(ctx)
	}
	return r, nil
}

func checkColumns(shards []*shard, columns [][]string) error {
	for i := 1; i < len(columns); i++ {
		if len(columns[i]) != len(columns[0]) {
			return fmt.Errorf("merge: shard %s returns %d columns but shard %s returns %d",
				shards[i].name, len(columns[i]), shards[0].name, len(columns[0]))
		}
	}
	return nil
}

// build checks the spec against the column count and assembles the
// pipeline: source (concat or ordered merge), grouping, DISTINCT, LIMIT.
func (r *rows) build(s *Spec, names []string, ordered bool, shared chan *batch) error {
	width := len(names)
	if s.Hidden > 0 {
		if s.Hidden >= width {
			return fmt.Errorf("merge: the shards return %d columns, not more than the %d hidden ones", width, s.Hidden)
		}
		s.Visible = width - s.Hidden
		s.OrderBy = slices.Clone(s.OrderBy)
		for i := range s.OrderBy {
			if s.OrderBy[i].Column < 0 {
				s.OrderBy[i].Column += width
			}
		}
		s.Weights = slices.Clone(s.Weights)
		for i := range s.Weights {
			w := &s.Weights[i]
			if w.Column < 0 {
				w.Column += width
			}
			if w.WeightColumn < 0 {
				w.WeightColumn += width
			}
		}
	}
	if err := checkIndexes(s, width); err != nil {
		return err
	}
	if err := checkExprIndexes(s, width); err != nil {
		return err
	}
	r.visible = s.Visible
	if r.visible == 0 {
		r.visible = width
	}
	r.names = slices.Clone(names[:r.visible])
	rules := buildRules(s, r.meta, width)
	for _, c := range s.Computed {
		rules[c.Column] = rule{numText: true, computed: true}
	}
	o := newOrder(s, rules)
	if err := needsRanker(s, rules, o); err != nil {
		return err
	}

	var top stage
	switch {
	case ordered:
		cursors := make([]cursor, len(r.shards))
		for i, sh := range r.shards {
			cursors[i] = cursor{ctx: r.ctx, sh: sh}
		}
		m := newOrderedMerge(cursors, o)
		// The merged rows must come out in the merge's order: otherwise (a
		// shard sorting by an order the merge does not reproduce) the
		// merged order would be silently wrong, so the merge fails instead.
		m.check = newOrderCheck(o)
		if o.ranked() {
			// Text in a server's collation: by local keys while they
			// cover it, then ranked by the server (local_merge.go).
			m.local = newLocalHeads(r.ctx, s.Ranker, o, width, s.rowsInFlight())
			m.check.local = m.local
		}
		top = m
	default:
		top = &concat{ctx: r.ctx, in: shared, shards: r.shards, live: len(r.shards)}
	}

	agg := &aggregator{ctx: r.ctx, aggs: s.Aggregates, rules: rules, dialect: s.Dialect, ranker: s.Ranker, limit: s.maxMemoryRows()}
	agg.having, agg.computed = s.Having, s.Computed
	agg.ev = exprEval{d: s.Dialect, rules: rules}
	switch {
	case len(s.GroupBy) == 0 && len(s.Aggregates) > 0:
		top = &scalarAggregate{in: top, agg: agg, st: agg.newStates(), out: make([]driver.Value, width)}
	case len(s.GroupBy) > 0 && s.GroupSorted:
		top = &streamGroup{in: top, keys: s.GroupBy, rules: rules, agg: agg, st: agg.newStates(), out: make([]driver.Value, width)}
	case len(s.GroupBy) > 0:
		top = &hashGroup{in: top, keys: s.GroupBy, rules: rules, agg: agg, order: o, limit: s.maxMemoryRows(), width: width}
	}

	if s.Distinct {
		cols := make([]int, r.visible)
		for i := range cols {
			cols[i] = i
		}
		if s.streamDistinct(r.visible) {
			top = &streamDistinct{in: top, cols: cols, rules: rules, prev: make([]driver.Value, width)}
		} else {
			top = &hashDistinct{in: top, cols: cols, rules: rules, limit: s.maxMemoryRows(), seen: map[string]struct{}{}}
		}
	}
	if s.Offset > 0 || s.Limit != nil {
		l := &limit{in: top, offset: s.Offset, count: -1}
		if s.Limit != nil {
			l.count = *s.Limit
		}
		top = l
	}
	r.top = top
	return nil
}

// needsRanker fails when text must be ordered by a server's collation (an
// ORDER BY key, or MIN and MAX) and the spec has no Ranker: before any row
// is returned, naming the column and the collation.
func needsRanker(s *Spec, rules []rule, o order) error {
	if s.Ranker != nil {
		return nil
	}
	for _, k := range o {
		if k.rule.text == textServer {
			return noRanker(k.col, k.rule.server)
		}
	}
	for _, a := range s.Aggregates {
		if r := rules[a.Column]; (a.Func == Min || a.Func == Max) && r.text == textServer {
			return noRanker(a.Column, r.server)
		}
	}
	return nil
}

func checkIndexes(s *Spec, width int) error {
	bad := func(what string, i int) error {
		return fmt.Errorf("merge: %s column %d is out of range: the shards return %d columns", what, i, width)
	}
	if s.Visible > width {
		return bad("visible", s.Visible-1)
	}
	for _, k := range s.OrderBy {
		if k.Column >= width {
			return bad("ORDER BY", k.Column)
		}
	}
	for _, g := range s.GroupBy {
		if g >= width {
			return bad("GROUP BY", g)
		}
	}
	for _, w := range s.Weights {
		if w.Column >= width || w.WeightColumn >= width || w.Column < 0 || w.WeightColumn < 0 {
			return bad("weight", max(w.Column, w.WeightColumn))
		}
	}
	for _, a := range s.Aggregates {
		for _, c := range []int{a.Column, a.SumColumn, a.CountColumn, a.ArgColumn} {
			if c >= width {
				return bad(string(a.Func), c)
			}
		}
	}
	return nil
}

// rows is the merged driver.Rows.
type rows struct {
	ctx     context.Context
	cancel  context.CancelCauseFunc
	done    chan struct{} // closed to stop the readers without cancelling
	stopped bool
	wg      sync.WaitGroup
	shards  []*shard
	meta    *columnMeta
	names   []string
	visible int
	top     stage
	err     error // sticky: io.EOF or the first error
}

// Columns returns the visible column names of shard 0.
func (r *rows) Columns() []string { return r.names }

// Next copies the next merged row's visible columns into dest. At the end
// (or LIMIT) it stops the readers; on an error it cancels the shards first.
func (r *rows) Next(dest []driver.Value) error {
	if r.err != nil {
		return r.err
	}
	row, err := r.top.next()
	if err != nil {
		r.err = err
		if err != io.EOF {
			r.cancel(err)
		}
		r.stop()
		return err
	}
	copy(dest, row[:r.visible])
	return nil
}

// Close stops the readers, waits for them, and closes every shard's rows.
func (r *rows) Close() error {
	if r.err == nil {
		r.err = io.EOF
	}
	r.stop()
	return nil
}

// stop tells the readers to finish, waits until every shard's rows are
// closed, and releases the context.
func (r *rows) stop() {
	if r.stopped {
		return
	}
	r.stopped = true
	close(r.done)
	r.wg.Wait()
	r.cancel(errStopped)
}
