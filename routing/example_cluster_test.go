package routing_test

import (
	"fmt"
	"strings"

	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/routing"
)

// Two configurations of the same primaries are one cluster, whatever user,
// password or driver parameters their DSNs carry: Routers made with the same
// Options.Cluster (each grant.NewConnector or sql.Open makes one) share the
// record of the writes their reads must see. The identity is a hash that
// shows nothing of a DSN.
func ExampleClusterID() {
	one := func(dsn string) *config.Cluster {
		return &config.Cluster{Dialect: dialect.Postgres, Databases: map[string]*config.Database{"main": {Primary: dsn}}}
	}
	app := routing.ClusterID(one("postgres://app:s3cret@db1.example:5432/shop"))
	admin := routing.ClusterID(one("host=db1.example port=5432 dbname=shop user=admin application_name=jobs"))
	other := routing.ClusterID(one("postgres://app:s3cret@db2.example:5432/shop"))

	fmt.Println(app == admin)
	fmt.Println(app == other)
	fmt.Println(strings.Contains(app, "s3cret"), strings.Contains(app, "db1"))
	// Output:
	// true
	// false
	// false false
}
