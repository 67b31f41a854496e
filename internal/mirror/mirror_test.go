package mirror

import (
	"database/sql/driver"
	"io"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// full implements driver.Rows and every optional interface.
type full struct{ closed bool }

func (f *full) Columns() []string                                 { return []string{"base"} }
func (f *full) Close() error                                      { f.closed = true; return nil }
func (f *full) Next([]driver.Value) error                         { return io.EOF }
func (f *full) HasNextResultSet() bool                            { return true }
func (f *full) NextResultSet() error                              { return nil }
func (f *full) ColumnTypeDatabaseTypeName(int) string             { return "INT8" }
func (f *full) ColumnTypeLength(int) (int64, bool)                { return 8, true }
func (f *full) ColumnTypeNullable(int) (bool, bool)               { return true, true }
func (f *full) ColumnTypeScanType(int) reflect.Type               { return reflect.TypeFor[int64]() }
func (f *full) ColumnTypePrecisionScale(int) (int64, int64, bool) { return 1, 2, true }

// core overrides Columns.
type core struct{ driver.Rows }

func (core) Columns() []string   { return []string{"core"} }
func (c core) Base() driver.Rows { return c.Rows }

func TestRowsMirrorsEveryCombination(t *testing.T) {
	f := &full{}
	for m := 0; m < 64; m++ {
		var base driver.Rows
		if m < len(pickA) {
			base = pickA[m](core{f})
		} else {
			base = pickB[m-len(pickA)](core{f})
		}
		require.Equal(t, m, Mask(base), "base for mask %d", m)
		w := Rows(core{base})
		require.Equal(t, m, Mask(w), "wrapper for mask %d", m)
		assert.Equal(t, []string{"core"}, w.Columns())
		if m&1 != 0 {
			assert.True(t, w.(driver.RowsNextResultSet).HasNextResultSet())
		}
		if m&2 != 0 {
			assert.Equal(t, "INT8", w.(driver.RowsColumnTypeDatabaseTypeName).ColumnTypeDatabaseTypeName(0))
		}
		if m&32 != 0 {
			assert.Equal(t, reflect.TypeFor[int64](), w.(driver.RowsColumnTypeScanType).ColumnTypeScanType(0))
		}
	}
	require.NoError(t, Rows(core{f}).Close())
	assert.True(t, f.closed, "Close goes to the core, which delegates")
}
