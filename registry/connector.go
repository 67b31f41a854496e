package registry

import (
	"context"
	"database/sql/driver"
	"fmt"
	"net"
	"strings"
	"sync"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"modernc.org/sqlite"

	"github.com/grantsql/grant/dialect"
)

// realConnector returns the real driver's connector for one node's DSN.
// For PostgreSQL and MySQL over TCP or a Unix socket, the network
// connections it dials are recorded in l (see links), unless l is nil.
func realConnector(d dialect.Dialect, s string, l *links) (driver.Connector, error) {
	switch d {
	case dialect.Postgres:
		if l == nil || strings.HasPrefix(s, "registeredConnConfig") {
			// A name from stdlib.RegisterConnConfig: pgx looks it up.
			return stdlib.GetDefaultDriver().(driver.DriverContext).OpenConnector(s)
		}
		return &pgConnector{dsn: s, links: l}, nil
	case dialect.MySQL:
		cfg, err := mysql.ParseDSN(s)
		if err != nil {
			return nil, err
		}
		switch cfg.Net {
		case "tcp", "tcp4", "tcp6", "unix":
			if l != nil && cfg.DialFunc == nil {
				var nd net.Dialer // what the driver itself dials with
				cfg.DialFunc = l.dialer(nd.DialContext)
			}
		}
		return mysql.NewConnector(cfg)
	case dialect.SQLite:
		return sqlite.NewConnector(s)
	}
	return nil, fmt.Errorf("unsupported dialect %v", d)
}

// pgConnector is pgx's connector for one DSN with its dial function
// recorded in links. Like pgx's own connector for a DSN it parses the DSN
// at the first connection, not at open (parsing may read a password or
// service file), and, unlike it, only once.
type pgConnector struct {
	dsn   string
	links *links

	mu    sync.Mutex
	inner driver.Connector // stdlib's, once the DSN parsed
}

func (c *pgConnector) Connect(ctx context.Context) (driver.Conn, error) {
	inner, err := c.parsed()
	if err != nil {
		return nil, err
	}
	return inner.Connect(ctx)
}

func (c *pgConnector) parsed() (driver.Connector, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.inner == nil {
		cfg, err := pgx.ParseConfig(c.dsn)
		if err != nil {
			return nil, err
		}
		cfg.DialFunc = c.links.dialer(cfg.DialFunc)
		c.inner = stdlib.GetConnector(*cfg)
	}
	return c.inner, nil
}

func (c *pgConnector) Driver() driver.Driver { return stdlib.GetDefaultDriver() }
