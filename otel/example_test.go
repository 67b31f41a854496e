package otelgrant_test

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"sort"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/config"
	otelgrant "github.com/grantsql/grant/otel"
)

// A read of every shard shows one span per shard, under the caller's span.
func ExampleTrace() {
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))

	cfg, err := config.Load("../testdata/sqlite-shards.yaml")
	if err != nil {
		log.Fatal(err)
	}
	c, err := grant.NewConnector(cfg, otelgrant.Trace(otelgrant.WithTracerProvider(tp)))
	if err != nil {
		log.Fatal(err)
	}
	db := sql.OpenDB(c)
	defer db.Close()
	db.Exec(`CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL)`)
	db.Exec(`INSERT INTO orders (id, customer_id) VALUES (1, 1), (2, 2), (3, 3)`)
	defer db.Exec(`DROP TABLE orders`)

	ctx, span := tp.Tracer("shop").Start(context.Background(), "list orders")
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM orders`).Scan(&n); err != nil {
		log.Fatal(err)
	}
	span.End()

	var lines []string
	for _, s := range spans.Ended() {
		if s.Parent().SpanID() == span.SpanContext().SpanID() {
			var node, rows string
			for _, kv := range s.Attributes() {
				switch kv.Key {
				case otelgrant.NodeKey:
					node = kv.Value.AsString()
				case otelgrant.RowsKey:
					rows = kv.Value.Emit()
				}
			}
			lines = append(lines, fmt.Sprintf("%s on %s: %s row", s.Name(), node, rows))
		}
	}
	sort.Strings(lines)
	fmt.Println(n, "orders")
	for _, l := range lines {
		fmt.Println(l)
	}
	// Output:
	// 3 orders
	// grant.query on s0.primary: 1 row
	// grant.query on s1.primary: 1 row
}

// Per-node metrics, read here by a manual reader.
func ExampleRegisterMetrics() {
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))

	cfg, err := config.Load("../testdata/sqlite.yaml")
	if err != nil {
		log.Fatal(err)
	}
	c, err := grant.NewConnector(cfg)
	if err != nil {
		log.Fatal(err)
	}
	db := sql.OpenDB(c)
	defer db.Close()
	reg, err := otelgrant.RegisterMetrics(c, mp)
	if err != nil {
		log.Fatal(err)
	}
	defer reg.Unregister()

	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		log.Fatal(err)
	}
	for _, m := range rm.ScopeMetrics[0].Metrics {
		if m.Name != otelgrant.MetricInRotation {
			continue
		}
		for _, p := range m.Data.(metricdata.Gauge[int64]).DataPoints {
			node, _ := p.Attributes.Value(otelgrant.NodeKey)
			fmt.Println(node.AsString(), "in rotation:", p.Value)
		}
	}
	// Unordered output:
	// main.primary in rotation: 1
	// main.replicas[0] in rotation: 1
}
