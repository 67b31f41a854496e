package merge

import (
	"database/sql/driver"
	"io"
)

// wrow is a row held by the ranked merge.
type wrow struct {
	vals  []driver.Value
	shard int
	// Per order key, fixed while the row is held: the local order's byte
	// key of its text when the local order covers the text (else nil), and
	// whether it is text the local order does not cover. keyBuf holds the
	// keys.
	keys   [][]byte
	unsafe []bool
	// tie: its key may equal that of another text (hasIgnorable).
	tie    []bool
	keyBuf []byte
	anyUns bool // some key is unsafe
	// Per order key, valid in round number round only: the rank of its
	// text or -1, and for unsafe text the nearest rows of its shard around
	// it whose text is covered (its bounds, rankAround).
	round  int
	ranks  []int
	bounds [][2]*wrow
	mark   int // the round whose ranking batch holds the row (rankAround)
}

// newRow copies a row of shard into a held row, reusing a free one, and
// computes its keys.
func (m *rankedMerge) newRow(shard int, row []driver.Value) *wrow {
	if len(m.free) == 0 {
		m.allocRows()
	}
	w := m.free[len(m.free)-1]
	m.free = m.free[:len(m.free)-1]
	w.shard, w.round, w.mark = shard, 0, 0
	for j, v := range row {
		w.vals[j] = m.bytes.clone(v)
	}
	w.keyBuf, w.anyUns = localKeys(m.order, m.los, w.vals, w.keyBuf[:0], w.keys, w.unsafe, w.tie)
	return w
}

// localKeys appends to buf the local key of each server-collated text key
// of row and points keys[i] at it (nil for a key without one), and sets
// unsafe[i] for text the local order does not cover and tie[i] for a key
// other text may share; it returns buf and whether some text is unsafe.
func localKeys(o order, los []localOrder, row []driver.Value, buf []byte, keys [][]byte, unsafe, tie []bool) ([]byte, bool) {
	var room [8]int   // spans for the common short orders
	spans := room[:0] // per key, where its key starts in buf (-1: none) and ends
	anyUnsafe := false
	for i := range o {
		k := &o[i]
		unsafe[i], tie[i] = false, false
		start := -1
		if k.rule.text == textServer {
			if s, ok := textOf(row[k.col], k.rule.trim); ok {
				start = len(buf)
				if buf, ok = los[i].appendKey(buf, s); !ok {
					unsafe[i], anyUnsafe = true, true
					start = -1
				} else {
					tie[i] = los[i].hasIgnorable(s)
				}
			}
		}
		spans = append(spans, start, len(buf))
	}
	for i := range o {
		keys[i] = nil
		if start, end := spans[2*i], spans[2*i+1]; start >= 0 {
			keys[i] = buf[start:end:end]
		}
	}
	return buf, anyUnsafe
}

// rowBlock is how many rows allocRows allocates at once, and keyRoom
// the room for keys each gets in advance.
const (
	rowBlock = 64
	keyRoom  = 48
)

// allocRows adds a block of new rows to the free rows, allocated together.
func (m *rankedMerge) allocRows() {
	n := len(m.order)
	rows := make([]wrow, rowBlock)
	vals := make([]driver.Value, rowBlock*m.width)
	keys := make([][]byte, rowBlock*n)
	unsafe, tie := make([]bool, rowBlock*n), make([]bool, rowBlock*n)
	ranks := make([]int, rowBlock*n)
	bounds := make([][2]*wrow, rowBlock*n)
	keyBuf := make([]byte, rowBlock*keyRoom)
	for i := range rows {
		w := &rows[i]
		w.vals = vals[i*m.width : (i+1)*m.width : (i+1)*m.width]
		w.keys, w.unsafe, w.tie = keys[i*n:(i+1)*n:(i+1)*n], unsafe[i*n:(i+1)*n:(i+1)*n], tie[i*n:(i+1)*n:(i+1)*n]
		w.ranks, w.bounds = ranks[i*n:(i+1)*n:(i+1)*n], bounds[i*n:(i+1)*n:(i+1)*n]
		w.keyBuf = keyBuf[i*keyRoom : i*keyRoom : (i+1)*keyRoom]
		m.free = append(m.free, w)
	}
}

// facts makes the row's ranks and bounds those of this round, clearing
// those of an earlier one.
func (m *rankedMerge) facts(w *wrow) {
	if w.round != m.n {
		w.round = m.n
		for i := range w.ranks {
			w.ranks[i], w.bounds[i] = -1, [2]*wrow{}
		}
	}
}

// rankOf returns the rank of key i of w in this round, or -1.
func (m *rankedMerge) rankOf(w *wrow, i int) int {
	if w.round != m.n {
		return -1
	}
	return w.ranks[i]
}

// read reads the next row of shard i: nil at its end (m.eof).
func (m *rankedMerge) read(i int) (*wrow, error) {
	row, err := m.cursors[i].next()
	if err == io.EOF {
		m.eof[i] = true
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return m.newRow(i, row), nil
}

// fill moves the rows read ahead into the window, then reads every shard
// that has more rows up to the window.
func (m *rankedMerge) fill() error {
	for i := range m.cursors {
		m.bufs[i] = append(m.bufs[i], m.ahead[i]...)
		clear(m.ahead[i])
		m.ahead[i] = m.ahead[i][:0]
		if err := m.aheadErr[i]; err != nil {
			return err
		}
		for !m.eof[i] && len(m.bufs[i]) < m.window {
			w, err := m.read(i)
			if err != nil {
				return err
			}
			if w != nil {
				m.bufs[i] = append(m.bufs[i], w)
			}
		}
		m.done[i] = m.eof[i]
	}
	return nil
}

// whileReading runs f (a server ranking) on another goroutine and, until
// it returns, reads the next window's rows ahead, so the shard readers go
// on reading during the round trip. It returns f's error.
func (m *rankedMerge) whileReading(f func() error) error {
	done := make(chan error, 1)
	go func() { done <- f() }()
	for {
		select {
		case err := <-done:
			return err
		default:
		}
		progressed, wait := false, -1
		for i := range m.cursors {
			if m.eof[i] || m.aheadErr[i] != nil || len(m.ahead[i]) >= m.window {
				continue
			}
			if !m.cursors[i].ready() {
				if wait < 0 || len(m.ahead[i]) < len(m.ahead[wait]) {
					wait = i // its next row would block
				}
				continue
			}
			m.readAhead(i)
			progressed = true
		}
		if !progressed {
			if wait < 0 {
				return <-done
			}
			// Every shard with room waits for its reader; the next round
			// needs these rows anyway.
			m.readAhead(wait)
		}
	}
}

// readAhead reads one row of shard i into m.ahead; an error is kept for
// fill to return once the rows before it are merged.
func (m *rankedMerge) readAhead(i int) {
	w, err := m.read(i)
	switch {
	case err != nil:
		m.aheadErr[i] = err
	case w != nil:
		m.ahead[i] = append(m.ahead[i], w)
	}
}
