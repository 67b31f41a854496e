package otelgrant_test

import (
	"context"
	"database/sql"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/config"
	otelgrant "github.com/grantsql/grant/otel"
)

// shardsConfig is the example cluster of two in-memory SQLite shards,
// orders spread by customer_id (modulo: even ids on s0, odd on s1).
const shardsConfig = "../testdata/sqlite-shards.yaml"

// recorder returns a TracerProvider that keeps every ended span.
func recorder(t *testing.T) (*sdktrace.TracerProvider, *tracetest.SpanRecorder) {
	sr := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sr))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	return tp, sr
}

// openShards opens the example sharded cluster with opts, creates the
// orders table on both shards and writes orders of customers 1 to 4.
func openShards(t testing.TB, opts ...grant.Option) (*grant.Connector, *sql.DB) {
	t.Helper()
	cfg, err := config.Load(shardsConfig)
	require.NoError(t, err)
	c, err := grant.NewConnector(cfg, opts...)
	require.NoError(t, err)
	db := sql.OpenDB(c)
	t.Cleanup(func() { db.Close() }) // the in-memory databases go with their last connection
	ctx := context.Background()
	_, err = db.ExecContext(ctx, `CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, total INTEGER NOT NULL)`)
	require.NoError(t, err)
	_, err = db.ExecContext(ctx, `INSERT INTO orders (id, customer_id, total) VALUES (1, 1, 10), (2, 2, 20), (3, 3, 30), (4, 4, 40), (5, 1, 50)`)
	require.NoError(t, err)
	t.Cleanup(func() { _, _ = db.ExecContext(context.Background(), `DROP TABLE orders`) })
	return c, db
}

// startSpan starts an application span on tp.
func startSpan(ctx context.Context, tp *sdktrace.TracerProvider) (context.Context, interface{ End() }) {
	ctx, sp := tp.Tracer("app").Start(ctx, "request")
	return ctx, endFunc(func() { sp.End() })
}

type endFunc func()

func (f endFunc) End() { f() }

// attrs returns a span's attributes by key.
func attrs(s sdktrace.ReadOnlySpan) map[attribute.Key]attribute.Value {
	m := map[attribute.Key]attribute.Value{}
	for _, kv := range s.Attributes() {
		m[kv.Key] = kv.Value
	}
	return m
}

// spansNamed returns the ended spans of that name, by database.
func spansNamed(sr *tracetest.SpanRecorder, name string) []sdktrace.ReadOnlySpan {
	var out []sdktrace.ReadOnlySpan
	for _, s := range sr.Ended() {
		if s.Name() == name {
			out = append(out, s)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return attrs(out[i])[otelgrant.DatabaseKey].AsString() < attrs(out[j])[otelgrant.DatabaseKey].AsString()
	})
	return out
}

// TestFanOutLegsAreChildSpans reads every shard: each leg is a span of its
// own under the caller's span, naming its node and the SQL it ran, and
// counting its rows.
func TestFanOutLegsAreChildSpans(t *testing.T) {
	tp, sr := recorder(t)
	_, db := openShards(t, otelgrant.Trace(otelgrant.WithTracerProvider(tp)))
	require.Empty(t, sr.Ended(), "statements without a span in their context make none")

	ctx, parent := tp.Tracer("app").Start(context.Background(), "list orders")
	rows, err := db.QueryContext(ctx, `SELECT id, total FROM orders ORDER BY total DESC LIMIT 4`)
	require.NoError(t, err)
	n := 0
	for rows.Next() {
		n++
	}
	require.NoError(t, rows.Close())
	parent.End()
	assert.Equal(t, 4, n)

	legs := spansNamed(sr, "grant.query")
	require.Len(t, legs, 2, "one span per shard")
	for i, leg := range legs {
		a := attrs(leg)
		db := []string{"s0", "s1"}[i]
		assert.Equal(t, parent.SpanContext().SpanID(), leg.Parent().SpanID(), "a child of the caller's span")
		assert.Equal(t, parent.SpanContext().TraceID(), leg.SpanContext().TraceID())
		assert.Equal(t, trace.SpanKindClient, leg.SpanKind())
		assert.Equal(t, db, a[otelgrant.DatabaseKey].AsString())
		assert.Equal(t, db+".primary", a[otelgrant.NodeKey].AsString())
		assert.Equal(t, "primary", a[otelgrant.RoleKey].AsString())
		assert.Equal(t, "sqlite", a["db.system.name"].AsString())
		assert.Equal(t, `SELECT id, total FROM orders ORDER BY total DESC LIMIT 4`, a["db.query.text"].AsString())
		assert.Equal(t, codes.Unset, leg.Status().Code)
	}
	// s0 holds customers 2 and 4 (orders 2, 4), s1 customers 1 and 3 (orders 1, 3, 5).
	assert.Equal(t, int64(2), attrs(legs[0])[otelgrant.RowsKey].AsInt64())
	assert.Equal(t, int64(3), attrs(legs[1])[otelgrant.RowsKey].AsInt64())

	// Before its first fan-out ORDER BY, Grant read the collations of
	// orders' columns from each shard's catalog: spans of their own.
	reads := spansNamed(sr, "grant.catalog")
	require.Len(t, reads, 2, "one catalog read per shard, at first use")
	for _, r := range reads {
		assert.Equal(t, parent.SpanContext().SpanID(), r.Parent().SpanID())
	}
	sr2 := len(sr.Ended())
	rows, err = db.QueryContext(ctx, `SELECT id, total FROM orders ORDER BY total DESC LIMIT 4`)
	require.NoError(t, err)
	require.NoError(t, rows.Close())
	assert.Len(t, sr.Ended(), sr2+2, "the second time: the legs only, the catalog facts are cached")
}

// TestSingleShardAndWrites: a statement on one shard has one node span; a
// write on both runs in a transaction on each, whose begin, exec and commit
// are spans of the shard's node.
func TestSingleShardAndWrites(t *testing.T) {
	tp, sr := recorder(t)
	_, db := openShards(t, otelgrant.Trace(otelgrant.WithTracerProvider(tp), otelgrant.WithQueryText(false)))

	ctx, parent := tp.Tracer("app").Start(context.Background(), "request")
	var total int
	require.NoError(t, db.QueryRowContext(ctx, `SELECT sum(total) FROM orders WHERE customer_id = ?`, 3).Scan(&total))
	assert.Equal(t, 30, total)
	q := spansNamed(sr, "grant.query")
	require.Len(t, q, 1)
	assert.Equal(t, "s1", attrs(q[0])[otelgrant.DatabaseKey].AsString(), "customer 3 lives on s1")
	assert.NotContains(t, attrs(q[0]), attribute.Key("db.query.text"), "WithQueryText(false)")

	res, err := db.ExecContext(ctx, `UPDATE orders SET total = total + 1`)
	require.NoError(t, err)
	affected, _ := res.RowsAffected()
	assert.Equal(t, int64(5), affected)
	parent.End()
	for _, name := range []string{"grant.begin", "grant.exec", "grant.commit"} {
		spans := spansNamed(sr, name)
		require.Len(t, spans, 2, name)
		assert.Equal(t, "s0", attrs(spans[0])[otelgrant.DatabaseKey].AsString(), name)
		assert.Equal(t, "s1", attrs(spans[1])[otelgrant.DatabaseKey].AsString(), name)
		for _, s := range spans {
			assert.Equal(t, parent.SpanContext().SpanID(), s.Parent().SpanID(), name)
		}
	}
}

func TestFailedCallSpan(t *testing.T) {
	tp, sr := recorder(t)
	_, db := openShards(t, otelgrant.Trace(otelgrant.WithTracerProvider(tp)))
	ctx, parent := tp.Tracer("app").Start(context.Background(), "request")
	_, err := db.QueryContext(ctx, `SELECT nope FROM orders WHERE customer_id = 2`)
	parent.End()
	require.Error(t, err)
	spans := spansNamed(sr, "grant.query")
	require.NotEmpty(t, spans)
	s := spans[len(spans)-1]
	assert.Equal(t, codes.Error, s.Status().Code)
	assert.Contains(t, s.Status().Description, "no such column: nope")
	assert.Equal(t, "s0", attrs(s)[otelgrant.DatabaseKey].AsString())
	require.NotEmpty(t, s.Events())
	assert.Equal(t, "exception", s.Events()[0].Name)
}

func TestRootSpans(t *testing.T) {
	tp, sr := recorder(t)
	_, db := openShards(t, otelgrant.Trace(otelgrant.WithTracerProvider(tp), otelgrant.WithRootSpans(),
		otelgrant.WithAttributes(attribute.String("service.part", "billing"))))
	var n int
	require.NoError(t, db.QueryRowContext(context.Background(), `SELECT count(*) FROM orders WHERE customer_id = 4`).Scan(&n))
	assert.Equal(t, 1, n)
	spans := spansNamed(sr, "grant.query")
	require.NotEmpty(t, spans)
	s := spans[len(spans)-1]
	assert.False(t, s.Parent().IsValid(), "a root span")
	assert.Equal(t, "billing", attrs(s)["service.part"].AsString())
	assert.Equal(t, int64(1), attrs(s)[otelgrant.RowsKey].AsInt64())
}
