package merge

import (
	"database/sql/driver"
	"io"
	"slices"
)

// hashGroup collects groups in memory, keyed by the encoded group key, when
// the shard streams are not sorted by it; at the end it finishes every group
// and sorts them by ORDER BY, if any (else they come in first-seen order).
// More than limit groups is an error matching ErrMemoryLimit.
type hashGroup struct {
	in     stage
	keys   []int
	rules  []rule
	agg    *aggregator
	order  order
	limit  int
	width  int
	groups []hashEntry
	pos    int
	built  bool
}

type hashEntry struct {
	row []driver.Value
	st  []aggState
}

func (h *hashGroup) next() ([]driver.Value, error) {
	if !h.built {
		if err := h.build(); err != nil {
			return nil, err
		}
		h.built = true
	}
	if h.pos >= len(h.groups) {
		return nil, io.EOF
	}
	h.pos++
	row := h.groups[h.pos-1].row
	h.groups[h.pos-1].row = nil // let finished groups go
	return row, nil
}

func (h *hashGroup) build() error {
	index := map[string]int{}
	var key []byte
	var bytes arena
	for {
		row, err := h.in.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		key = appendRowKey(key[:0], row, h.keys, h.rules)
		i, ok := index[string(key)]
		if !ok {
			if len(h.groups) >= h.limit {
				return &memoryLimitError{what: "GROUP BY (not sorted by the group key)", limit: h.limit}
			}
			e := hashEntry{row: make([]driver.Value, h.width), st: h.agg.newStates()}
			bytes.cloneRow(e.row, row)
			i = len(h.groups)
			h.groups = append(h.groups, e)
			index[string(key)] = i
		}
		if err := h.agg.add(h.groups[i].st, row, &bytes); err != nil {
			return err
		}
	}
	states := make([][]aggState, len(h.groups))
	for i := range h.groups {
		states[i] = h.groups[i].st
	}
	if err := h.agg.resolve(states...); err != nil {
		return err
	}
	kept := h.groups[:0]
	for i := range h.groups {
		g := h.groups[i]
		h.agg.finish(g.st, g.row)
		g.st = nil
		keep, err := h.agg.post(g.row)
		if err != nil {
			return err
		}
		if keep {
			kept = append(kept, g)
		}
	}
	clear(h.groups[len(kept):])
	h.groups = kept
	switch {
	case len(h.order) > 0 && h.order.ranked():
		rows := make([][]driver.Value, len(h.groups))
		for i := range h.groups {
			rows[i] = h.groups[i].row
		}
		if err := sortRanked(h.agg.ctx, h.agg.ranker, h.order, rows); err != nil {
			return err
		}
		for i := range h.groups {
			h.groups[i].row = rows[i]
		}
	case len(h.order) > 0:
		slices.SortStableFunc(h.groups, func(a, b hashEntry) int { return h.order.compare(a.row, b.row) })
	}
	return nil
}
