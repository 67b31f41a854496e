package merge

import (
	"database/sql/driver"
	"io"
)

// limit skips offset rows, then returns at most count rows (count < 0: no
// limit). Once count rows are out it returns io.EOF without reading more,
// and the merged rows then stop the shard readers.
type limit struct {
	in     stage
	offset int64
	count  int64
	out    int64
}

func (l *limit) next() ([]driver.Value, error) {
	if l.count >= 0 && l.out >= l.count {
		return nil, io.EOF
	}
	for l.offset > 0 {
		if _, err := l.in.next(); err != nil {
			return nil, err
		}
		l.offset--
	}
	row, err := l.in.next()
	if err != nil {
		return nil, err
	}
	l.out++
	return row, nil
}
