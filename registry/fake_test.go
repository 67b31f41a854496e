package registry_test

import (
	"context"
	"database/sql/driver"
	"fmt"
	"io"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/fakedb"
	"github.com/grantsql/grant/registry"
)

// Fake DSNs: the primary and the replica of database main. The primary's
// is a URL with a password, so that masking can be seen.
const (
	primaryDSN = "postgres://app:s3cret-pw@main-db/main"
	replicaDSN = "postgres://app:s3cret-pw@main-replica/main"
	password   = "s3cret-pw"
)

// fakeConfig is a PostgreSQL cluster of one database, main, with a
// primary and one replica, health checks off.
func fakeConfig() *config.Cluster {
	return &config.Cluster{
		Dialect:   dialect.Postgres,
		Databases: map[string]*config.Database{"main": {Primary: primaryDSN, Replicas: []string{replicaDSN}}},
		Health:    config.Health{Disabled: true},
	}
}

// openFake opens a registry of cfg (fakeConfig when nil) whose nodes are
// fake databases of the returned cluster; opts.Connector is set to it.
func openFake(t *testing.T, cfg *config.Cluster, opts registry.Options) (*registry.Registry, *fakedb.Cluster) {
	t.Helper()
	if cfg == nil {
		cfg = fakeConfig()
	}
	v, err := cfg.Validate()
	require.NoError(t, err)
	fake := fakedb.NewCluster()
	opts.Connector = fake.Connector
	reg, err := registry.Open(v, opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = reg.Close() })
	return reg, fake
}

// primary returns the primary of the default database.
func primary(reg *registry.Registry) *registry.Node { return reg.Default().Primary }

// acquire takes a connection of n, failing the test on an error.
func acquire(t *testing.T, n *registry.Node) *registry.Conn {
	t.Helper()
	c := new(registry.Conn)
	require.NoError(t, n.Acquire(context.Background(), c))
	return c
}

// drain reads rows to the end and closes them, returning the row count.
func drain(t *testing.T, rows driver.Rows) int {
	t.Helper()
	n := 0
	for {
		dest := make([]driver.Value, len(rows.Columns()))
		err := rows.Next(dest)
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		n++
	}
	require.NoError(t, rows.Close())
	return n
}

func itoa(n uint32) string { return strconv.FormatUint(uint64(n), 10) }

// toString renders a driver value (an integer or its text) as text.
func toString(v driver.Value) string {
	if b, ok := v.([]byte); ok {
		return string(b)
	}
	return fmt.Sprint(v)
}
