package otelgrant

import (
	"context"
	"errors"
	"slices"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/grantsql/grant"
)

// The metrics RegisterMetrics reports, each per node (attributes
// db.system.name, grant.node, grant.database, grant.role).
const (
	MetricInFlight    = "grant.node.in_flight"   // statements and held transactions running now
	MetricStatements  = "grant.node.statements"  // statements run, since the connector opened
	MetricErrors      = "grant.node.errors"      // failed connections and statements, since the connector opened
	MetricHealthy     = "grant.node.healthy"     // 1 while the health checks pass, else 0
	MetricInRotation  = "grant.node.in_rotation" // 1 while routing uses the node, else 0
	MetricConnections = "grant.node.connections" // pool connections, by state (idle, used)
	MetricReplicaLag  = "grant.replica.lag"      // seconds a replica is behind; only while known
)

// StateKey is the attribute of MetricConnections: "idle" or "used".
const StateKey = attribute.Key("state")

// nodeAttrs are the measurement options of one node, made once.
type nodeAttrs struct {
	node, used, idle metric.MeasurementOption
}

// RegisterMetrics reports c's nodes through the OpenTelemetry metrics API
// of mp (nil: the global MeterProvider), read from c.Status() at each
// collection. Unregister the returned registration before closing c.
func RegisterMetrics(c *grant.Connector, mp metric.MeterProvider) (metric.Registration, error) {
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	m := mp.Meter(ScopeName)
	var errs []error
	add := func(err error) { errs = append(errs, err) }
	inFlight, err := m.Int64ObservableUpDownCounter(MetricInFlight, metric.WithUnit("{statement}"),
		metric.WithDescription("Statements and held transactions running on the node."))
	add(err)
	stmts, err := m.Int64ObservableCounter(MetricStatements, metric.WithUnit("{statement}"),
		metric.WithDescription("Statements and transactions the node began since the connector opened."))
	add(err)
	failures, err := m.Int64ObservableCounter(MetricErrors, metric.WithUnit("{error}"),
		metric.WithDescription("Errors on the node (failed connections and statements) since the connector opened."))
	add(err)
	healthy, err := m.Int64ObservableGauge(MetricHealthy, metric.WithUnit("1"),
		metric.WithDescription("1 while the node passes its health checks, else 0."))
	add(err)
	rotation, err := m.Int64ObservableGauge(MetricInRotation, metric.WithUnit("1"),
		metric.WithDescription("1 while routing sends the node statements, else 0."))
	add(err)
	conns, err := m.Int64ObservableUpDownCounter(MetricConnections, metric.WithUnit("{connection}"),
		metric.WithDescription("Connections of the node's pool, by state (idle, used)."))
	add(err)
	lag, err := m.Float64ObservableGauge(MetricReplicaLag, metric.WithUnit("s"),
		metric.WithDescription("How far a replica is behind its primary, while known."))
	add(err)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}

	// The nodes are fixed when the connector opens: their attributes are
	// made once, and only read by callbacks, which may run concurrently.
	attrs := map[string]nodeAttrs{}
	for _, n := range c.Registry().Nodes() {
		kv := slices.Clip(NodeAttributes(n))
		attrs[n.Name] = nodeAttrs{
			node: metric.WithAttributeSet(attribute.NewSet(kv...)),
			used: metric.WithAttributeSet(attribute.NewSet(append(kv, StateKey.String("used"))...)),
			idle: metric.WithAttributeSet(attribute.NewSet(append(kv, StateKey.String("idle"))...)),
		}
	}
	return m.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		for _, s := range c.Status() {
			a := attrs[s.Name]
			at := a.node
			o.ObserveInt64(inFlight, s.InFlight, at)
			o.ObserveInt64(stmts, s.Stmts, at)
			o.ObserveInt64(failures, s.Errors, at)
			o.ObserveInt64(healthy, bool01(s.Healthy), at)
			o.ObserveInt64(rotation, bool01(s.InRotation), at)
			o.ObserveInt64(conns, int64(s.Pool.InUse), a.used)
			o.ObserveInt64(conns, int64(s.Pool.Idle), a.idle)
			if s.Replica != nil && s.Replica.LagKnown {
				o.ObserveFloat64(lag, s.Replica.Lag.Seconds(), at)
			}
		}
		return nil
	}, inFlight, stmts, failures, healthy, rotation, conns, lag)
}

func bool01(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
