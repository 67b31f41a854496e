package registry

import "github.com/grantsql/grant/dialect"

// Dialect returns the SQL dialect of the node's server.
func (n *Node) Dialect() dialect.Dialect { return n.dialect }

// Failures returns the consecutive failed health checks (or connection-level
// failures of statements) since the node last answered; health.failures of
// them take it out of rotation.
func (n *Node) Failures() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.fails
}
