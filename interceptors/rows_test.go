package interceptors_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"io"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/interceptors"
	"github.com/grantsql/grant/internal/mirror"
)

func TestRowsMirrorOptionalInterfaces(t *testing.T) {
	ctx := context.Background()
	for _, mask := range rowsMasks {
		t.Run(fmt.Sprint(mask), func(t *testing.T) {
			fake := newFakeDB(capAll)
			fake.rowsMask = mask
			withRaw(t, openWrapped(t, fake), func(dc driver.Conn) {
				rows, err := dc.(driver.QueryerContext).QueryContext(ctx, "q", nil)
				require.NoError(t, err)
				require.Equal(t, mask, mirror.Mask(fake.lastRows()))
				assert.Equal(t, mask, mirror.Mask(rows), "conn query rows")
				require.NoError(t, rows.Close())

				st, err := dc.(driver.ConnPrepareContext).PrepareContext(ctx, "p")
				require.NoError(t, err)
				rows, err = st.(driver.StmtQueryContext).QueryContext(ctx, nil)
				require.NoError(t, err)
				assert.Equal(t, mask, mirror.Mask(rows), "stmt query rows")
				require.NoError(t, rows.Close())
				require.NoError(t, st.Close())
			})
		})
	}
}

// columnType is what sql.ColumnType reports, with its ok flags.
type columnType struct {
	Name         string
	DatabaseType string
	Length       int64
	HasLength    bool
	Nullable     bool
	HasNullable  bool
	Precision    int64
	Scale        int64
	HasDecimal   bool
	ScanType     reflect.Type
}

func columnTypes(t *testing.T, db *sql.DB, query string) []columnType {
	t.Helper()
	rows, err := db.Query(query)
	require.NoError(t, err)
	defer rows.Close()
	cts, err := rows.ColumnTypes()
	require.NoError(t, err)
	out := make([]columnType, len(cts))
	for i, ct := range cts {
		c := columnType{Name: ct.Name(), DatabaseType: ct.DatabaseTypeName(), ScanType: ct.ScanType()}
		c.Length, c.HasLength = ct.Length()
		c.Nullable, c.HasNullable = ct.Nullable()
		c.Precision, c.Scale, c.HasDecimal = ct.DecimalSize()
		out[i] = c
	}
	return out
}

func TestRowsColumnTypesUnchanged(t *testing.T) {
	for _, mask := range rowsMasks {
		t.Run(fmt.Sprint(mask), func(t *testing.T) {
			raw := newFakeDB(capAll)
			raw.rowsMask = mask
			wrapped := newFakeDB(capAll)
			wrapped.rowsMask = mask
			want := columnTypes(t, openRaw(t, raw), "q")
			assert.Equal(t, want, columnTypes(t, openWrapped(t, wrapped), "q"))
			if mask == 63 {
				assert.Equal(t, columnType{
					Name: "id", DatabaseType: "INTEGER", Precision: 19, HasDecimal: true,
					HasNullable: true, ScanType: reflect.TypeFor[int64](),
				}, want[0], "the fake answers every optional method")
			}
			if mask == 0 {
				assert.Equal(t, reflect.TypeFor[any](), want[0].ScanType, "database/sql's fallback")
			}
		})
	}
}

// readSets reads every result set of one query.
func readSets(t *testing.T, db *sql.DB) [][]string {
	t.Helper()
	rows, err := db.Query("q")
	require.NoError(t, err)
	defer rows.Close()
	var sets [][]string
	for {
		cols, err := rows.Columns()
		require.NoError(t, err)
		set := []string{fmt.Sprint(cols)}
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			require.NoError(t, rows.Scan(ptrs...))
			set = append(set, fmt.Sprint(vals))
		}
		require.NoError(t, rows.Err())
		sets = append(sets, set)
		if !rows.NextResultSet() {
			break
		}
	}
	require.NoError(t, rows.Err())
	return sets
}

func TestRowsNextResultSet(t *testing.T) {
	for _, mask := range []int{0, 1, 62, 63} {
		t.Run(fmt.Sprint(mask), func(t *testing.T) {
			raw := newFakeDB(capAll)
			raw.rowsMask = mask
			fake := newFakeDB(capAll)
			fake.rowsMask = mask
			counters := interceptors.NewCounters()
			db := sql.OpenDB(interceptors.Wrap(fake.connector(), counters, interceptors.NewCounters()))
			defer db.Close()

			want := readSets(t, openRaw(t, raw))
			got := readSets(t, db)
			assert.Equal(t, want, got)
			first := []string{"[id name]", "[1 a]", "[2 b]"}
			if mask&1 != 0 {
				assert.Equal(t, [][]string{first, {"[flag]", "[true]"}}, got)
				assert.Equal(t, int64(3), counters.Snapshot().Rows)
			} else {
				assert.Equal(t, [][]string{first}, got, "without RowsNextResultSet the rows end")
				assert.Equal(t, int64(2), counters.Snapshot().Rows)
			}
		})
	}
}

func TestRowsNextErrorPassesThrough(t *testing.T) {
	fake := newFakeDB(capAll)
	fake.errFor = func(op, _ string) error {
		if op == "rows.next" {
			return &fakeError{Op: op, Code: 9}
		}
		return nil
	}
	counters := interceptors.NewCounters()
	db := sql.OpenDB(interceptors.Wrap(fake.connector(), counters))
	defer db.Close()
	rows, err := db.Query("q")
	require.NoError(t, err)
	assert.False(t, rows.Next())
	var fe *fakeError
	require.ErrorAs(t, rows.Err(), &fe)
	assert.Equal(t, 9, fe.Code)
	require.NoError(t, rows.Close())
	s := counters.Snapshot()
	assert.Equal(t, int64(1), s.Errors)
	assert.Zero(t, s.Rows)
	assert.NotErrorIs(t, rows.Err(), io.EOF)
}
