package engine

import (
	"testing"

	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/internal/planner"
	"github.com/grantsql/grant/registry"
	"github.com/grantsql/grant/routing"
	"github.com/grantsql/grant/sharding"
)

// newTestEngine builds the engine of cfg the way a connector does, with
// opts for the registry (a fake driver's connectors, a probe), and closes
// it when the test ends.
func newTestEngine(t testing.TB, cfg *config.Cluster, opts *registry.Options) *Engine {
	t.Helper()
	v, err := cfg.Validate()
	if err != nil {
		t.Fatal(err)
	}
	var p *planner.Planner
	if !v.Sharding.Empty() {
		rs, err := sharding.Build(v.Sharding, v.DatabaseNames())
		if err != nil {
			t.Fatal(err)
		}
		if p, err = planner.New(*v.Sharding, v.Dialect, v.DefaultDatabase, v.DatabaseNames(), rs); err != nil {
			t.Fatal(err)
		}
	}
	var o registry.Options
	if opts != nil {
		o = *opts
	}
	reg, err := registry.Open(v, o)
	if err != nil {
		t.Fatal(err)
	}
	router, err := routing.FromRegistry(v.Routing, reg, routing.Options{InFlight: (*registry.Node).InFlight})
	if err != nil {
		reg.Close()
		t.Fatal(err)
	}
	router.Start()
	e := New(v, reg, router, p, nil)
	t.Cleanup(func() {
		e.Close()
		router.Close()
		reg.Close()
	})
	return e
}
