package merge

import (
	"context"
	"database/sql/driver"
	"fmt"
	"io"
	"reflect"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// fakeRows is an in-memory driver.Rows. Rows come from data, or from gen
// when set (lazily: gen fills dest for row i and reports false past the end).
// []byte values are copied into one buffer that the next call overwrites, as
// drivers reuse their buffers.
type fakeRows struct {
	ctx     context.Context
	cols    []string
	types   []string
	data    [][]driver.Value
	gen     func(i int, dest []driver.Value) bool
	i       int
	failAt  int // Next returns failErr at this row (0 = never; row index+1)
	failErr error
	block   bool // block in Next after the data until ctx ends
	buf     []byte
	closed  *atomic.Int32
	// cancelledAtClose counts closes that found the context cancelled.
	cancelledAtClose *atomic.Int32
	closeErr         error
}

func (f *fakeRows) Columns() []string { return f.cols }

func (f *fakeRows) Close() error {
	if f.closed != nil {
		f.closed.Add(1)
	}
	if f.cancelledAtClose != nil && f.ctx != nil && f.ctx.Err() != nil {
		f.cancelledAtClose.Add(1)
	}
	return f.closeErr
}

func (f *fakeRows) Next(dest []driver.Value) error {
	if f.failAt > 0 && f.i+1 == f.failAt {
		return f.failErr
	}
	if f.gen != nil {
		if !f.gen(f.i, dest) {
			return io.EOF
		}
		f.i++
		return nil
	}
	if f.i >= len(f.data) {
		if f.block {
			<-f.ctx.Done()
			return f.ctx.Err()
		}
		return io.EOF
	}
	f.buf = f.buf[:0]
	for c, v := range f.data[f.i] {
		if b, ok := v.([]byte); ok {
			start := len(f.buf)
			f.buf = append(f.buf, b...)
			v = f.buf[start:len(f.buf)]
		}
		dest[c] = v
	}
	f.i++
	return nil
}

// typedRows adds every column-type interface, answering from types.
type typedRows struct{ *fakeRows }

func (t typedRows) ColumnTypeScanType(i int) reflect.Type { return reflect.TypeFor[int64]() }
func (t typedRows) ColumnTypeDatabaseTypeName(i int) string {
	if i < len(t.types) {
		return t.types[i]
	}
	return ""
}
func (t typedRows) ColumnTypeLength(i int) (int64, bool)                { return int64(10 + i), true }
func (t typedRows) ColumnTypeNullable(i int) (bool, bool)               { return i%2 == 0, true }
func (t typedRows) ColumnTypePrecisionScale(i int) (int64, int64, bool) { return 10, int64(i), true }

// noScanTypeRows has every column-type interface but ColumnTypeScanType.
type noScanTypeRows struct{ *fakeRows }

func (t noScanTypeRows) ColumnTypeDatabaseTypeName(i int) string { return "INT" }
func (t noScanTypeRows) ColumnTypeLength(i int) (int64, bool)    { return 0, false }
func (t noScanTypeRows) ColumnTypeNullable(i int) (bool, bool)   { return true, true }
func (t noScanTypeRows) ColumnTypePrecisionScale(i int) (int64, int64, bool) {
	return 0, 0, false
}

// rowsOf makes the rows of a shard: one []driver.Value per row.
func rowsOf(rows ...[]driver.Value) [][]driver.Value { return rows }

// row is shorthand for a []driver.Value.
func row(v ...driver.Value) []driver.Value { return v }

// fakeSource returns a Source over a copy of the template rows, typed as
// wrap says ("" plain, "typed" all interfaces, "noscan" all but scan type).
func fakeSource(name string, tmpl fakeRows, wrap string) Source {
	return Source{Name: name, Open: func(ctx context.Context) (driver.Rows, error) {
		f := tmpl
		f.ctx = ctx
		switch wrap {
		case "typed":
			return typedRows{&f}, nil
		case "noscan":
			return noScanTypeRows{&f}, nil
		}
		return &f, nil
	}}
}

// shardsOf makes sources s0..sN-1 over the given per-shard data.
func shardsOf(cols []string, types []string, data ...[][]driver.Value) []Source {
	srcs := make([]Source, len(data))
	for i, d := range data {
		srcs[i] = fakeSource(fmt.Sprintf("s%d", i), fakeRows{cols: cols, types: types, data: d}, "typed")
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
