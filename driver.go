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

// OpenConnector resolves name and opens its node pools, doing no I/O:
//
//   - a cluster registered with Register, first;
//   - a .yaml, .yml or .json config file, optionally prefixed "file:";
//   - a DSN of one of the real drivers (a postgres:// or postgresql:// URL,
//     a PostgreSQL key=value string, a go-sql-driver/mysql
//     user:password@tcp(host:port)/db DSN, a SQLite file: URI or a path
//     ending .db, .sqlite or .sqlite3): a one-node cluster of that dialect
//     whose database is named "main".
//
// The rules that tell these apart are those of config.Resolve. A name that
// is none of them fails with ErrUnknownName, one that reads as more than
// one with config.ErrAmbiguousDSN; neither error shows a password.
// Configuration errors are reported here.
func (d *Driver) OpenConnector(name string) (driver.Connector, error) {
	if r, ok := lookupRegistered(name); ok {
		return newConnector(r.cfg, d, r.opts)
	}
	cfg, err := resolve(name)
	if err != nil {
		return nil, err
	}
	return newConnector(cfg, d, nil)
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
// sql.Open calls; databases already open keep theirs. A registered name is
// looked up before files and DSNs, so it must not look like either: name is
// letters, digits, '_', '-' and '.', without a config or SQLite file
// extension.
func Register(name string, cfg *Config, opts ...Option) error {
	if err := checkClusterName(name); err != nil {
		return err
	}
	if cfg == nil {
		return errors.New("grant: Register: nil config")
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

// lookupRegistered returns the cluster registered as name.
func lookupRegistered(name string) (registered, bool) {
	regMu.RLock()
	defer regMu.RUnlock()
	r, ok := clusters[name]
	return r, ok
}
