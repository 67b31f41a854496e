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
	"github.com/grantsql/grant/internal/fakedb"
)

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
	return columnTypesOf(t, rows)
}

func columnTypesOf(t *testing.T, rows *sql.Rows) []columnType {
	t.Helper()
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

// readSets reads every result set of one query.
func readSets(t *testing.T, db *sql.DB) [][]string {
	t.Helper()
	rows, err := db.Query("q")
	require.NoError(t, err)
	defer rows.Close()
	return readSetsOf(t, rows)
}

// readSetsOf reads every result set of rows: its columns, then each row
// scanned into any.
func readSetsOf(t *testing.T, rows *sql.Rows) [][]string {
	t.Helper()
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
			set = append(set, fmt.Sprintf("%#v", vals))
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

// rowsSeen is what database/sql makes of one query's rows: the column
// types of the first set, every set's rows, and the typed scan of the
// first row.
type rowsSeen struct {
	Types []columnType
	Sets  [][]string
	ID    int64
	Name  sql.NullString
}

// seeRows runs "q" on db, directly or as a prepared statement.
func seeRows(t *testing.T, db *sql.DB, prepared bool) rowsSeen {
	t.Helper()
	query := db.Query
	if prepared {
		st, err := db.Prepare("q")
		require.NoError(t, err)
		defer st.Close()
		query = func(string, ...any) (*sql.Rows, error) { return st.Query() }
	}
	var seen rowsSeen
	require.NoError(t, db.QueryRow("q").Scan(&seen.ID, &seen.Name))
	rows, err := query("q")
	require.NoError(t, err)
	defer rows.Close()
	seen.Types = columnTypesOf(t, rows)
	seen.Sets = readSetsOf(t, rows)
	return seen
}

// TestRowsLikeBase: for every set of optional rows interfaces, database/sql
// reports the same column types, result sets and scanned values through
// the wrapper as it does for the bare rows.
func TestRowsLikeBase(t *testing.T) {
	for _, caps := range fakedb.RowsCapSets {
		for _, prepared := range []bool{false, true} {
			t.Run(fmt.Sprintf("caps=%d/prepared=%t", caps, prepared), func(t *testing.T) {
				raw := fakedb.New("raw", fakedb.CapAll)
				raw.RowsCaps = caps
				wrapped := fakedb.New("wrapped", fakedb.CapAll)
				wrapped.RowsCaps = caps
				want := seeRows(t, openRaw(t, raw), prepared)
				assert.Equal(t, want, seeRows(t, openWrapped(t, wrapped), prepared))
				assert.Equal(t, int64(1), want.ID)
				assert.Equal(t, "a", want.Name.String)
				if caps&fakedb.RowsNextResultSet != 0 {
					assert.Len(t, want.Sets, 2)
				} else {
					assert.Len(t, want.Sets, 1, "without RowsNextResultSet the rows end")
				}
				switch caps {
				case fakedb.RowsAll:
					assert.Equal(t, columnType{
						Name: "id", DatabaseType: "INTEGER", Precision: 19, HasDecimal: true,
						HasNullable: true, ScanType: reflect.TypeFor[int64](),
					}, want.Types[0], "the fake answers every optional method")
				case 0:
					assert.Equal(t, columnType{Name: "id", ScanType: reflect.TypeFor[any]()}, want.Types[0],
						"database/sql's fallbacks")
				}
			})
		}
	}
}

// TestRowsDefaults calls the wrapped rows' optional methods directly: with
// the base lacking them they answer database/sql's defaults; with the base
// having them they answer as the base does.
func TestRowsDefaults(t *testing.T) {
	ctx := context.Background()
	want := map[fakedb.RowsCaps][]any{
		0:              {"", int64(0), false, false, false, int64(0), int64(0), false, reflect.TypeFor[any](), false, io.EOF},
		fakedb.RowsAll: {"TEXT", int64(255), true, true, true, int64(0), int64(0), false, reflect.TypeFor[string](), true, nil},
	}
	for caps, want := range want {
		t.Run(fmt.Sprint(caps), func(t *testing.T) {
			fake := fakedb.New("fake", fakedb.CapAll)
			fake.RowsCaps = caps
			withRaw(t, openWrapped(t, fake), func(dc driver.Conn) {
				rows, err := dc.(driver.QueryerContext).QueryContext(ctx, "q", nil)
				require.NoError(t, err)
				defer rows.Close()
				assert.Equal(t, want, optionalAnswers(rows))
			})
		})
	}
}

// optionalAnswers calls every optional rows method, on column 1 (name)
// for the column types, then HasNextResultSet and NextResultSet; r must
// have them all.
func optionalAnswers(r driver.Rows) []any {
	var out []any
	out = append(out, r.(driver.RowsColumnTypeDatabaseTypeName).ColumnTypeDatabaseTypeName(1))
	l, ok := r.(driver.RowsColumnTypeLength).ColumnTypeLength(1)
	out = append(out, l, ok)
	null, ok := r.(driver.RowsColumnTypeNullable).ColumnTypeNullable(1)
	out = append(out, null, ok)
	p, s, ok := r.(driver.RowsColumnTypePrecisionScale).ColumnTypePrecisionScale(1)
	out = append(out, p, s, ok)
	out = append(out, r.(driver.RowsColumnTypeScanType).ColumnTypeScanType(1))
	n := r.(driver.RowsNextResultSet)
	return append(out, n.HasNextResultSet(), n.NextResultSet())
}

func TestRowsNextResultSet(t *testing.T) {
	for _, caps := range []fakedb.RowsCaps{0, 1, 62, 63} {
		t.Run(fmt.Sprint(caps), func(t *testing.T) {
			fake := fakedb.New("fake", fakedb.CapAll)
			fake.RowsCaps = caps
			counters := interceptors.NewCounters()
			db := sql.OpenDB(interceptors.Wrap(fake.Connector(), counters, interceptors.NewCounters()))
			defer db.Close()

			got := readSets(t, db)
			first := []string{"[id name]", `[]interface {}{1, "a"}`, `[]interface {}{2, "b"}`}
			if caps&fakedb.RowsNextResultSet != 0 {
				assert.Equal(t, [][]string{first, {"[flag]", "[]interface {}{true}"}}, got)
				assert.Equal(t, int64(3), counters.Snapshot().Rows)
			} else {
				assert.Equal(t, [][]string{first}, got, "without RowsNextResultSet the rows end")
				assert.Equal(t, int64(2), counters.Snapshot().Rows)
			}
		})
	}
}

func TestRowsNextErrorPassesThrough(t *testing.T) {
	fake := fakedb.New("fake", fakedb.CapAll)
	fake.FailOn("rows.next", "", 0, &fakedb.Error{Op: "rows.next", Code: 9})
	counters := interceptors.NewCounters()
	db := sql.OpenDB(interceptors.Wrap(fake.Connector(), counters))
	defer db.Close()
	rows, err := db.Query("q")
	require.NoError(t, err)
	assert.False(t, rows.Next())
	var fe *fakedb.Error
	require.ErrorAs(t, rows.Err(), &fe)
	assert.Equal(t, 9, fe.Code)
	require.NoError(t, rows.Close())
	s := counters.Snapshot()
	assert.Equal(t, int64(1), s.Errors)
	assert.Zero(t, s.Rows)
	assert.NotErrorIs(t, rows.Err(), io.EOF)
}
