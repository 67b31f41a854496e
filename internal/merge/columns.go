package merge

import (
	"database/sql/driver"
	"reflect"
)

// Capabilities: the optional column-type interfaces a driver.Rows may
// implement. database/sql behaves differently when one is absent (a scan
// type of any, no length, nullability unknown), so the merged rows implement
// exactly the ones shard 0's rows implement.
const (
	capScanType = 1 << iota
	capDatabaseTypeName
	capLength
	capNullable
	capPrecisionScale
)

// columnMeta is shard 0's column metadata, read once when its rows open,
// before any Next. Reading it then, on the reader's goroutine, keeps every
// call into the driver's rows on one goroutine; the merged rows answer from
// this copy for as long as they are open, after shard 0's rows are closed.
// (For SQLite the scan type and length follow the first row, which is also
// what one database reports before the first Next.)
type columnMeta struct {
	caps  int
	types []columnType
}

type columnType struct {
	scan                 reflect.Type
	databaseName         string
	length               int64
	hasLength            bool
	nullable             bool
	hasNullable          bool
	precision, scale     int64
	hasPrecisionAndScale bool
}

func snapshotColumns(r driver.Rows, n int) *columnMeta {
	m := &columnMeta{types: make([]columnType, n)}
	st, okS := r.(driver.RowsColumnTypeScanType)
	dn, okD := r.(driver.RowsColumnTypeDatabaseTypeName)
	ln, okL := r.(driver.RowsColumnTypeLength)
	nl, okN := r.(driver.RowsColumnTypeNullable)
	ps, okP := r.(driver.RowsColumnTypePrecisionScale)
	for i, ok := range []bool{okS, okD, okL, okN, okP} {
		if ok {
			m.caps |= 1 << i
		}
	}
	for i := range m.types {
		t := &m.types[i]
		if okS {
			t.scan = st.ColumnTypeScanType(i)
		}
		if okD {
			t.databaseName = dn.ColumnTypeDatabaseTypeName(i)
		}
		if okL {
			t.length, t.hasLength = ln.ColumnTypeLength(i)
		}
		if okN {
			t.nullable, t.hasNullable = nl.ColumnTypeNullable(i)
		}
		if okP {
			t.precision, t.scale, t.hasPrecisionAndScale = ps.ColumnTypePrecisionScale(i)
		}
	}
	return m
}

// The method sets, one per capability, embedded next to *rows below.
type (
	scanTypes     struct{ m *columnMeta }
	databaseNames struct{ m *columnMeta }
	lengths       struct{ m *columnMeta }
	nullables     struct{ m *columnMeta }
	precisions    struct{ m *columnMeta }
)

func (c scanTypes) ColumnTypeScanType(i int) reflect.Type { return c.m.types[i].scan }

func (c databaseNames) ColumnTypeDatabaseTypeName(i int) string {
	return c.m.types[i].databaseName
}

func (c lengths) ColumnTypeLength(i int) (int64, bool) {
	return c.m.types[i].length, c.m.types[i].hasLength
}

func (c nullables) ColumnTypeNullable(i int) (bool, bool) {
	return c.m.types[i].nullable, c.m.types[i].hasNullable
}

func (c precisions) ColumnTypePrecisionScale(i int) (int64, int64, bool) {
	t := c.m.types[i]
	return t.precision, t.scale, t.hasPrecisionAndScale
}
