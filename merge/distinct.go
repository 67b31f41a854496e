package merge

import "database/sql/driver"

// streamDistinct drops a row equal to the previous one on the visible
// columns; its input is sorted with every visible column among the leading
// ORDER BY keys, so duplicates arrive adjacent and memory stays one row
// (all of it: the hidden columns hold the visible ones' weights).
type streamDistinct struct {
	in    stage
	cols  []int
	rules []rule
	prev  []driver.Value
	bytes arena
	has   bool
}

func (d *streamDistinct) next() ([]driver.Value, error) {
	for {
		row, err := d.in.next()
		if err != nil {
			return nil, err
		}
		if d.has && keyEqual(d.prev, row, d.cols, d.rules) {
			continue
		}
		d.bytes.reset()
		d.bytes.cloneRow(d.prev, row[:len(d.prev)])
		d.has = true
		return row, nil
	}
}

// hashDistinct returns each row whose visible columns were not seen before,
// remembering the encoded keys: it streams and keeps the input order, but
// holding more than limit keys is an error matching ErrMemoryLimit.
type hashDistinct struct {
	in    stage
	cols  []int
	rules []rule
	limit int
	seen  map[string]struct{}
	key   []byte
}

func (d *hashDistinct) next() ([]driver.Value, error) {
	for {
		row, err := d.in.next()
		if err != nil {
			return nil, err
		}
		d.key = appendRowKey(d.key[:0], row, d.cols, d.rules)
		if _, ok := d.seen[string(d.key)]; ok {
			continue
		}
		if len(d.seen) >= d.limit {
			return nil, &memoryLimitError{what: "DISTINCT (not sorted by every selected column)", limit: d.limit}
		}
		d.seen[string(d.key)] = struct{}{}
		return row, nil
	}
}
