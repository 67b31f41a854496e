package otelgrant_test

import (
	"context"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/grantsql/grant"
	otelgrant "github.com/grantsql/grant/otel"
)

// BenchmarkPointRead reads one row of one shard: without Trace, with Trace
// and no span in the context (nothing made), and with Trace under a
// sampled span (a node span made and ended per read, exported nowhere).
func BenchmarkPointRead(b *testing.B) {
	tp := sdktrace.NewTracerProvider()
	defer tp.Shutdown(context.Background())
	for _, bc := range []struct {
		name   string
		opts   []grant.Option
		parent bool
	}{
		{"plain", nil, false},
		{"trace-no-span", []grant.Option{otelgrant.Trace(otelgrant.WithTracerProvider(tp))}, false},
		{"trace-span", []grant.Option{otelgrant.Trace(otelgrant.WithTracerProvider(tp))}, true},
	} {
		b.Run(bc.name, func(b *testing.B) {
			_, db := openShards(b, bc.opts...)
			ctx := context.Background()
			if bc.parent {
				var sp interface{ End() }
				ctx, sp = startSpan(ctx, tp)
				defer sp.End()
			}
			for b.Loop() {
				var total int
				if err := db.QueryRowContext(ctx, `SELECT total FROM orders WHERE customer_id = ?`, 2).Scan(&total); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
