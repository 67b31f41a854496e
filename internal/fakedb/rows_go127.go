//go:build go1.27

package fakedb

import (
	"database/sql"
	"database/sql/driver"
)

func init() { withScanner = scannerRows }

// scanner is driver.RowsColumnScanner over fake rows: NextRow advances,
// ScanColumn assigns the column of the current row.
type scanner struct {
	r   *Rows
	cur []driver.Value
}

func (s *scanner) NextRow() error {
	s.cur = make([]driver.Value, len(s.r.Columns()))
	return s.r.Next(s.cur)
}

func (s *scanner) ScanColumn(sc driver.ScanContext, i int, dest any) error {
	return sql.ConvertAssign(sc, dest, s.cur[i])
}

func scannerRows(r *Rows, caps RowsCaps) driver.Rows {
	if caps != RowsAll|RowsScanner {
		panic("fakedb: a column scanner comes with every other rows interface")
	}
	return struct {
		*Rows
		*scanner
		nrsCap
		typeNameCap
		lengthCap
		nullableCap
		precisionCap
		scanTypeCap
	}{r, &scanner{r: r}, nrsCap{r}, typeNameCap{r}, lengthCap{r}, nullableCap{r}, precisionCap{r}, scanTypeCap{r}}
}
