package registry_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/registry"
)

// Which errors count against a node's health: only those that say the
// node is unreachable or broken, never the statement's own, nor anything
// after the caller's context ended.
func ExampleNodeFailure() {
	ctx := context.Background()
	syntax := &pgconn.PgError{Severity: "ERROR", SeverityUnlocalized: "ERROR", Code: "42601"}
	nul := &pgconn.PgError{Severity: "ERROR", SeverityUnlocalized: "ERROR", Code: "08P01"}
	shutdown := &pgconn.PgError{Severity: "FATAL", SeverityUnlocalized: "FATAL", Code: "57P01"}
	fmt.Println(registry.NodeFailure(ctx, syntax), registry.NodeFailure(ctx, nul), registry.NodeFailure(ctx, shutdown))
	fmt.Println(registry.NodeFailure(ctx, io.ErrUnexpectedEOF))

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	fmt.Println(registry.NodeFailure(cancelled, io.ErrUnexpectedEOF))
	// Output:
	// false false true
	// true
	// false
}

// Take a node out of rotation by hand: statements running on it are
// cancelled, new reads go elsewhere, and passing health checks bring it
// back.
func ExampleRegistry_MarkDown() {
	cfg, err := (&config.Cluster{
		Dialect:   dialect.SQLite,
		Databases: map[string]*config.Database{"main": {Primary: "file:a?mode=memory", Replicas: []string{"file:b?mode=memory"}}},
		Health:    config.Health{Disabled: true},
	}).Validate()
	if err != nil {
		panic(err)
	}
	reg, err := registry.Open(cfg, registry.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		panic(err)
	}
	defer reg.Close()

	replica := reg.Default().Replicas[0]
	reg.MarkDown(replica, errors.New("maintenance"))
	s := replica.Stats()
	fmt.Println(s.Healthy, s.Transitions, s.LastError)
	reg.CheckNow(context.Background())
	fmt.Println(replica.Healthy())
	// Output:
	// false 1 maintenance
	// true
}
