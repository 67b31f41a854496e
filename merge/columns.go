package merge

import (
	"database/sql/driver"
	"reflect"
)

// columnMeta is shard 0's column metadata, read once when its rows open,
// before any Next. Reading it then, on the reader's goroutine, keeps every
// call into the driver's rows on one goroutine; the merged rows answer from
// this copy for as long as they are open, after shard 0's rows are closed.
// (For SQLite the scan type and length follow the first row, which is also
// what one database reports before the first Next.)
//
// The merged rows implement every column-type interface and answer from
// this copy; where shard 0's rows lack one, the copy holds what database/sql
// reports without it (a scan type of any, no length, nullability and
// precision unknown), so what the application sees does not change.
type columnMeta struct {
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
	for i := range m.types {
		t := &m.types[i]
		t.scan = anyType
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

var anyType = reflect.TypeFor[any]()

var (
	_ driver.RowsColumnTypeScanType         = (*rows)(nil)
	_ driver.RowsColumnTypeDatabaseTypeName = (*rows)(nil)
	_ driver.RowsColumnTypeLength           = (*rows)(nil)
	_ driver.RowsColumnTypeNullable         = (*rows)(nil)
	_ driver.RowsColumnTypePrecisionScale   = (*rows)(nil)
)

// ColumnTypeScanType returns shard 0's scan type of column i.
func (r *rows) ColumnTypeScanType(i int) reflect.Type { return r.meta.types[i].scan }

// ColumnTypeDatabaseTypeName returns shard 0's type name of column i.
func (r *rows) ColumnTypeDatabaseTypeName(i int) string { return r.meta.types[i].databaseName }

// ColumnTypeLength returns shard 0's length of column i.
func (r *rows) ColumnTypeLength(i int) (int64, bool) {
	return r.meta.types[i].length, r.meta.types[i].hasLength
}

// ColumnTypeNullable returns shard 0's nullability of column i.
func (r *rows) ColumnTypeNullable(i int) (nullable, ok bool) {
	return r.meta.types[i].nullable, r.meta.types[i].hasNullable
}

// ColumnTypePrecisionScale returns shard 0's precision and scale of column i.
func (r *rows) ColumnTypePrecisionScale(i int) (precision, scale int64, ok bool) {
	t := r.meta.types[i]
	return t.precision, t.scale, t.hasPrecisionAndScale
}
