package merge

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
)

// batch is a run of rows read from one shard. Batches circulate between the
// shard's reader and the merge: the reader takes one from free, fills it and
// sends it; the merge reads it and hands it back. So a shard never holds
// more than batchesPerShard batches, whatever the size of the result.
type batch struct {
	shard int
	rows  [][]driver.Value // every row has the shard's column count
	n     int              // rows filled
	last  bool             // no batch follows from this shard
	bytes arena            // copies of the []byte values in rows
}

// grow adds row buffers to b, doubling up to batchRows, so a short result
// never allocates the whole read-ahead; the buffers are kept for reuse.
func (b *batch) grow(width, batchRows int) {
	add := min(max(len(b.rows), 8), batchRows-len(b.rows))
	values := make([]driver.Value, add*width)
	for i := range add {
		b.rows = append(b.rows, values[i*width:(i+1)*width:(i+1)*width])
	}
}

// batchesPerShard: one being filled, one queued, one being merged and the
// one merged before it (cursor).
const batchesPerShard = 4

// shard is one source's reader state.
type shard struct {
	index int
	name  string
	open  func(ctx context.Context) (driver.Rows, error)
	free  chan *batch
	out   chan *batch     // this shard's channel, or one shared by all shards
	stop  <-chan struct{} // closed when the merge wants no more rows
}

// opened reports a source's open outcome to Open.
type opened struct {
	index   int
	columns []string
	meta    *columnMeta // shard 0 only
	err     error
}

// run opens the source, reports the outcome, then reads the rows ahead into
// batches until the end, an error, or cancellation, and closes them. A
// failure cancels every shard with the shard-named error as the cause. A
// panic in the driver becomes that shard's error (with its stack), since
// on this goroutine it would otherwise end the process.
func (s *shard) run(ctx context.Context, cancel context.CancelCauseFunc, batchRows int, report chan<- opened) {
	reported := false
	defer func() {
		if p := recover(); p != nil {
			err := shardError(s.name, fmt.Errorf("panic: %v\n%s", p, debug.Stack()))
			cancel(err)
			if !reported {
				report <- opened{index: s.index, err: err}
			}
		}
	}()
	rows, err := s.open(ctx)
	if err == nil && rows == nil {
		err = errors.New("source returned no rows and no error")
	}
	if err != nil {
		err = shardError(s.name, err)
		cancel(err)
		reported = true
		report <- opened{index: s.index, err: err}
		return
	}
	columns := rows.Columns()
	var meta *columnMeta
	if s.index == 0 {
		meta = snapshotColumns(rows, len(columns))
	}
	reported = true
	report <- opened{index: s.index, columns: columns, meta: meta}

	for range batchesPerShard {
		s.free <- &batch{shard: s.index}
	}
	if err := s.read(ctx, rows, len(columns), batchRows); err != nil && err != errStopped {
		cancel(shardError(s.name, err))
	}
}

// read fills and sends batches, and closes rows. The first batch is sent
// after one row and each next one holds twice as many, up to batchRows, so
// the first rows reach the merge quickly. At the end of the rows it closes
// them before sending the last batch, so that a close error counts as the
// shard's error and the connection is released early.
//
// errStopped means the merge stopped wanting rows: at LIMIT, at the end,
// or on Close. The rows are then closed without cancelling their context,
// so the driver finishes the query (PostgreSQL and MySQL drivers read the
// rest of the result, which the pushed-down LIMIT keeps short) and keeps its
// connection, as closing one database's rows early does. Errors and the
// caller's cancellation cancel the context instead.
func (s *shard) read(ctx context.Context, rows driver.Rows, width, batchRows int) error {
	closed := false
	defer func() {
		if !closed {
			rows.Close()
		}
	}()
	size := 1
	for {
		var b *batch
		select {
		case b = <-s.free:
		case <-ctx.Done():
			return errStopped
		case <-s.stop:
			return errStopped
		}
		b.n, b.last = 0, false
		b.bytes.reset()
		for b.n < size {
			if b.n == len(b.rows) {
				b.grow(width, batchRows)
			}
			row := b.rows[b.n]
			if err := rows.Next(row); err != nil {
				if err != io.EOF {
					return err
				}
				b.last = true
				break
			}
			for i, v := range row {
				if x, ok := v.([]byte); ok && x != nil {
					row[i] = b.bytes.copy(x)
				}
			}
			b.n++
		}
		if b.last {
			closed = true
			if err := rows.Close(); err != nil {
				return err
			}
		}
		select {
		case s.out <- b:
		case <-ctx.Done():
			return errStopped
		case <-s.stop:
			return errStopped
		}
		if b.last {
			return nil
		}
		size = min(2*size, batchRows)
	}
}

// cursor reads one shard's rows, batch by batch, on the merge side. A row it
// returns stays valid until the call after the next one: a batch goes back
// to the reader only when the cursor is done with the batch after it, so
// the merge can still compare the row it returned last with the next one.
type cursor struct {
	ctx  context.Context
	sh   *shard
	b    *batch
	held *batch // the batch before b, whose rows may still be in use
	i    int
	// pending holds rows handed back to the shard's stream, returned
	// before the batches (localHeads.handBack); they stay valid.
	pending [][]driver.Value
	ended   bool // io.EOF returned: returned again
}

// ready reports whether next would return without waiting for the reader.
func (c *cursor) ready() bool {
	return len(c.pending) > 0 || c.ended || c.b != nil && (c.i < c.b.n || c.b.last) || len(c.sh.out) > 0
}

func (c *cursor) next() ([]driver.Value, error) {
	if len(c.pending) > 0 {
		row := c.pending[0]
		c.pending = c.pending[1:]
		return row, nil
	}
	if c.ended {
		return nil, io.EOF
	}
	for {
		if c.b != nil {
			if c.i < c.b.n {
				c.i++
				return c.b.rows[c.i-1], nil
			}
			last := c.b.last
			if c.held != nil {
				c.sh.free <- c.held
			}
			c.held, c.b = c.b, nil
			if last {
				c.ended = true
				return nil, io.EOF
			}
		}
		b, err := receive(c.ctx, c.sh.out)
		if err != nil {
			return nil, err
		}
		c.b, c.i = b, 0
	}
}

// receive takes the next batch, or the cause of the cancellation: the first
// shard's error, the caller's context error, or errStopped.
func receive(ctx context.Context, ch <-chan *batch) (*batch, error) {
	select {
	case b := <-ch:
		return b, nil
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
}
