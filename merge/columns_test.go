package merge

import (
	"context"
	"database/sql/driver"
	"fmt"
	"reflect"
	"testing"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/fakedb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestColumnTypesMirrorShardZero(t *testing.T) {
	data := rowsOf(row(int64(1), int64(2)))
	r, err := Open(context.Background(), Spec{Dialect: dialect.Postgres, Visible: 1},
		[]Source{fakeSource("s0", fakedb.Rows{Sets: sets([]string{"a", "b"}, data), Meta: typedMeta(2, "NUMERIC", "TEXT")}, typed)})
	require.NoError(t, err)
	defer r.Close()
	_, err = readAll(t, r) // metadata must outlive shard 0's rows
	require.NoError(t, err)
	require.Implements(t, (*driver.RowsColumnTypeScanType)(nil), r)
	assert.Equal(t, reflect.TypeFor[int64](), r.(driver.RowsColumnTypeScanType).ColumnTypeScanType(0))
	assert.Equal(t, "NUMERIC", r.(driver.RowsColumnTypeDatabaseTypeName).ColumnTypeDatabaseTypeName(0))
	n, ok := r.(driver.RowsColumnTypeLength).ColumnTypeLength(0)
	assert.True(t, ok)
	assert.Equal(t, int64(10), n)
	null, ok := r.(driver.RowsColumnTypeNullable).ColumnTypeNullable(0)
	assert.True(t, ok && null)
	p, sc, ok := r.(driver.RowsColumnTypePrecisionScale).ColumnTypePrecisionScale(0)
	assert.Equal(t, []any{int64(10), int64(0), true}, []any{p, sc, ok})

	// Shard 0's rows without column types: the merged rows answer what
	// database/sql reports for rows without them.
	for _, caps := range []fakedb.RowsCaps{noScan, plain} {
		r, err := Open(context.Background(), Spec{Dialect: dialect.Postgres},
			[]Source{fakeSource("s0", fakedb.Rows{Sets: sets([]string{"a"}, nil), Meta: noScanMeta(1)}, caps)})
		require.NoError(t, err)
		assert.Equal(t, reflect.TypeFor[any](), r.(driver.RowsColumnTypeScanType).ColumnTypeScanType(0), "scan type (caps %d)", caps)
		name := r.(driver.RowsColumnTypeDatabaseTypeName).ColumnTypeDatabaseTypeName(0)
		if caps == noScan {
			assert.Equal(t, "INT", name)
		} else {
			assert.Empty(t, name)
		}
		_, ok := r.(driver.RowsColumnTypeLength).ColumnTypeLength(0)
		assert.False(t, ok)
		require.NoError(t, r.Close())
	}
}

func TestReadAheadCopiesReusedBytes(t *testing.T) {
	// fakedb.Rows reuses one buffer for []byte values; a reader holding rows
	// ahead must copy them.
	var data [][]driver.Value
	for i := range 50 {
		data = append(data, row(int64(i), []byte(fmt.Sprintf("value-%03d", i))))
	}
	for _, spec := range []Spec{{Dialect: dialect.MySQL}, {Dialect: dialect.MySQL, OrderBy: []SortKey{{Column: 0}}}} {
		got := merged(t, spec, shardsOf([]string{"id", "v"}, nil, data))
		require.Len(t, got, 50)
		for i, r := range got {
			assert.Equal(t, fmt.Sprintf("value-%03d", r[0].(int64)), string(r[1].([]byte)), "row %d", i)
		}
	}
}

// TestGroupsKeepBytesAcrossBatches: MIN and MAX over []byte, and the group
// key, survive the readers recycling their batches.
func TestGroupsKeepBytesAcrossBatches(t *testing.T) {
	var shards [][][]driver.Value
	for s := range 3 {
		var data [][]driver.Value
		for g := range 40 {
			for k := range 3 {
				data = append(data, row([]byte(fmt.Sprintf("g%02d", g)), []byte(fmt.Sprintf("v%d%d", s, k))))
			}
		}
		shards = append(shards, data)
	}
	types := []string{"VARBINARY", "VARBINARY"}
	for _, sorted := range []bool{true, false} {
		spec := Spec{Dialect: dialect.MySQL, GroupBy: []int{0}, GroupSorted: sorted, OrderBy: []SortKey{{Column: 0}},
			Aggregates: []Aggregate{{Func: Max, Column: 1}}, ShardRowsInFlight: 2}
		got := merged(t, spec, shardsOf([]string{"g", "max"}, types, shards...))
		require.Len(t, got, 40)
		for g, r := range got {
			assert.Equal(t, fmt.Sprintf("g%02d", g), string(r[0].([]byte)))
			assert.Equal(t, "v22", string(r[1].([]byte)))
		}
	}
}
