package otelgrant_test

import (
	"context"
	"database/sql/driver"
	"errors"
	"testing"

	"github.com/XSAM/otelsql"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/config"
	otelgrant "github.com/grantsql/grant/otel"
	"github.com/grantsql/grant/sharding"
)

// TestOtelsqlWrapsGrant: otelsql.OpenDB wraps a grant connector unchanged.
// Its statement spans are the parents of the node spans of Trace, one per
// database of a fan-out; errors keep their types; closing the database
// closes the connector; sql.Conn.Raw reaches the *grant.Conn under
// otelsql's connection.
func TestOtelsqlWrapsGrant(t *testing.T) {
	tp, sr := recorder(t)
	cfg, err := config.Load(shardsConfig)
	require.NoError(t, err)
	c, err := grant.NewConnector(cfg, otelgrant.Trace(otelgrant.WithTracerProvider(tp)))
	require.NoError(t, err)
	db := otelsql.OpenDB(c, otelsql.WithTracerProvider(tp))
	ctx := context.Background()
	_, err = db.ExecContext(ctx, `CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, total INTEGER NOT NULL)`)
	require.NoError(t, err)
	_, err = db.ExecContext(ctx, `INSERT INTO orders (id, customer_id, total) VALUES (1, 1, 10), (2, 2, 20)`)
	require.NoError(t, err)

	sr.Reset()
	ctx, parent := tp.Tracer("app").Start(ctx, "request")
	var n, sum int
	require.NoError(t, db.QueryRowContext(ctx, `SELECT count(*), sum(total) FROM orders`).Scan(&n, &sum))
	parent.End()
	assert.Equal(t, 2, n)
	assert.Equal(t, 30, sum)
	var stmt []string
	legs := spansNamed(sr, "grant.query")
	require.Len(t, legs, 2)
	for _, s := range sr.Ended() {
		if s.Name() == "sql.conn.query" {
			stmt = append(stmt, s.SpanContext().SpanID().String())
			assert.Equal(t, parent.SpanContext().SpanID(), s.Parent().SpanID())
		}
	}
	require.Len(t, stmt, 1, "one statement span from otelsql")
	for _, leg := range legs {
		assert.Equal(t, stmt[0], leg.Parent().SpanID().String(), "the legs are children of otelsql's statement span")
	}

	_, err = db.ExecContext(ctx, `INSERT INTO orders (id, total) VALUES (3, 30)`)
	var refused *sharding.RefusedError
	assert.True(t, errors.As(err, &refused), "a refusal keeps its type through otelsql: %v", err)
	tx, err := db.BeginTx(ctx, nil)
	require.NoError(t, err)
	_, err = tx.ExecContext(ctx, `UPDATE orders SET total = 0 WHERE customer_id = 1`)
	require.NoError(t, err)
	_, err = tx.ExecContext(ctx, `UPDATE orders SET total = 0 WHERE customer_id = 2`)
	assert.ErrorIs(t, err, grant.ErrCrossShardWrite)
	require.NoError(t, tx.Rollback())

	conn, err := db.Conn(ctx)
	require.NoError(t, err)
	require.NoError(t, conn.Raw(func(dc any) error {
		raw, ok := dc.(interface{ Raw() driver.Conn })
		require.True(t, ok, "otelsql's connection has Raw: %T", dc)
		_, ok = raw.Raw().(*grant.Conn)
		assert.True(t, ok, "under it, Grant's: %T", raw.Raw())
		return nil
	}))
	require.NoError(t, conn.Close())

	_, err = db.ExecContext(ctx, `DROP TABLE orders`)
	require.NoError(t, err)
	require.NoError(t, db.Close())
	assert.Error(t, c.Registry().Nodes()[0].DB.PingContext(ctx), "closing the database closed the connector and its pools")
}

// TestOtelsqlOpenByName: otelsql.Open("grant", name) on a cluster registered
// with Trace gives statement spans and node spans; on a configuration file
// it works unchanged.
func TestOtelsqlOpenByName(t *testing.T) {
	tp, sr := recorder(t)
	cfg, err := config.Load(shardsConfig)
	require.NoError(t, err)
	require.NoError(t, grant.Register("otel-shop", cfg, otelgrant.Trace(otelgrant.WithTracerProvider(tp))))
	defer grant.Unregister("otel-shop")
	db, err := otelsql.Open("grant", "otel-shop", otelsql.WithTracerProvider(tp))
	require.NoError(t, err)
	defer db.Close()
	ctx, parent := tp.Tracer("app").Start(context.Background(), "request")
	var one int
	require.NoError(t, db.QueryRowContext(ctx, `SELECT 1`).Scan(&one))
	parent.End()
	names := map[string]int{}
	for _, s := range sr.Ended() {
		names[s.Name()]++
	}
	assert.Equal(t, 1, names["sql.conn.query"])
	assert.Equal(t, 1, names["grant.query"], "SELECT 1 runs on the default database")

	byFile, err := otelsql.Open("grant", "file:"+shardsConfig, otelsql.WithTracerProvider(tp))
	require.NoError(t, err)
	defer byFile.Close()
	require.NoError(t, byFile.QueryRowContext(context.Background(), `SELECT 2`).Scan(&one))
	assert.Equal(t, 2, one)
}
