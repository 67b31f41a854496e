//go:build go1.27

package interceptors_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"testing"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/interceptors"
	"github.com/grantsql/grant/internal/testenv"
)

// TestPgxColumnScannerThroughWrapper: pgx's rows implement the column
// scanner under Go 1.27, which scans a PostgreSQL array into a Go slice;
// through Next the array would arrive as text that database/sql cannot
// assign to a []string. Through the wrapper the scan still works, and the
// counters still see every row.
func TestPgxColumnScannerThroughWrapper(t *testing.T) {
	dsn := testenv.PostgresDSN(t)
	base, err := stdlib.GetDefaultDriver().(driver.DriverContext).OpenConnector(dsn)
	require.NoError(t, err)
	counters := interceptors.NewCounters()
	seen := &destSeen{}
	db := sql.OpenDB(interceptors.Wrap(base, counters, seen))
	defer db.Close()
	ctx := context.Background()

	var names []string
	require.NoError(t, db.QueryRowContext(ctx, "SELECT array['John', 'Jane']::text[]").Scan(&names))
	assert.Equal(t, []string{"John", "Jane"}, names)

	rows, err := db.QueryContext(ctx, "SELECT g, array[g, g * 10] FROM generate_series(1, 3) g ORDER BY g")
	require.NoError(t, err)
	var got [][]int32
	for rows.Next() {
		var g int
		var pair []int32
		require.NoError(t, rows.Scan(&g, &pair))
		got = append(got, pair)
	}
	require.NoError(t, rows.Err())
	require.NoError(t, rows.Close())
	assert.Equal(t, [][]int32{{1, 10}, {2, 20}, {3, 30}}, got)

	assert.Equal(t, int64(1+3), counters.Snapshot().Rows)
	assert.Zero(t, seen.hasDest, "database/sql read pgx's rows with NextRow")

	conn, err := db.Conn(ctx)
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.Raw(func(dc any) error {
		r, err := dc.(driver.QueryerContext).QueryContext(ctx, "SELECT 1", nil)
		require.NoError(t, err)
		defer r.Close()
		assert.True(t, hasColumnScanner(r), "the wrapper offers pgx's scanner")
		return nil
	}))
}
