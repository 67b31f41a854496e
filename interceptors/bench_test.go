package interceptors_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"io"
	"log/slog"
	"testing"

	"github.com/ngrok/sqlmw"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/interceptors"
)

const benchRows = 1000

// benchConnector returns a connector for a SQLite file holding benchRows rows.
func benchConnector(b *testing.B) driver.Connector {
	b.Helper()
	c := sqliteConnector(b)
	db := sql.OpenDB(c)
	defer db.Close()
	_, err := db.Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
	require.NoError(b, err)
	tx, err := db.Begin()
	require.NoError(b, err)
	for i := 1; i <= benchRows; i++ {
		_, err = tx.Exec("INSERT INTO t (id, name) VALUES (?, ?)", i, fmt.Sprint("name-", i))
		require.NoError(b, err)
	}
	require.NoError(b, tx.Commit())
	return c
}

// pointSelect runs a primary-key SELECT b.N times through database/sql.
func pointSelect(b *testing.B, db *sql.DB) {
	ctx := context.Background()
	var name string
	require.NoError(b, db.QueryRowContext(ctx, "SELECT name FROM t WHERE id = ?", 1).Scan(&name))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if err := db.QueryRowContext(ctx, "SELECT name FROM t WHERE id = ?", i%benchRows+1).Scan(&name); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRawQuery(b *testing.B) {
	pointSelect(b, openSQLite(b, benchConnector(b)))
}

func BenchmarkWrappedQuery(b *testing.B) {
	chains := []struct {
		name  string
		chain func() []sqlmw.Interceptor
	}{
		{"empty", func() []sqlmw.Interceptor { return nil }},
		{"counters", func() []sqlmw.Interceptor { return []sqlmw.Interceptor{interceptors.NewCounters()} }},
		{"counters+logger-discard", func() []sqlmw.Interceptor {
			logger := interceptors.Logger(slog.New(slog.DiscardHandler), interceptors.LogOptions{Node: "n"})
			return []sqlmw.Interceptor{interceptors.NewCounters(), logger}
		}},
		{"counters+logger-json", func() []sqlmw.Interceptor {
			h := slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelDebug})
			logger := interceptors.Logger(slog.New(h), interceptors.LogOptions{Node: "n"})
			return []sqlmw.Interceptor{interceptors.NewCounters(), logger}
		}},
	}
	for _, c := range chains {
		b.Run(c.name, func(b *testing.B) {
			pointSelect(b, openSQLite(b, benchConnector(b), c.chain()...))
		})
	}
}
