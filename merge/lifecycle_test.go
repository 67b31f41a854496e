package merge

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/fakedb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// driverError stands for a driver's own error type (*pgconn.PgError, *mysql.MySQLError).
type driverError struct{ code int }

func (e *driverError) Error() string { return fmt.Sprintf("driver error %d", e.code) }

func endless(shard int64) func(int, []driver.Value) bool {
	return func(i int, dest []driver.Value) bool {
		dest[0] = int64(i)*4 + shard
		return true
	}
}

func TestShardErrorMidStreamNamesTheShard(t *testing.T) {
	for _, ordered := range []bool{false, true} {
		t.Run(fmt.Sprint("ordered=", ordered), func(t *testing.T) {
			checkNoLeak(t)
			var closed atomic.Int32
			var srcs []Source
			for s := range 4 {
				f := fakedb.Rows{Sets: sets([]string{"n"}, nil), Closed: &closed, Gen: endless(int64(s))}
				if s == 2 {
					f.Gen = nil
					f.Sets = sets([]string{"n"}, rowsOf(row(int64(2)), row(int64(6)), row(int64(10))))
					f.FailAt, f.FailErr = 3, &driverError{code: 1213}
				}
				srcs = append(srcs, fakeSource(fmt.Sprintf("s%d", s), f, plain))
			}
			spec := Spec{Dialect: dialect.Postgres, ShardRowsInFlight: 2}
			if ordered {
				spec.OrderBy = []SortKey{{Column: 0}}
			}
			r, err := Open(context.Background(), spec, srcs)
			require.NoError(t, err)
			_, err = readAll(t, r)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "shard s2: driver error 1213")
			var de *driverError
			require.ErrorAs(t, err, &de)
			assert.Equal(t, 1213, de.code)
			assert.Equal(t, err, r.Next(make([]driver.Value, 1)), "the error sticks")
			require.NoError(t, r.Close())
			assert.Equal(t, int32(4), closed.Load())
		})
	}
}

func TestOpenFailureCancelsTheOthers(t *testing.T) {
	checkNoLeak(t)
	var closed atomic.Int32
	opened := make(chan struct{}, 3)
	var srcs []Source
	for s := range 4 {
		name := fmt.Sprintf("s%d", s)
		if s == 1 {
			srcs = append(srcs, Source{Name: name, Open: func(ctx context.Context) (driver.Rows, error) {
				for range 3 {
					<-opened // fail only once the others are open
				}
				return nil, &driverError{code: 28000}
			}})
			continue
		}
		srcs = append(srcs, Source{Name: name, Open: func(ctx context.Context) (driver.Rows, error) {
			opened <- struct{}{}
			return &fakedb.Rows{Sets: sets([]string{"n"}, nil), Ctx: ctx, Block: true, Closed: &closed}, nil
		}})
	}
	_, err := Open(context.Background(), Spec{Dialect: dialect.MySQL}, srcs)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "shard s1")
	var de *driverError
	assert.ErrorAs(t, err, &de)
	assert.Equal(t, int32(3), closed.Load(), "the opened shards are closed")
}

func TestColumnCountMismatch(t *testing.T) {
	checkNoLeak(t)
	srcs := []Source{
		fakeSource("east", fakedb.Rows{Sets: sets([]string{"a", "b"}, nil)}, plain),
		fakeSource("west", fakedb.Rows{Sets: sets([]string{"a"}, nil)}, plain),
	}
	_, err := Open(context.Background(), Spec{Dialect: dialect.SQLite}, srcs)
	assert.ErrorContains(t, err, "shard west returns 1 columns but shard east returns 2")
}

func TestCancellationStopsEverything(t *testing.T) {
	checkNoLeak(t)
	ctx, cancel := context.WithCancel(context.Background())
	var closed atomic.Int32
	srcs := []Source{
		fakeSource("s0", fakedb.Rows{Sets: sets([]string{"n"}, rowsOf(row(int64(1)))), Block: true, Closed: &closed}, plain),
		fakeSource("s1", fakedb.Rows{Sets: sets([]string{"n"}, rowsOf(row(int64(2)))), Block: true, Closed: &closed}, plain),
	}
	r, err := Open(ctx, Spec{Dialect: dialect.SQLite, OrderBy: []SortKey{{Column: 0}}}, srcs)
	require.NoError(t, err)
	dest := make([]driver.Value, 1)
	require.NoError(t, r.Next(dest))
	assert.Equal(t, int64(1), dest[0])
	cancel()
	err = r.Next(dest)
	require.ErrorIs(t, err, context.Canceled)
	require.NoError(t, r.Close())
	assert.Equal(t, int32(2), closed.Load())
}

func TestCloseMidStream(t *testing.T) {
	checkNoLeak(t)
	var closed atomic.Int32
	var srcs []Source
	for s := range 4 {
		srcs = append(srcs, fakeSource("s", fakedb.Rows{Sets: sets([]string{"n"}, nil), Gen: endless(int64(s)), Closed: &closed}, plain))
	}
	for _, spec := range []Spec{{Dialect: dialect.SQLite}, {Dialect: dialect.SQLite, OrderBy: []SortKey{{Column: 0}}}} {
		closed.Store(0)
		r, err := Open(context.Background(), spec, srcs)
		require.NoError(t, err)
		dest := make([]driver.Value, 1)
		for range 100 {
			require.NoError(t, r.Next(dest))
		}
		require.NoError(t, r.Close())
		require.NoError(t, r.Close(), "Close twice")
		assert.Equal(t, io.EOF, r.Next(dest))
		assert.Equal(t, int32(4), closed.Load())
	}
}

// TestShardsOpenInParallel: no source's Open may return before all four
// have been called, which only parallel opens satisfy.
func TestShardsOpenInParallel(t *testing.T) {
	checkNoLeak(t)
	var wg sync.WaitGroup
	wg.Add(4)
	all := make(chan struct{})
	go func() { wg.Wait(); close(all) }()
	var srcs []Source
	for s := range 4 {
		srcs = append(srcs, Source{Name: fmt.Sprint("s", s), Open: func(ctx context.Context) (driver.Rows, error) {
			wg.Done()
			select {
			case <-all:
			case <-time.After(10 * time.Second): // a safety net against hanging, not a measurement
				return nil, errors.New("opens ran one after another")
			}
			return &fakedb.Rows{Sets: sets([]string{"n"}, rowsOf(row(int64(s))))}, nil
		}})
	}
	got := merged(t, Spec{Dialect: dialect.SQLite, OrderBy: []SortKey{{Column: 0}}}, srcs)
	assert.Len(t, got, 4)
}

// TestStopClosesWithoutCancelling: at LIMIT the shards' rows are closed with
// their context intact (drivers finish the query and keep the connection);
// on a shard error the other shards are cancelled.
func TestStopClosesWithoutCancelling(t *testing.T) {
	checkNoLeak(t)
	var closed, cancelled atomic.Int32
	var srcs []Source
	for s := range 4 {
		srcs = append(srcs, fakeSource("s", fakedb.Rows{Sets: sets([]string{"n"}, nil), Gen: endless(int64(s)), Closed: &closed, CancelledAtClose: &cancelled}, plain))
	}
	got := merged(t, Spec{Dialect: dialect.MySQL, OrderBy: []SortKey{{Column: 0}}, Limit: i64(10)}, srcs)
	assert.Len(t, got, 10)
	assert.Equal(t, int32(4), closed.Load())
	assert.Equal(t, int32(0), cancelled.Load())

	closed.Store(0)
	f := fakedb.Rows{Sets: sets([]string{"n"}, rowsOf(row(int64(1)))), FailAt: 2, FailErr: &driverError{code: 1}, Closed: &closed}
	srcs[3] = fakeSource("s3", f, plain)
	r, err := Open(context.Background(), Spec{Dialect: dialect.MySQL, OrderBy: []SortKey{{Column: 0}}}, srcs)
	require.NoError(t, err)
	_, err = readAll(t, r)
	require.ErrorContains(t, err, "shard s3")
	require.NoError(t, r.Close())
	assert.Equal(t, int32(4), closed.Load())
	assert.Equal(t, int32(3), cancelled.Load(), "the healthy shards were cancelled")
}

func TestCloseErrorAtTheEndIsTheShardsError(t *testing.T) {
	checkNoLeak(t)
	srcs := []Source{
		fakeSource("s0", fakedb.Rows{Sets: sets([]string{"n"}, rowsOf(row(int64(1))))}, plain),
		fakeSource("s1", fakedb.Rows{Sets: sets([]string{"n"}, rowsOf(row(int64(2)))), CloseErr: &driverError{code: 7}}, plain),
	}
	r, err := Open(context.Background(), Spec{Dialect: dialect.Postgres}, srcs)
	require.NoError(t, err)
	defer r.Close()
	_, err = readAll(t, r)
	var de *driverError
	require.ErrorAs(t, err, &de)
	assert.Contains(t, err.Error(), "shard s1")
}

func TestStreamedGroupRefusesRowsOutOfOrder(t *testing.T) {
	// The shards sorted 'é' between 'e' and 'f' (an accent-insensitive
	// collation); the merge compares bytes, so streaming would split groups.
	srcs := shardsOf([]string{"name", "count"}, []string{"VARCHAR", "BIGINT"},
		rowsOf(row([]byte("e"), int64(1)), row([]byte("é"), int64(1)), row([]byte("f"), int64(1))),
		rowsOf(row([]byte("f"), int64(1))),
	)
	spec := Spec{Dialect: dialect.MySQL, GroupBy: []int{0}, GroupSorted: true, OrderBy: []SortKey{{Column: 0}},
		Aggregates: []Aggregate{{Func: Count, Column: 1}}}
	r, err := Open(context.Background(), spec, srcs)
	require.NoError(t, err)
	defer r.Close()
	_, err = readAll(t, r)
	require.ErrorIs(t, err, ErrOutOfOrder)
	require.ErrorContains(t, err, `shard s0 returned "f" after shard s0 returned "é" in column 0`)
}

func TestDriverPanicBecomesTheShardsError(t *testing.T) {
	checkNoLeak(t)
	panicking := Source{Name: "s1", Open: func(ctx context.Context) (driver.Rows, error) { panic("driver bug") }}
	_, err := Open(context.Background(), Spec{Dialect: dialect.SQLite},
		[]Source{fakeSource("s0", fakedb.Rows{Sets: sets([]string{"n"}, rowsOf(row(int64(1))))}, plain), panicking})
	require.ErrorContains(t, err, "shard s1: panic: driver bug")

	midStream := fakedb.Rows{Sets: sets([]string{"n"}, nil), Gen: func(i int, dest []driver.Value) bool {
		if i == 3 {
			panic("decode failed")
		}
		dest[0] = int64(i)
		return true
	}}
	r, err := Open(context.Background(), Spec{Dialect: dialect.SQLite}, []Source{fakeSource("s0", midStream, plain)})
	require.NoError(t, err)
	defer r.Close()
	_, err = readAll(t, r)
	require.ErrorContains(t, err, "shard s0: panic: decode failed")
}
