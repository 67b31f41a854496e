package registry

import (
	"context"
	"database/sql/driver"
	"errors"
	"sync"
)

// prober is a node's health-check connection. It is made with the node's
// connector but kept outside its pool, so that a check never queues behind
// the application for a pooled connection: a saturated pool (every
// connection busy, pool.max_open reached) says nothing about the node, and
// its waits must not take the node out of rotation. It costs one
// connection per node beyond pool.max_open.
type prober struct {
	mu   sync.Mutex
	conn driver.Conn
}

// ping checks that the node answers on its health-check connection, made
// (again) when missing or no longer usable.
func (n *Node) ping(ctx context.Context) error {
	p := &n.probeConn
	p.mu.Lock()
	defer p.mu.Unlock()
	for {
		fresh := p.conn == nil
		if fresh {
			dc, err := n.connector.Connect(ctx)
			if err != nil {
				return err
			}
			p.conn = dc
		} else if v, ok := p.conn.(driver.Validator); ok && !v.IsValid() {
			p.drop()
			continue
		}
		err := pingConn(ctx, p.conn)
		if err == nil {
			return nil
		}
		p.drop()
		if fresh || !errors.Is(err, driver.ErrBadConn) {
			return err
		}
		// A kept connection found closed says nothing of the node: try a
		// new one.
	}
}

func pingConn(ctx context.Context, dc driver.Conn) error {
	if p, ok := dc.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

// drop closes the health-check connection; p.mu is held.
func (p *prober) drop() {
	_ = p.conn.Close()
	p.conn = nil
}

// close closes the health-check connection, if any.
func (p *prober) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.conn != nil {
		p.drop()
	}
}
