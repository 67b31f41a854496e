package routing

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/drivercall"
	"github.com/grantsql/grant/registry"
)

// Measure measures replica n once: its replication status, lag and
// replayed position. It is what the lag monitor runs every
// lag_check_interval; grant health and tests call it directly.
func Measure(ctx context.Context, d dialect.Dialect, n *registry.Node) (Measurement, error) {
	switch d {
	case dialect.Postgres:
		return measurePostgres(ctx, n)
	case dialect.MySQL:
		return measureMySQL(ctx, n)
	}
	return Measurement{}, fmt.Errorf("grant: measuring replica lag is not supported for %s", d)
}

// CurrentPosition reads the primary's replication position on dc, the
// physical connection (driver level) that has just written or committed:
// PostgreSQL's WAL flush LSN (insert LSN under synchronous_commit off),
// MariaDB's @@last_gtid. In causal read-your-writes mode the caller passes
// it to Router.Wrote. The zero Position (no error) means it cannot be known
// (SQLite, MySQL without @@last_gtid, a MariaDB connection that has logged
// nothing); Wrote then falls back to the window for that write.
func CurrentPosition(ctx context.Context, d dialect.Dialect, dc driver.Conn) (Position, error) {
	switch d {
	case dialect.Postgres:
		return positionPostgres(ctx, dc)
	case dialect.MySQL:
		return positionMySQL(ctx, dc)
	}
	return Position{}, nil
}

// CurrentPosition reads the primary's position on dc; see the package
// function CurrentPosition.
func (r *Router) CurrentPosition(ctx context.Context, dc driver.Conn) (Position, error) {
	return CurrentPosition(ctx, r.dialect, dc)
}

// queryRow runs q without arguments on a driver connection and returns its
// first row, which must have want columns.
func queryRow(ctx context.Context, dc driver.Conn, q string, want int) ([]driver.Value, error) {
	rows, st, err := drivercall.Query(ctx, dc, q, nil, nil)
	if st != nil {
		defer st.Close()
	}
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	if n := len(rows.Columns()); n != want {
		return nil, fmt.Errorf("grant: %q returned %d columns, want %d", q, n, want)
	}
	row := make([]driver.Value, want)
	if err := rows.Next(row); err != nil {
		if err == io.EOF {
			return nil, errors.New("grant: " + strconv.Quote(q) + " returned no row")
		}
		return nil, err
	}
	return row, nil
}

// text returns a driver value as a string ("" for NULL).
func text(v driver.Value) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	case nil:
		return ""
	case int64:
		return strconv.FormatInt(x, 10)
	}
	return fmt.Sprint(v)
}
