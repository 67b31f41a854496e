package merge

import (
	"context"
	"database/sql/driver"
	"io"
)

// stage is one step of the merge pipeline. next returns the next row, which
// stays valid until the following call, or io.EOF, or an error. Rows are
// full width: visible and hidden columns.
type stage interface {
	next() ([]driver.Value, error)
}

// concat returns the rows of every shard in the order their batches arrive:
// all shards send into one channel, so a slow shard never holds up the rows
// of a fast one.
type concat struct {
	ctx    context.Context
	in     <-chan *batch
	shards []*shard
	live   int // shards that have not sent their last batch
	b      *batch
	i      int
}

func (c *concat) next() ([]driver.Value, error) {
	for {
		if c.b != nil {
			if c.i < c.b.n {
				c.i++
				return c.b.rows[c.i-1], nil
			}
			if c.b.last {
				c.live--
			}
			c.shards[c.b.shard].free <- c.b
			c.b = nil
		}
		if c.live == 0 {
			return nil, io.EOF
		}
		b, err := receive(c.ctx, c.in)
		if err != nil {
			return nil, err
		}
		c.b, c.i = b, 0
	}
}
