package engine

import (
	"context"
	"database/sql/driver"
	"fmt"
	"testing"

	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/sharding"
)

// BenchmarkPlanSingleShard measures what Grant adds in process to a
// statement on a sharded table before it reaches a connection: the cached
// analysis, the sharding plan and the routing decision. No I/O happens.
func BenchmarkPlanSingleShard(b *testing.B) {
	dbs := map[string]*config.Database{}
	var names []string
	for i := range 4 {
		names = append(names, fmt.Sprintf("s%d", i))
		dbs[names[i]] = &config.Database{Primary: fmt.Sprintf("file:%s/s%d.db", b.TempDir(), i)}
	}
	e := newTestEngine(b, &config.Cluster{Dialect: dialect.SQLite, Databases: dbs, DefaultDatabase: "s0",
		Health: config.Health{Disabled: true},
		Sharding: &sharding.Config{
			Resolvers: map[string]sharding.Spec{"m": {Type: "modulo", Databases: names}},
			Tables:    map[string]sharding.TableConfig{"orders": {Key: "customer_id", Resolver: "m"}},
		}}, nil)
	s := e.NewSession()
	ctx := context.Background()
	q := `SELECT id, customer_id, amount FROM orders WHERE customer_id = ?`
	args := []driver.NamedValue{{Ordinal: 1, Value: int64(0)}}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		args[0].Value = int64(i)
		sp, pl, err := s.plan(ctx, e.cache.Analyze(dialect.SQLite, q), args)
		if err != nil || pl != nil || sp.rt.Node == nil {
			b.Fatal(err, pl)
		}
	}
}
