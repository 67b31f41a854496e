package otelgrant_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/internal/testenv"
	otelgrant "github.com/grantsql/grant/otel"
)

// collect reads every metric of r, by name.
func collect(t *testing.T, r *sdkmetric.ManualReader) map[string]metricdata.Aggregation {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, r.Collect(context.Background(), &rm))
	out := map[string]metricdata.Aggregation{}
	for _, sm := range rm.ScopeMetrics {
		if sm.Scope.Name != otelgrant.ScopeName {
			continue
		}
		for _, m := range sm.Metrics {
			out[m.Name] = m.Data
		}
	}
	return out
}

// value returns the value of an integer metric for one node (and state,
// when given), and whether there is one.
func value(data metricdata.Aggregation, node string, state ...string) (int64, bool) {
	match := func(set attribute.Set) bool {
		n, _ := set.Value(otelgrant.NodeKey)
		s, hasState := set.Value(otelgrant.StateKey)
		return n.AsString() == node && (len(state) == 0 || hasState && s.AsString() == state[0])
	}
	switch d := data.(type) {
	case metricdata.Sum[int64]:
		for _, p := range d.DataPoints {
			if match(p.Attributes) {
				return p.Value, true
			}
		}
	case metricdata.Gauge[int64]:
		for _, p := range d.DataPoints {
			if match(p.Attributes) {
				return p.Value, true
			}
		}
	}
	return 0, false
}

func TestMetricsPerNode(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	t.Cleanup(func() { _ = mp.Shutdown(context.Background()) })
	c, db := openShards(t, grant.WithCounters())
	reg, err := otelgrant.RegisterMetrics(c, mp)
	require.NoError(t, err)
	t.Cleanup(func() { _ = reg.Unregister() })

	before := collect(t, reader)
	s0, _ := value(before[otelgrant.MetricStatements], "s0.primary")
	for range 3 {
		var n int
		require.NoError(t, db.QueryRowContext(context.Background(), `SELECT count(*) FROM orders WHERE customer_id = 2`).Scan(&n))
	}
	_, err = db.ExecContext(context.Background(), `SELECT nope FROM orders WHERE customer_id = 2`)
	require.Error(t, err)

	// A transaction holds a connection of each database it ran on.
	tx, err := db.BeginTx(context.Background(), nil)
	require.NoError(t, err)
	for _, customer := range []int{1, 2} {
		var n int
		require.NoError(t, tx.QueryRow(`SELECT count(*) FROM orders WHERE customer_id = ?`, customer).Scan(&n))
	}
	m := collect(t, reader)
	require.NoError(t, tx.Commit())

	for _, node := range []string{"s0.primary", "s1.primary"} {
		v, ok := value(m[otelgrant.MetricInFlight], node)
		assert.True(t, ok, node)
		assert.Equal(t, int64(1), v, "%s: the open transaction", node)
		v, _ = value(m[otelgrant.MetricInRotation], node)
		assert.Equal(t, int64(1), v, node)
		v, _ = value(m[otelgrant.MetricHealthy], node)
		assert.Equal(t, int64(1), v, node)
		v, ok = value(m[otelgrant.MetricConnections], node, "used")
		assert.True(t, ok, node)
		assert.GreaterOrEqual(t, v, int64(1), node)
		_, ok = value(m[otelgrant.MetricConnections], node, "idle")
		assert.True(t, ok, node)
	}
	v, _ := value(m[otelgrant.MetricStatements], "s0.primary")
	assert.Equal(t, s0+5, v, "3 reads, the failed one and the transaction on s0")
	v, _ = value(m[otelgrant.MetricErrors], "s0.primary")
	assert.Equal(t, int64(1), v)
	v, _ = value(m[otelgrant.MetricErrors], "s1.primary")
	assert.Equal(t, int64(0), v)
	assert.NotContains(t, m, otelgrant.MetricReplicaLag, "no replica measured")

	sum := m[otelgrant.MetricStatements].(metricdata.Sum[int64])
	assert.True(t, sum.IsMonotonic)
	attrs := sum.DataPoints[0].Attributes
	system, _ := attrs.Value("db.system.name")
	assert.Equal(t, "sqlite", system.AsString())
	role, _ := attrs.Value(otelgrant.RoleKey)
	assert.Equal(t, "primary", role.AsString())
}

// TestMetricsReplicaLag reports the measured lag of the PostgreSQL
// replica and its rotation.
func TestMetricsReplicaLag(t *testing.T) {
	testenv.PostgresDSN(t)
	testenv.PostgresReplicaDSN(t)
	testenv.Exclusive(t, "pg-replica")
	cfg, err := config.Load("../testdata/postgres.yaml")
	require.NoError(t, err)
	c, err := grant.NewConnector(cfg)
	require.NoError(t, err)
	db := sql.OpenDB(c)
	defer db.Close()
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	defer mp.Shutdown(context.Background())
	reg, err := otelgrant.RegisterMetrics(c, mp)
	require.NoError(t, err)
	defer reg.Unregister()

	c.Router().MeasureNow(context.Background())
	m := collect(t, reader)
	lag, ok := m[otelgrant.MetricReplicaLag].(metricdata.Gauge[float64])
	require.True(t, ok, "a lag gauge")
	require.Len(t, lag.DataPoints, 1, "the replica's only")
	node, _ := lag.DataPoints[0].Attributes.Value(otelgrant.NodeKey)
	assert.Equal(t, "main.replicas[0]", node.AsString())
	assert.Less(t, lag.DataPoints[0].Value, 30.0)
	v, _ := value(m[otelgrant.MetricInRotation], "main.replicas[0]")
	assert.Equal(t, int64(1), v)
	v, _ = value(m[otelgrant.MetricInRotation], "main.primary")
	assert.Equal(t, int64(1), v)
}
