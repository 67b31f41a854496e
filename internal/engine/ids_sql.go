package engine

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/registry"
	"github.com/grantsql/grant/sharding/idgen"
)

// leases reads the node leases of table name.
func leases(ctx context.Context, d dialect.Dialect, pc *registry.Conn, name string) (map[int]idgen.Lease, error) {
	rows, st, err := pc.Query(ctx, idSQL(d, "SELECT node, holder, until_ms FROM "+nodeTable+" WHERE name = ?"), idArgs(name), false)
	if err != nil {
		return nil, err
	}
	defer closeRows(rows, st)
	out := map[int]idgen.Lease{}
	row := make([]driver.Value, 3)
	for {
		if err := rows.Next(row); err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return nil, err
		}
		node, err1 := strconv.Atoi(catalogText(row[0]))
		until, err2 := strconv.ParseInt(catalogText(row[2]), 10, 64)
		if err := errors.Join(err1, err2); err != nil {
			return nil, fmt.Errorf("%s: %w", nodeTable, err)
		}
		out[node] = idgen.Lease{Node: node, Holder: catalogText(row[1]), Until: until}
	}
}

// execN runs q (with ? placeholders) and returns the rows it affected.
func execN(ctx context.Context, d dialect.Dialect, pc *registry.Conn, q string, args ...any) (int64, error) {
	res, err := pc.Exec(ctx, idSQL(d, q), idArgs(args...), false)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// queryInt runs q and returns the integer of its first row, if any.
func queryInt(ctx context.Context, d dialect.Dialect, pc *registry.Conn, q string, args ...any) (int64, bool, error) {
	rows, st, err := pc.Query(ctx, idSQL(d, q), idArgs(args...), false)
	if err != nil {
		return 0, false, err
	}
	defer closeRows(rows, st)
	row := make([]driver.Value, len(rows.Columns()))
	if err := rows.Next(row); err != nil {
		if errors.Is(err, io.EOF) {
			return 0, false, nil
		}
		return 0, false, err
	}
	v, err := strconv.ParseInt(catalogText(row[0]), 10, 64)
	return v, err == nil, err
}

func closeRows(rows driver.Rows, st driver.Stmt) {
	rows.Close()
	if st != nil {
		st.Close()
	}
}

// idSQL writes ? placeholders as $1, $2, ... on PostgreSQL.
func idSQL(d dialect.Dialect, q string) string {
	if d != dialect.Postgres {
		return q
	}
	var b strings.Builder
	n := 0
	for _, c := range q {
		if c == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// idArgs returns args as driver arguments.
func idArgs(args ...any) []driver.NamedValue {
	out := make([]driver.NamedValue, len(args))
	for i, a := range args {
		if n, ok := a.(int); ok {
			a = int64(n)
		}
		out[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
	}
	return out
}
