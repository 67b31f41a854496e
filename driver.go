// Package grant is a database/sql driver that puts a whole database cluster
// behind one sql.Open("grant", dsn): primaries and replicas, and the real
// drivers underneath (pgx for PostgreSQL, go-sql-driver/mysql for MySQL and
// MariaDB, modernc.org/sqlite for SQLite).
//
// Importing the package registers the driver "grant"; nothing else happens at
// import time. There are three ways to open a cluster:
//
//	db, err := sql.Open("grant", "file:cluster.yaml") // a YAML or JSON file
//	db, err := sql.Open("grant", "app")               // registered with grant.Register("app", cfg)
//	c, err := grant.NewConnector(cfg)                 // programmatic
//	db := sql.OpenDB(c)
//
// Every statement runs through one pipeline: it is analyzed, routed to a
// node, executed on a physical connection taken from that node's pool, and
// its results handed back to database/sql. Errors from the real driver come
// back wrapped, so errors.As(err, &pgErr) and errors.Is(err, sql.ErrNoRows)
// work as they do without Grant.
package grant

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/grantsql/grant/config"
)

// DriverName is the name Grant registers with database/sql.
const DriverName = "grant"

// Config is a cluster configuration; see package config.
type Config = config.Cluster

func init() {
	sql.Register(DriverName, &Driver{})
}

// Driver is the database/sql driver. It implements driver.DriverContext, so
// database/sql builds one Connector (one set of node pools) per sql.Open.
type Driver struct{}

var (
	_ driver.Driver        = (*Driver)(nil)
	_ driver.DriverContext = (*Driver)(nil)
)

// Open opens one connection on a fresh connector. database/sql does not call
// it, since Driver implements DriverContext; it exists for the interface.
func (d *Driver) Open(name string) (driver.Conn, error) {
	return nil, errors.New("grant: Driver.Open is not supported: use sql.Open(\"grant\", dsn), which calls OpenConnector")
}

// OpenConnector resolves name, either a cluster registered with Register or
// the path of a .yaml, .yml or .json file (optionally prefixed "file:"), and
// opens its node pools. Configuration errors are reported here.
func (d *Driver) OpenConnector(name string) (driver.Connector, error) {
	if r, ok := lookupRegistered(name); ok {
		return newConnector(r.cfg, d, r.opts)
	}
	if _, isFile := config.FormatOf(strings.TrimPrefix(name, "file:")); isFile {
		cfg, err := config.Load(name)
		if err != nil {
			return nil, err
		}
		return newConnector(cfg, d, nil)
	}
	return nil, fmt.Errorf("grant: unknown cluster %q: register it with grant.Register or name a .yaml, .yml or .json file", name)
}

type registered struct {
	cfg  *Config
	opts []Option
}

var (
	regMu    sync.RWMutex
	clusters = map[string]registered{}
)

// Register validates cfg and makes it available as sql.Open("grant", name).
// Registering a name again replaces the earlier configuration for later
// sql.Open calls; databases already open keep theirs.
func Register(name string, cfg *Config, opts ...Option) error {
	if name == "" {
		return errors.New("grant: Register: empty cluster name")
	}
	v, err := cfg.Validate()
	if err != nil {
		return err
	}
	regMu.Lock()
	clusters[name] = registered{cfg: v, opts: opts}
	regMu.Unlock()
	return nil
}

// Unregister removes a cluster registered with Register.
func Unregister(name string) {
	regMu.Lock()
	delete(clusters, name)
	regMu.Unlock()
}

func lookupRegistered(name string) (registered, bool) {
	regMu.RLock()
	defer regMu.RUnlock()
	r, ok := clusters[name]
	return r, ok
}
