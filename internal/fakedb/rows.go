package fakedb

import (
	"context"
	"database/sql/driver"
	"fmt"
	"io"
	"reflect"
	"sync/atomic"
)

// RowsCaps are the optional interfaces of fake rows.
type RowsCaps uint8

// The rows capabilities.
const (
	RowsNextResultSet RowsCaps = 1 << iota // driver.RowsNextResultSet
	RowsTypeName                           // driver.RowsColumnTypeDatabaseTypeName
	RowsLength                             // driver.RowsColumnTypeLength
	RowsNullable                           // driver.RowsColumnTypeNullable
	RowsPrecision                          // driver.RowsColumnTypePrecisionScale
	RowsScanType                           // driver.RowsColumnTypeScanType
	RowsScanner                            // driver.RowsColumnScanner (Go 1.27)
	RowsAll           = 1<<6 - 1
)

// RowsCapSets are the capability sets Wrap can build.
var RowsCapSets = []RowsCaps{0, 1, 2, 3, 12, 16, 30, 34, 62, 63}

// Rows is an in-memory driver.Rows. Rows come from Sets, or from Gen when
// set (lazily: Gen fills dest for row i and reports false past the end).
// []byte values are copied into one buffer that the next call overwrites,
// as drivers reuse their buffers. The column types are those of Meta, or,
// without it, derived from the first row (see ColumnMeta).
type Rows struct {
	Sets []ResultSet
	Meta []ColumnMeta
	Gen  func(i int, dest []driver.Value) bool
	// FailAt makes Next fail with FailErr at that row (from 1; 0: never).
	FailAt  int
	FailErr error
	// Block makes Next wait, after the data, until Ctx ends.
	Block bool
	Ctx   context.Context
	// Closed counts closes; CancelledAtClose those that found Ctx done.
	Closed           *atomic.Int32
	CancelledAtClose *atomic.Int32
	CloseErr         error

	db       *DB // logs calls when set
	set, pos int
	buf      []byte
}

// ColumnMeta is what the column-type interfaces report of a column.
// Without Meta, a column's type is derived from its value in the first row:
// int64 INTEGER (precision 19, scale 0), string TEXT (length 255), bool
// BOOLEAN; odd columns are nullable; the scan type is the value's type.
type ColumnMeta struct {
	TypeName             string
	Length               int64
	HasLength            bool
	Nullable, HasNull    bool
	Precision, Scale     int64
	HasPrecisionAndScale bool
	ScanType             reflect.Type
}

func (d *DB) newRows(sets []ResultSet) driver.Rows {
	r := Wrap(&Rows{Sets: sets, db: d}, d.RowsCaps)
	d.mu.Lock()
	d.rows = append(d.rows, r)
	d.mu.Unlock()
	return r
}

func (r *Rows) do(op string) error {
	if r.db == nil {
		return nil
	}
	return r.db.do(context.Background(), op, "", 0, nil)
}

// Columns returns the current set's column names.
func (r *Rows) Columns() []string {
	if len(r.Sets) == 0 {
		return nil
	}
	return r.Sets[r.set].Cols
}

// Close counts the close.
func (r *Rows) Close() error {
	if r.Closed != nil {
		r.Closed.Add(1)
	}
	if r.CancelledAtClose != nil && r.Ctx != nil && r.Ctx.Err() != nil {
		r.CancelledAtClose.Add(1)
	}
	if err := r.do("rows.close"); err != nil {
		return err
	}
	return r.CloseErr
}

// Next copies the next row into dest.
func (r *Rows) Next(dest []driver.Value) error {
	if err := r.do("rows.next"); err != nil {
		return err
	}
	i := r.pos
	if r.FailAt > 0 && i+1 == r.FailAt {
		return r.FailErr
	}
	if r.Gen != nil {
		if !r.Gen(i, dest) {
			return io.EOF
		}
		r.pos++
		return nil
	}
	if len(r.Sets) == 0 || i >= len(r.Sets[r.set].Rows) {
		if r.Block && r.Ctx != nil {
			<-r.Ctx.Done()
			return r.Ctx.Err()
		}
		return io.EOF
	}
	r.buf = r.buf[:0]
	for c, v := range r.Sets[r.set].Rows[i] {
		if b, ok := v.([]byte); ok {
			start := len(r.buf)
			r.buf = append(r.buf, b...)
			v = r.buf[start:len(r.buf)]
		}
		dest[c] = v
	}
	r.pos++
	return nil
}

// meta returns the metadata of column i.
func (r *Rows) meta(i int) ColumnMeta {
	if i < len(r.Meta) {
		return r.Meta[i]
	}
	var v driver.Value
	if len(r.Sets) > 0 && len(r.Sets[r.set].Rows) > 0 {
		v = r.Sets[r.set].Rows[0][i]
	}
	m := ColumnMeta{Nullable: i%2 == 1, HasNull: true, ScanType: reflect.TypeOf(v)}
	switch v.(type) {
	case int64:
		m.TypeName, m.Precision, m.HasPrecisionAndScale = "INTEGER", 19, true
	case string:
		m.TypeName, m.Length, m.HasLength = "TEXT", 255, true
	case bool:
		m.TypeName = "BOOLEAN"
	}
	return m
}

type nrsCap struct{ r *Rows }

func (x nrsCap) HasNextResultSet() bool { return x.r.set+1 < len(x.r.Sets) }

func (x nrsCap) NextResultSet() error {
	if !x.HasNextResultSet() {
		return io.EOF
	}
	x.r.set++
	x.r.pos = 0
	return nil
}

type typeNameCap struct{ r *Rows }

func (x typeNameCap) ColumnTypeDatabaseTypeName(i int) string { return x.r.meta(i).TypeName }

type lengthCap struct{ r *Rows }

func (x lengthCap) ColumnTypeLength(i int) (int64, bool) {
	m := x.r.meta(i)
	return m.Length, m.HasLength
}

type nullableCap struct{ r *Rows }

func (x nullableCap) ColumnTypeNullable(i int) (bool, bool) {
	m := x.r.meta(i)
	return m.Nullable, m.HasNull
}

type precisionCap struct{ r *Rows }

func (x precisionCap) ColumnTypePrecisionScale(i int) (int64, int64, bool) {
	m := x.r.meta(i)
	return m.Precision, m.Scale, m.HasPrecisionAndScale
}

type scanTypeCap struct{ r *Rows }

func (x scanTypeCap) ColumnTypeScanType(i int) reflect.Type { return x.r.meta(i).ScanType }

// withScanner adds driver.RowsColumnScanner to rows (Go 1.27 only).
var withScanner func(r *Rows, caps RowsCaps) driver.Rows

// Wrap returns r with exactly the optional interfaces of caps, which must
// be one of RowsCapSets (or, on Go 1.27, RowsAll|RowsScanner).
func Wrap(r *Rows, caps RowsCaps) driver.Rows {
	if caps&RowsScanner != 0 {
		if withScanner == nil {
			panic("fakedb: driver.RowsColumnScanner needs Go 1.27")
		}
		return withScanner(r, caps)
	}
	n, t, l, u, p, s := nrsCap{r}, typeNameCap{r}, lengthCap{r}, nullableCap{r}, precisionCap{r}, scanTypeCap{r}
	switch caps {
	case 0:
		return r
	case 1:
		return struct {
			*Rows
			nrsCap
		}{r, n}
	case 2:
		return struct {
			*Rows
			typeNameCap
		}{r, t}
	case 3:
		return struct {
			*Rows
			nrsCap
			typeNameCap
		}{r, n, t}
	case 12:
		return struct {
			*Rows
			lengthCap
			nullableCap
		}{r, l, u}
	case 16:
		return struct {
			*Rows
			precisionCap
		}{r, p}
	case 30:
		return struct {
			*Rows
			typeNameCap
			lengthCap
			nullableCap
			precisionCap
		}{r, t, l, u, p}
	case 34:
		return struct {
			*Rows
			typeNameCap
			scanTypeCap
		}{r, t, s}
	case 62:
		return struct {
			*Rows
			typeNameCap
			lengthCap
			nullableCap
			precisionCap
			scanTypeCap
		}{r, t, l, u, p, s}
	case 63:
		return struct {
			*Rows
			nrsCap
			typeNameCap
			lengthCap
			nullableCap
			precisionCap
			scanTypeCap
		}{r, n, t, l, u, p, s}
	}
	panic(fmt.Sprintf("fakedb: no rows type with caps %d", caps))
}
