package merge

import (
	"database/sql/driver"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/fakedb"
)

// SELECT *, total AS grant_hidden_1 ... ORDER BY total DESC: the width of *
// is known only from the shards, so the hidden column counts from the end.
func TestHiddenColumnsCountFromTheEnd(t *testing.T) {
	checkNoLeak(t)
	cols := []string{"id", "name", "grant_hidden_1"}
	srcs := shardsOf(cols, nil,
		rowsOf(row(int64(1), "a", int64(30)), row(int64(3), "c", int64(10))),
		rowsOf(row(int64(2), "b", int64(20)), row(int64(4), "d", int64(5))),
	)
	limit := int64(3)
	spec := Spec{Dialect: dialect.SQLite, Hidden: 1, OrderBy: []SortKey{{Column: -1, Desc: true}}, Limit: &limit}
	r, err := Open(t.Context(), spec, srcs)
	require.NoError(t, err)
	defer r.Close()
	assert.Equal(t, []string{"id", "name"}, r.Columns())
	got, err := readAll(t, r)
	require.NoError(t, err)
	assert.Equal(t, [][]driver.Value{row(int64(1), "a"), row(int64(2), "b"), row(int64(3), "c")}, got)
}

func TestHiddenSpecErrors(t *testing.T) {
	for _, spec := range []Spec{
		{Dialect: dialect.SQLite, Hidden: 1, Visible: 1},
		{Dialect: dialect.SQLite, Hidden: 1, OrderBy: []SortKey{{Column: -2}}},
		{Dialect: dialect.SQLite, Hidden: -1},
	} {
		assert.Error(t, spec.Validate(), "%+v", spec)
	}
	srcs := shardsOf([]string{"x"}, nil, rowsOf(row(int64(1))))
	_, err := Open(t.Context(), Spec{Dialect: dialect.SQLite, Hidden: 1, OrderBy: []SortKey{{Column: -1}}}, srcs)
	assert.ErrorContains(t, err, "not more than the 1 hidden")
}

// ReadAll copies the rows and keeps the column types; Rows replays them.
func TestBufferedReplaysRowsWithTheirColumnTypes(t *testing.T) {
	src := fakedb.Wrap(&fakedb.Rows{Sets: sets([]string{"id", "name"}, rowsOf(row(int64(1), []byte("a")), row(int64(2), []byte("b")))),
		Meta: typedMeta(2, "INT", "TEXT")}, typed)
	b, err := ReadAll(src)
	require.NoError(t, err)
	require.Len(t, b.Data, 2)
	r := b.WithData([][]driver.Value{b.Data[1], b.Data[0]}).Rows()
	defer r.Close()
	assert.Equal(t, []string{"id", "name"}, r.Columns())
	dn, ok := r.(driver.RowsColumnTypeDatabaseTypeName)
	require.True(t, ok, "the replay answers column types")
	assert.Equal(t, "TEXT", dn.ColumnTypeDatabaseTypeName(1))
	got, err := readAll(t, r)
	require.NoError(t, err)
	assert.Equal(t, [][]driver.Value{row(int64(2), []byte("b")), row(int64(1), []byte("a"))}, got)
}
