//go:build go1.27

package interceptors_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"sync"
	"testing"

	"github.com/ngrok/sqlmw"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/interceptors"
	"github.com/grantsql/grant/internal/fakedb"
)

// hasColumnScanner reports whether r implements driver.RowsColumnScanner.
func hasColumnScanner(r driver.Rows) bool {
	_, ok := r.(driver.RowsColumnScanner)
	return ok
}

// destSeen counts the RowsNext calls it sees with a nil dest (rows read
// through a column scanner) and with one (rows read through Next).
type destSeen struct {
	sqlmw.NullInterceptor
	mu               sync.Mutex
	nilDest, hasDest int
}

func (d *destSeen) RowsNext(ctx context.Context, r driver.Rows, dest []driver.Value) error {
	d.mu.Lock()
	if dest == nil {
		d.nilDest++
	} else {
		d.hasDest++
	}
	d.mu.Unlock()
	return r.Next(dest)
}

func TestRowsColumnScannerOnlyWhenBaseHasIt(t *testing.T) {
	ctx := context.Background()
	for _, caps := range []fakedb.RowsCaps{fakedb.RowsAll, fakedb.RowsAll | fakedb.RowsScanner} {
		t.Run(fmt.Sprint(caps), func(t *testing.T) {
			fake := fakedb.New("fake", fakedb.CapAll)
			fake.RowsCaps = caps
			withRaw(t, openWrapped(t, fake), func(dc driver.Conn) {
				rows, err := dc.(driver.QueryerContext).QueryContext(ctx, "q", nil)
				require.NoError(t, err)
				want := hasColumnScanner(fake.LastRows())
				require.Equal(t, caps&fakedb.RowsScanner != 0, want)
				assert.Equal(t, want, hasColumnScanner(rows), "conn query rows")
				require.NoError(t, rows.Close())

				st, err := dc.(driver.ConnPrepareContext).PrepareContext(ctx, "p")
				require.NoError(t, err)
				rows, err = st.(driver.StmtQueryContext).QueryContext(ctx, nil)
				require.NoError(t, err)
				assert.Equal(t, want, hasColumnScanner(rows), "stmt query rows")
				require.NoError(t, rows.Close())
				require.NoError(t, st.Close())
			})
		})
	}
}

// TestRowsColumnScannerThroughChain: rows read through a column scanner
// look the same through the wrapper as bare, and every row still passes
// the RowsNext hook of each layer, with a nil dest.
func TestRowsColumnScannerThroughChain(t *testing.T) {
	const caps = fakedb.RowsAll | fakedb.RowsScanner
	for _, prepared := range []bool{false, true} {
		t.Run(fmt.Sprint("prepared=", prepared), func(t *testing.T) {
			raw := fakedb.New("raw", fakedb.CapAll)
			raw.RowsCaps = caps
			fake := fakedb.New("fake", fakedb.CapAll)
			fake.RowsCaps = caps
			counters := interceptors.NewCounters()
			seen := &destSeen{}
			db := sql.OpenDB(interceptors.Wrap(fake.Connector(), counters, seen, sqlmw.NullInterceptor{}))
			defer db.Close()

			want := seeRows(t, openRaw(t, raw), prepared)
			assert.Equal(t, want, seeRows(t, db, prepared))
			assert.Len(t, want.Sets, 2)
			assert.Equal(t, int64(1+3), counters.Snapshot().Rows, "QueryRow's row, then 2+1 rows")
			assert.Zero(t, seen.hasDest, "database/sql reads with NextRow, not Next")
			assert.Equal(t, fake.Count("rows.next"), seen.nilDest, "every NextRow passed the hook")
		})
	}
}

// TestRowsColumnScannerNesting: NextRow nests through the chain like Next.
func TestRowsColumnScannerNesting(t *testing.T) {
	fake := fakedb.New("fake", fakedb.CapAll)
	fake.RowsCaps = fakedb.RowsAll | fakedb.RowsScanner
	_, conn := openConn(t, interceptors.Wrap(fake.Connector(), recorder{"a", fake}, recorder{"b", fake}))
	rows, err := conn.QueryContext(context.Background(), "q")
	require.NoError(t, err)
	fake.Take()
	require.True(t, rows.Next())
	assert.Equal(t, nested("next", "rows.next"), fake.Take())
	var id int64
	var name string
	require.NoError(t, rows.Scan(&id, &name))
	assert.Empty(t, fake.Take(), "ScanColumn has no hook")
	assert.Equal(t, []any{int64(1), "a"}, []any{id, name})
	require.NoError(t, rows.Close())
}

// TestRowsColumnScannerNextStillWorks: Grant's own readers call Next on
// the driver rows; wrapped rows that offer the scanner still serve Next.
func TestRowsColumnScannerNextStillWorks(t *testing.T) {
	fake := fakedb.New("fake", fakedb.CapAll)
	fake.RowsCaps = fakedb.RowsAll | fakedb.RowsScanner
	seen := &destSeen{}
	db := sql.OpenDB(interceptors.Wrap(fake.Connector(), seen))
	defer db.Close()
	withRaw(t, db, func(dc driver.Conn) {
		rows, err := dc.(driver.QueryerContext).QueryContext(context.Background(), "q", nil)
		require.NoError(t, err)
		defer rows.Close()
		require.True(t, hasColumnScanner(rows))
		dest := make([]driver.Value, 2)
		require.NoError(t, rows.Next(dest))
		assert.Equal(t, []driver.Value{int64(1), "a"}, dest)
		assert.Equal(t, 1, seen.hasDest)
	})
}
