package otelgrant

import (
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

// Option configures Trace.
type Option func(*config)

type config struct {
	tracerProvider trace.TracerProvider
	queryText      bool
	rootSpans      bool
	attrs          []attribute.KeyValue
}

func newConfig(opts []Option) config {
	c := config{tracerProvider: otel.GetTracerProvider(), queryText: true}
	for _, o := range opts {
		o(&c)
	}
	return c
}

// WithTracerProvider makes the spans with tp instead of the global
// TracerProvider.
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(c *config) { c.tracerProvider = tp }
}

// WithQueryText says whether spans carry the SQL a node ran
// (db.query.text); on by default. The text holds literals written in the
// SQL, never the arguments.
func WithQueryText(on bool) Option {
	return func(c *config) { c.queryText = on }
}

// WithRootSpans makes a span for a call whose context carries none, as a
// new trace, instead of no span.
func WithRootSpans() Option {
	return func(c *config) { c.rootSpans = true }
}

// WithAttributes adds attributes to every span (a service's own labels).
func WithAttributes(kv ...attribute.KeyValue) Option {
	return func(c *config) { c.attrs = append(c.attrs, kv...) }
}
