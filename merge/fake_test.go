package merge

import (
	"context"
	"database/sql/driver"
	"fmt"
	"io"
	"reflect"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/internal/fakedb"
)

// The rows capabilities of fake sources: plain rows, rows with every
// column-type interface (no second result set), and the same without
// ColumnTypeScanType.
const (
	plain  fakedb.RowsCaps = 0
	typed                  = fakedb.RowsAll &^ fakedb.RowsNextResultSet
	noScan                 = typed &^ fakedb.RowsScanType
)

// sets returns one result set of cols and data, for fakedb.Rows.Sets.
func sets(cols []string, data [][]driver.Value) []fakedb.ResultSet {
	return []fakedb.ResultSet{{Cols: cols, Rows: data}}
}

// typedMeta is the column metadata of typed shards with n columns: type
// name types[i] (or ""), length 10+i, nullable for even i, precision 10
// and scale i, scan type int64.
func typedMeta(n int, types ...string) []fakedb.ColumnMeta {
	meta := make([]fakedb.ColumnMeta, n)
	for i := range meta {
		m := fakedb.ColumnMeta{
			Length: int64(10 + i), HasLength: true, Nullable: i%2 == 0, HasNull: true,
			Precision: 10, Scale: int64(i), HasPrecisionAndScale: true, ScanType: reflect.TypeFor[int64](),
		}
		if i < len(types) {
			m.TypeName = types[i]
		}
		meta[i] = m
	}
	return meta
}

// noScanMeta is the column metadata of n columns of type INT, nullable,
// without length or decimal size (and, with noScan, without scan type).
func noScanMeta(n int) []fakedb.ColumnMeta {
	meta := make([]fakedb.ColumnMeta, n)
	for i := range meta {
		meta[i] = fakedb.ColumnMeta{TypeName: "INT", Nullable: true, HasNull: true}
	}
	return meta
}

// rowsOf makes the rows of a shard: one []driver.Value per row.
func rowsOf(rows ...[]driver.Value) [][]driver.Value { return rows }

// row is shorthand for a []driver.Value.
func row(v ...driver.Value) []driver.Value { return v }

// fakeSource returns a Source over a copy of the template rows, with the
// optional interfaces of caps and the context of the Open call.
func fakeSource(name string, tmpl fakedb.Rows, caps fakedb.RowsCaps) Source {
	return Source{Name: name, Open: func(ctx context.Context) (driver.Rows, error) {
		f := tmpl
		f.Ctx = ctx
		return fakedb.Wrap(&f, caps), nil
	}}
}

// shardsOf makes typed sources s0..sN-1 over the given per-shard data,
// their column types named types (see typedMeta).
func shardsOf(cols []string, types []string, data ...[][]driver.Value) []Source {
	srcs := make([]Source, len(data))
	for i, d := range data {
		srcs[i] = fakeSource(fmt.Sprintf("s%d", i), fakedb.Rows{Sets: sets(cols, d), Meta: typedMeta(len(cols), types...)}, typed)
	}
	return srcs
}

// readAll reads every row of r, copying []byte values.
func readAll(t testing.TB, r driver.Rows) ([][]driver.Value, error) {
	t.Helper()
	var out [][]driver.Value
	for {
		dest := make([]driver.Value, len(r.Columns()))
		err := r.Next(dest)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		for i, v := range dest {
			if b, ok := v.([]byte); ok {
				dest[i] = append([]byte(nil), b...)
			}
		}
		out = append(out, dest)
	}
}

// merged opens and reads a merge to the end, failing the test on errors.
func merged(t testing.TB, spec Spec, srcs []Source) [][]driver.Value {
	t.Helper()
	r, err := Open(context.Background(), spec, srcs)
	require.NoError(t, err)
	defer r.Close()
	out, err := readAll(t, r)
	require.NoError(t, err)
	return out
}

// checkNoLeak fails if goroutines started during the test outlive it.
func checkNoLeak(t *testing.T) {
	t.Helper()
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		for range 500 {
			if runtime.NumGoroutine() <= before {
				return
			}
			time.Sleep(2 * time.Millisecond)
		}
		buf := make([]byte, 1<<16)
		t.Errorf("goroutines leaked: %d before, %d after\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
	})
}

func i64(n int64) *int64 { return &n }
