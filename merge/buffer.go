package merge

import (
	"context"
	"database/sql/driver"
	"io"
	"slices"
)

// Buffered is a result read to its end: column names, the column-type
// metadata of the rows it came from, and every row. The executor buffers
// the RETURNING rows of a write on several shards, which must be read
// before the shards commit.
type Buffered struct {
	names []string
	meta  *columnMeta
	// Data holds the rows; byte slices are the buffer's own copies.
	Data [][]driver.Value
}

// ReadAll reads r to its end into a Buffered and closes r. The column-type
// metadata is read before the first row, as database/sql would.
func ReadAll(r driver.Rows) (*Buffered, error) {
	names := slices.Clone(r.Columns())
	b := &Buffered{names: names, meta: snapshotColumns(r, len(names))}
	for {
		row := make([]driver.Value, len(names))
		err := r.Next(row)
		if err == io.EOF {
			break
		}
		if err != nil {
			r.Close()
			return nil, err
		}
		for i, v := range row {
			if bs, ok := v.([]byte); ok {
				row[i] = slices.Clone(bs)
			}
		}
		b.Data = append(b.Data, row)
	}
	return b, r.Close()
}

// WithData returns a Buffered with b's columns and metadata and data as
// its rows.
func (b *Buffered) WithData(data [][]driver.Value) *Buffered {
	return &Buffered{names: b.names, meta: b.meta, Data: data}
}

// Rows returns a driver.Rows over the buffered rows, with exactly the
// column-type interfaces of the rows they were read from.
func (b *Buffered) Rows() driver.Rows {
	ctx, cancel := context.WithCancelCause(context.Background())
	r := &rows{ctx: ctx, cancel: cancel, done: make(chan struct{}), meta: b.meta,
		names: b.names, visible: len(b.names), top: &sliceStage{data: b.Data}}
	return r
}

// sliceStage yields rows held in memory.
type sliceStage struct {
	data [][]driver.Value
	i    int
}

func (s *sliceStage) next() ([]driver.Value, error) {
	if s.i == len(s.data) {
		return nil, io.EOF
	}
	s.i++
	return s.data[s.i-1], nil
}
