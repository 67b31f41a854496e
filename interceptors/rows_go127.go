//go:build go1.27

package interceptors

import "database/sql/driver"

// scannerRows are wrappedRows over rows that implement
// driver.RowsColumnScanner, which database/sql then uses instead of Next.
//
// NextRow runs through the interceptor's RowsNext hook like Next does, so
// that counting and tracing interceptors see every row: the hook receives
// a nil dest and rows whose Next advances the wrapped scanner (the values
// are read afterwards by ScanColumn). A hook that reads or fills dest thus
// sees nothing of the row. ScanColumn has no hook: it goes straight to the
// wrapped rows.
type scannerRows struct {
	wrappedRows
	next nextRow
}

var _ driver.RowsColumnScanner = (*scannerRows)(nil)

// nextRow is the wrapped scanner as the RowsNext hook sees it: Next(dest)
// advances it with NextRow and ignores dest.
type nextRow struct{ driver.RowsColumnScanner }

// Next advances the scanner to the next row.
func (n *nextRow) Next([]driver.Value) error { return n.NextRow() }

// newRows returns r as database/sql sees it: with the column scanner of
// the wrapped rows when they have one (pgx's, which scans into its own
// types), else without, so that database/sql reads rows with Next.
func newRows(r wrappedRows) driver.Rows {
	if sc, ok := r.parent.(driver.RowsColumnScanner); ok {
		return &scannerRows{wrappedRows: r, next: nextRow{sc}}
	}
	return &r
}

// NextRow advances the wrapped rows to the next row through the
// interceptor's RowsNext hook, with a nil dest.
func (r *scannerRows) NextRow() error { return r.intr.RowsNext(r.ctx, &r.next, nil) }

// ScanColumn scans column i of the current row through the wrapped rows.
func (r *scannerRows) ScanColumn(sc driver.ScanContext, i int, dest any) error {
	return r.next.ScanColumn(sc, i, dest)
}
