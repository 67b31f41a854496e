package routing

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/registry"
)

func cluster(d dialect.Dialect, dbs ...string) *config.Cluster {
	c := &config.Cluster{Dialect: d, Databases: map[string]*config.Database{}}
	for i := 0; i+1 < len(dbs); i += 2 {
		c.Databases[dbs[i]] = &config.Database{Primary: dbs[i+1], Replicas: []string{dbs[i+1] + "&r=" + dbs[i]}}
	}
	return c
}

func TestClusterIDNamesServersAndDatabases(t *testing.T) {
	const pg = "postgres://app:s3cret@db1.example:5432/shop?sslmode=disable"
	id := ClusterID(cluster(dialect.Postgres, "main", pg))
	assert.True(t, strings.HasPrefix(id, "cluster-"), id)
	for _, secret := range []string{"s3cret", "app", "db1", "shop", "5432"} {
		assert.NotContains(t, id[len("cluster-"):], secret, "the identity shows nothing of a DSN")
	}

	same := map[string]*config.Cluster{
		"another password and parameters": cluster(dialect.Postgres, "main", "postgres://other:pw@db1.example:5432/shop?application_name=x"),
		"key=value form":                  cluster(dialect.Postgres, "main", "host=db1.example port=5432 dbname=shop user=app password=s3cret"),
	}
	for why, c := range same {
		assert.Equal(t, id, ClusterID(c), why)
	}
	c := cluster(dialect.Postgres, "main", pg)
	c.Databases["main"].Replicas = nil
	assert.Equal(t, id, ClusterID(c), "replicas do not matter")

	different := map[string]*config.Cluster{
		"another host":          cluster(dialect.Postgres, "main", "postgres://app:s3cret@db2.example:5432/shop"),
		"another port":          cluster(dialect.Postgres, "main", "postgres://app:s3cret@db1.example:5433/shop"),
		"another database":      cluster(dialect.Postgres, "main", "postgres://app:s3cret@db1.example:5432/shop2"),
		"another database name": cluster(dialect.Postgres, "app", pg),
		"one more database":     cluster(dialect.Postgres, "main", pg, "logs", "postgres://app@db3.example/logs"),
	}
	for why, c := range different {
		assert.NotEqual(t, id, ClusterID(c), why)
	}

	my := ClusterID(cluster(dialect.MySQL, "main", "app:pw@tcp(db1.example:3306)/shop"))
	assert.Equal(t, my, ClusterID(cluster(dialect.MySQL, "main", "root:other@tcp(db1.example:3306)/shop?timeout=5s")))
	assert.NotEqual(t, my, ClusterID(cluster(dialect.MySQL, "main", "app:pw@tcp(db1.example:3307)/shop")))
	lite := ClusterID(cluster(dialect.SQLite, "main", "file:/data/app.db?_pragma=busy_timeout(5000)"))
	assert.Equal(t, lite, ClusterID(cluster(dialect.SQLite, "main", "/data/app.db")))
	assert.NotEqual(t, lite, ClusterID(cluster(dialect.SQLite, "main", "/data/other.db")))
}

func TestSharedRecordAcrossRouters(t *testing.T) {
	base := sharedClusters()
	share := func(o *Options) { o.Cluster = "cluster-test-shared" }
	a := newFixture(t, Config{}, 1, share)
	b := newFixture(t, Config{}, 1, share)
	solo := newFixture(t, Config{}, 1)
	assert.Equal(t, base+1, sharedClusters())
	assert.Equal(t, "cluster-test-shared", b.r.Cluster())
	assert.Empty(t, solo.r.Cluster())

	a.r.Wrote(Input{DB: a.main}, Position{})
	rt := b.mustRoute("SELECT 1", Input{DB: b.main})
	assert.Same(t, b.main.Primary, rt.Node, "a write through a counts for b's reads")
	assert.Equal(t, ReasonRecentWrite, rt.Reason)
	assert.Same(t, solo.replica(0), solo.mustRoute("SELECT 1", Input{}).Node, "not for another cluster's")
	// A session's record stays its own.
	other := Input{DB: b.main, Overrides: FromContext(WithSession(context.Background(), NewSession()))}
	assert.Same(t, b.replica(0), b.mustRoute("SELECT 1", other).Node)

	a.r.Close()
	a.r.Close() // a second Close gives nothing back twice
	assert.Equal(t, base+1, sharedClusters())
	assert.Same(t, b.main.Primary, b.mustRoute("SELECT 1", Input{}).Node, "b holds the record")
	b.r.Close()
	assert.Equal(t, base, sharedClusters(), "the last Router gave it back")

	c := newFixture(t, Config{}, 1, share)
	assert.Same(t, c.replica(0), c.mustRoute("SELECT 1", Input{}).Node, "a new record")
	c.r.Close()
}

func TestSharedRecordDoesNotLeak(t *testing.T) {
	base := sharedClusters()
	db := fakeDB("main", 1)
	keep, err := New(Config{}, Options{Dialect: dialect.Postgres, Databases: []*registry.Database{db}, Cluster: "cluster-test-leak"})
	require.NoError(t, err)
	for range 10_000 {
		r, err := New(Config{}, Options{Dialect: dialect.Postgres, Databases: []*registry.Database{db}, Cluster: "cluster-test-leak"})
		require.NoError(t, err)
		r.Wrote(Input{DB: db}, Position{})
		r.Close()
	}
	assert.Equal(t, base+1, sharedClusters())
	assert.False(t, keep.shared.LastWrite("main").IsZero(), "the writes of closed Routers counted while the cluster was open")
	keep.Close()
	assert.Equal(t, base, sharedClusters())

	// A Router that fails validation holds nothing.
	_, err = New(Config{Policy: "fastest"}, Options{Dialect: dialect.Postgres, Databases: []*registry.Database{db}, Cluster: "cluster-test-leak"})
	require.Error(t, err)
	assert.Equal(t, base, sharedClusters())
}
