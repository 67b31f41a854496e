// Package mirror builds driver.Rows wrappers that implement exactly the
// optional database/sql/driver interfaces of the rows they wrap.
//
// database/sql behaves differently when an optional interface is absent
// (column types fall back to `any`, a second result set ends the rows), so a
// wrapper that always implemented them, or never did, would change what the
// application sees. Rows pairs the wrapper's own Columns/Next/Close with the
// base rows' optional methods, picked from one generated type per combination.
package mirror

//go:generate go run ./gen

import (
	"database/sql/driver"
	"reflect"
)

// Core is a wrapper's own rows: its Columns, Next and Close, and the rows it
// wraps, whose optional methods the view delegates to.
type Core interface {
	driver.Rows
	Base() driver.Rows
}

// Rows returns a view of core whose Columns, Next and Close are core's and
// whose optional interfaces are exactly those of core.Base(), delegated to
// it at call time. The view stays valid for as long as core wraps rows with
// the same Mask, so a wrapper that is reused (pooled) can reuse its view too.
func Rows(core Core) driver.Rows {
	m := Mask(core.Base())
	if m < len(pickA) {
		return pickA[m](core)
	}
	return pickB[m-len(pickA)](core)
}

// Mask returns the bit set of optional interfaces that r implements, in the
// order RowsNextResultSet, DatabaseTypeName, Length, Nullable,
// PrecisionScale, ScanType.
func Mask(r driver.Rows) int {
	m := 0
	if _, ok := r.(driver.RowsNextResultSet); ok {
		m |= 1
	}
	if _, ok := r.(driver.RowsColumnTypeDatabaseTypeName); ok {
		m |= 2
	}
	if _, ok := r.(driver.RowsColumnTypeLength); ok {
		m |= 4
	}
	if _, ok := r.(driver.RowsColumnTypeNullable); ok {
		m |= 8
	}
	if _, ok := r.(driver.RowsColumnTypePrecisionScale); ok {
		m |= 16
	}
	if _, ok := r.(driver.RowsColumnTypeScanType); ok {
		m |= 32
	}
	return m
}

// The delegating halves, one per optional interface. Each holds the core
// and asserts the interface on its base at call time: Mask has checked it.
type (
	nextResultSet  struct{ c Core }
	typeName       struct{ c Core }
	length         struct{ c Core }
	nullable       struct{ c Core }
	precisionScale struct{ c Core }
	scanType       struct{ c Core }
)

func (x nextResultSet) HasNextResultSet() bool {
	return x.c.Base().(driver.RowsNextResultSet).HasNextResultSet()
}

func (x nextResultSet) NextResultSet() error {
	return x.c.Base().(driver.RowsNextResultSet).NextResultSet()
}

func (x typeName) ColumnTypeDatabaseTypeName(i int) string {
	return x.c.Base().(driver.RowsColumnTypeDatabaseTypeName).ColumnTypeDatabaseTypeName(i)
}

func (x length) ColumnTypeLength(i int) (int64, bool) {
	return x.c.Base().(driver.RowsColumnTypeLength).ColumnTypeLength(i)
}

func (x nullable) ColumnTypeNullable(i int) (nullable, ok bool) {
	return x.c.Base().(driver.RowsColumnTypeNullable).ColumnTypeNullable(i)
}

func (x precisionScale) ColumnTypePrecisionScale(i int) (precision, scale int64, ok bool) {
	return x.c.Base().(driver.RowsColumnTypePrecisionScale).ColumnTypePrecisionScale(i)
}

func (x scanType) ColumnTypeScanType(i int) reflect.Type {
	return x.c.Base().(driver.RowsColumnTypeScanType).ColumnTypeScanType(i)
}
