package registry

import (
	"container/list"
	"database/sql/driver"
)

// stmtCache holds the statements prepared on one physical connection, keyed
// by their SQL text, least recently used first out. Only the goroutine that
// holds the connection uses it, so it takes no lock.
type stmtCache struct {
	max   int
	byKey map[string]*list.Element
	order list.List // of *cachedStmt, most recently used at the front
}

type cachedStmt struct {
	query string
	stmt  driver.Stmt
}

func newStmtCache(max int) stmtCache { return stmtCache{max: max} }

// get returns the statement prepared for query, marking it used.
func (c *stmtCache) get(query string) driver.Stmt {
	e := c.byKey[query]
	if e == nil {
		return nil
	}
	c.order.MoveToFront(e)
	return e.Value.(*cachedStmt).stmt
}

// put keeps st for query, closing the least recently used statement when
// the cache is full. It reports false when the cache keeps nothing; the
// caller then owns st.
func (c *stmtCache) put(query string, st driver.Stmt) bool {
	if c.max <= 0 {
		return false
	}
	if c.byKey == nil {
		c.byKey = make(map[string]*list.Element, c.max)
	}
	if c.order.Len() >= c.max {
		c.drop(c.order.Back())
	}
	c.byKey[query] = c.order.PushFront(&cachedStmt{query: query, stmt: st})
	return true
}

// forget closes and removes the statement of query, if kept.
func (c *stmtCache) forget(query string) {
	if e := c.byKey[query]; e != nil {
		c.drop(e)
	}
}

func (c *stmtCache) drop(e *list.Element) {
	cs := c.order.Remove(e).(*cachedStmt)
	delete(c.byKey, cs.query)
	_ = cs.stmt.Close()
}

// closeAll closes every statement, for the connection's Close.
func (c *stmtCache) closeAll() {
	for e := c.order.Front(); e != nil; e = c.order.Front() {
		c.drop(e)
	}
}

// len returns the number of statements kept.
func (c *stmtCache) len() int { return c.order.Len() }
