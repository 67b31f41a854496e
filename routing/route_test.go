package routing

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/registry"
	"github.com/grantsql/grant/routing/routecfg"
)

func TestRouteJSON(t *testing.T) {
	f := newFixture(t, Config{}, 2)
	cases := []struct {
		ctx  context.Context
		sql  string
		want string
	}{
		{context.Background(), "SELECT * FROM users",
			`{"database":"main","node":"main.replicas[0]","role":"replica","kind":"select","reason":"read"}`},
		{context.Background(), "SELECT * FROM users FOR UPDATE",
			`{"database":"main","node":"main.primary","role":"primary","kind":"select","reason":"needs primary","detail":"locking clause"}`},
		{context.Background(), "SET search_path = app",
			`{"database":"main","node":"main.primary","role":"primary","kind":"set","reason":"needs primary","detail":"pins the session: session setting","pin":true}`},
		{ForcePrimary(context.Background()), "SELECT 1",
			`{"database":"main","node":"main.primary","role":"primary","kind":"select","reason":"routing.ForcePrimary"}`},
		{UseDatabase(context.Background(), "other"), "SELECT 1",
			`{"database":"other","node":"other.replicas[0]","role":"replica","kind":"select","reason":"read"}`},
	}
	for _, c := range cases {
		rt, err := f.r.Explain(c.ctx, c.sql)
		require.NoError(t, err, c.sql)
		b, err := json.Marshal(rt)
		require.NoError(t, err)
		assert.JSONEq(t, c.want, string(b), c.sql)
	}
	setHealthy(f.replica(0), false)
	setHealthy(f.replica(1), false)
	rt, err := f.r.Explain(context.Background(), "SELECT 1")
	require.NoError(t, err)
	b, _ := json.Marshal(rt)
	assert.JSONEq(t, `{"database":"main","node":"main.primary","role":"primary","kind":"select","reason":"no replica in rotation","fallback":true}`, string(b))
	assert.Equal(t, "main.primary (no replica in rotation, fallback)", rt.String())
	assert.Equal(t, "<none> (x: y)", Route{Reason: "x", Detail: "y"}.String())
	b, _ = json.Marshal(Route{})
	assert.Contains(t, string(b), `"node":""`)
	assert.Equal(t, registry.Primary, Route{}.Role())
}

func TestStateInfoJSON(t *testing.T) {
	f := newFixture(t, Config{}, 1)
	f.at(0, lsn("0/10"))
	b, err := json.Marshal(f.r.State().Info(f.replica(0)))
	require.NoError(t, err)
	assert.Contains(t, string(b), `"status":"replicating"`)
	assert.Contains(t, string(b), `"position":"pg:0/10"`)
	assert.Equal(t, "unknown", Status(99).String())
}

func TestNewValidates(t *testing.T) {
	dbs := []*registry.Database{fakeDB("main", 2)}
	_, err := New(Config{Policy: "fastest", Weights: map[string]int{"main.replicas[9]": 1}}, Options{Databases: dbs})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `routing.policy: unknown policy: want round_robin`)
	assert.Contains(t, err.Error(), `routing.weights."main.replicas[9]": no replica named`)

	_, err = New(Config{ReadYourWrites: routecfg.ReadYourWrites{Mode: routecfg.RYWCausal}}, Options{Dialect: dialect.SQLite, Databases: dbs})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "sqlite")

	_, err = New(Config{}, Options{Databases: append(dbs, fakeDB("b", 0)), Default: "c"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `default database "c"`)

	cfg := Config{Weights: map[string]int{"main.replicas[0]": 2}, Policy: routecfg.Weighted}
	r, err := New(cfg, Options{Databases: dbs})
	require.NoError(t, err)
	cfg.Weights["main.replicas[0]"] = 7
	assert.Equal(t, 2, r.Config().Weights["main.replicas[0]"], "the router keeps its own copy")
	assert.Equal(t, routecfg.RYWWindow, r.Config().ReadYourWrites.Mode, "defaults filled in")
	r.Start() // SQLite-less dialect unknown: nothing to measure
	r.Close()
	r.Close()
}
