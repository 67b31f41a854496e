package merge

import (
	"context"
	"database/sql/driver"
	"fmt"
	"io"
	"runtime"
	"testing"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/fakedb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sortedSource generates n rows lazily, in order of column 0: (i*shards+shard,
// a 32-byte []byte that the source overwrites on every row, as drivers do).
func sortedSource(shard, shards, n int) Source {
	return Source{Name: fmt.Sprint("s", shard), Open: func(ctx context.Context) (driver.Rows, error) {
		buf := make([]byte, 32)
		return &fakedb.Rows{Sets: sets([]string{"id", "payload"}, nil), Gen: func(i int, dest []driver.Value) bool {
			if i >= n {
				return false
			}
			id := int64(i*shards + shard)
			copy(buf, fmt.Appendf(buf[:0], "%032d", id))
			dest[0], dest[1] = id, buf
			return true
		}}, nil
	}}
}

// TestOrderedMergeMemoryIsBounded merges 1,000,000 rows from 4 shards and
// samples the live heap (after a collection) along the way: it must not grow
// with the result.
func TestOrderedMergeMemoryIsBounded(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("reads a million rows; run without -short and -race")
	}
	const shards, perShard = 4, 250_000
	var srcs []Source
	for s := range shards {
		srcs = append(srcs, sortedSource(s, shards, perShard))
	}
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base, peak := ms.HeapAlloc, ms.HeapAlloc

	r, err := Open(context.Background(), Spec{Dialect: dialect.Postgres, OrderBy: []SortKey{{Column: 0}}}, srcs)
	require.NoError(t, err)
	dest := make([]driver.Value, 2)
	var n int64
	for {
		err := r.Next(dest)
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		if dest[0].(int64) != n {
			require.Equal(t, n, dest[0], "rows out of order")
		}
		n++
		if n%50_000 == 0 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
		}
	}
	require.NoError(t, r.Close())
	assert.Equal(t, int64(shards*perShard), n)
	growth := int64(peak) - int64(base)
	t.Logf("live heap growth during the merge: %d KiB", growth>>10)
	assert.Less(t, growth, int64(16<<20))
}
