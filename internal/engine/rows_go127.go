//go:build go1.27

package engine

import "database/sql/driver"

var _ driver.RowsColumnScanner = (*rowsBox)(nil)

// view returns the rows as database/sql sees them: with the column scanner
// of the base rows when they have one (pgx's, which scans into its own
// types), else without, so that database/sql reads rows with Next.
func (r *rows) view() driver.Rows {
	if _, ok := r.base.(driver.RowsColumnScanner); ok {
		return r.box
	}
	return r
}

// NextRow advances the base rows' scanner to the next row.
func (b *rowsBox) NextRow() error {
	return b.check(b.base.(driver.RowsColumnScanner).NextRow())
}

// ScanColumn scans one column of the current row through the base rows.
func (b *rowsBox) ScanColumn(sc driver.ScanContext, i int, dest any) error {
	return b.base.(driver.RowsColumnScanner).ScanColumn(sc, i, dest)
}
