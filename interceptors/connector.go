package interceptors

import (
	"context"
	"database/sql/driver"
	"io"

	"github.com/ngrok/sqlmw"
)

// Wrap returns a connector whose connections run through chain, chain[0]
// outermost. With an empty chain it returns c itself: no interceptor, no cost.
func Wrap(c driver.Connector, chain ...sqlmw.Interceptor) driver.Connector {
	for i := len(chain) - 1; i >= 0; i-- {
		w := connector{intr: chain[i], parent: c}
		if _, ok := c.(io.Closer); ok {
			c = closingConnector{w}
		} else {
			c = w
		}
	}
	return c
}

type connector struct {
	intr   sqlmw.Interceptor
	parent driver.Connector
}

var _ driver.Connector = connector{}

// Connect opens a physical connection through the interceptor.
func (c connector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.intr.ConnectorConnect(ctx, c.parent)
	if err != nil {
		return nil, err
	}
	return &wrappedConn{intr: c.intr, parent: conn}, nil
}

// Driver returns the base connector's driver.
func (c connector) Driver() driver.Driver { return c.parent.Driver() }

// closingConnector is a connector whose base implements io.Closer.
type closingConnector struct{ connector }

var _ io.Closer = closingConnector{}

// Close closes the base connector; database/sql calls it from DB.Close.
func (c closingConnector) Close() error { return c.parent.(io.Closer).Close() }

// Unwrap returns the driver connection under every interceptor layer of
// conn; anything that is not a wrapped connection is returned as it is.
func Unwrap(conn any) any {
	for {
		u, ok := conn.(interface{ Unwrap() driver.Conn })
		if !ok {
			return conn
		}
		conn = u.Unwrap()
	}
}
