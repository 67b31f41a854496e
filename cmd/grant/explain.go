package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"time"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/registry"
	"github.com/grantsql/grant/routing"
	"github.com/grantsql/grant/sharding"
)

// explain prints where a statement would run and why. It runs nothing:
// unless -live, the replicas are taken as healthy and caught up, so the
// answer is the one routing gives when the cluster is well.
func explain(ctx context.Context, args []string, out, stderr io.Writer) error {
	fs := newFlags("explain", `-config FILE [-json] [-args JSON] [-database NAME] [-live] "SQL"`, stderr)
	path := fs.String("config", "", "cluster configuration `file` (YAML or JSON)")
	asJSON := fs.Bool("json", false, "print JSON instead of a tree")
	argsJSON := fs.String("args", "", "the statement's arguments: a JSON array [42, \"x\"], or an object {\"id\": 42} of named ones")
	database := fs.String("database", "", "run as under grant.UseShard(ctx, `NAME`)")
	live := fs.Bool("live", false, "check the nodes and measure the replicas first, and route by what they say")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"want exactly one SQL statement after the flags (quote it)"}
	}
	query := fs.Arg(0)
	vals, err := parseArgs(*argsJSON)
	if err != nil {
		return usageError{"-args: " + err.Error()}
	}
	c, err := openCluster(*path)
	if err != nil {
		return err
	}
	defer c.Close()
	if *live {
		lctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		for range max(c.Config().Health.Failures, 1) {
			c.Registry().CheckNow(lctx)
		}
		c.Router().MeasureNow(lctx)
		cancel()
	} else {
		assumeReplicasWell(c)
	}
	if *database != "" {
		ctx = grant.UseShard(ctx, *database)
	}
	x, err := c.Explain(ctx, query, vals...)
	if err != nil {
		if *asJSON {
			writeJSON(out, map[string]string{"statement": query, "error": err.Error()})
		} else {
			what := "error"
			if errors.As(err, new(*sharding.RefusedError)) {
				what = "refused"
			}
			fmt.Fprintf(out, "%s\n└─ %s: %v\n", query, what, err)
		}
		return errProblems
	}
	if *asJSON {
		return writeJSON(out, x)
	}
	t := explainTree(x)
	if !*live && hasReplicas(c) {
		t.add("(replicas taken as healthy and caught up: -live measures them)")
	}
	t.write(out)
	return nil
}

// assumeReplicasWell stops the lag monitor and records every replica as
// replicating and caught up, so that routing answers as for a well cluster
// without asking any server.
func assumeReplicasWell(c *grant.Connector) {
	c.Router().Close()
	for _, n := range c.Registry().Nodes() {
		if n.Role == registry.Replica {
			c.Router().State().Record(n, routing.Measurement{Status: routing.StatusReplicating, CaughtUp: true})
		}
	}
}

func hasReplicas(c *grant.Connector) bool {
	return slices.ContainsFunc(c.Registry().Nodes(), func(n *registry.Node) bool { return n.Role == registry.Replica })
}

// parseArgs decodes -args: a JSON array of positional arguments or an
// object of named ones (sql.Named, in name order). Integral numbers become
// int64, others float64; strings, booleans and null are themselves.
func parseArgs(s string) ([]any, error) {
	if s == "" {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("not JSON: %v", err)
	}
	if dec.More() {
		return nil, errors.New("want one JSON array or object")
	}
	switch v := v.(type) {
	case []any:
		for i := range v {
			a, err := sqlValue(v[i])
			if err != nil {
				return nil, fmt.Errorf("argument %d: %v", i+1, err)
			}
			v[i] = a
		}
		return v, nil
	case map[string]any:
		var out []any
		for _, name := range slices.Sorted(maps.Keys(v)) {
			a, err := sqlValue(v[name])
			if err != nil {
				return nil, fmt.Errorf("argument %s: %v", name, err)
			}
			out = append(out, sql.Named(name, a))
		}
		return out, nil
	}
	return nil, errors.New("want a JSON array [1, \"x\"] or an object {\"name\": 1}")
}

func sqlValue(v any) (any, error) {
	switch v := v.(type) {
	case json.Number:
		if i, err := v.Int64(); err == nil {
			return i, nil
		}
		return v.Float64()
	case string, bool, nil:
		return v, nil
	}
	return nil, errors.New("arrays and objects are not SQL values")
}

// writeJSON writes v as indented JSON, HTML characters unescaped.
func writeJSON(out io.Writer, v any) error {
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
