package grant

import (
	"log/slog"

	"github.com/ngrok/sqlmw"

	"github.com/grantsql/grant/interceptors"
	"github.com/grantsql/grant/registry"
	"github.com/grantsql/grant/sharding"
)

// Option configures a connector in Go: what a file cannot say.
type Option func(*options)

type options struct {
	reg       registry.Options
	logger    *slog.Logger
	resolvers *sharding.Registry
}

// WithInterceptors adds interceptors to the chain of every node, after any
// added before, outermost first. fn receives the node, so one interceptor
// instance per node is possible; it may return nil.
func WithInterceptors(fn func(node *registry.Node) []sqlmw.Interceptor) Option {
	return func(o *options) {
		prev := o.reg.Interceptors
		o.reg.Interceptors = func(n *registry.Node) []sqlmw.Interceptor {
			var chain []sqlmw.Interceptor
			if prev != nil {
				chain = prev(n)
			}
			return append(chain, fn(n)...)
		}
	}
}

// WithLogging logs every statement of every node with log/slog through
// interceptors.Logger (statement, node, duration, error; arguments only with
// opts.Args).
func WithLogging(l *slog.Logger, opts interceptors.LogOptions) Option {
	return WithInterceptors(func(n *registry.Node) []sqlmw.Interceptor {
		o := opts
		o.Node = n.Name
		return []sqlmw.Interceptor{interceptors.Logger(l, o)}
	})
}

// WithCounters counts every node's calls (registry.Node.Counters).
func WithCounters() Option { return func(o *options) { o.reg.Counters = true } }

// WithResolvers makes the connector build its sharding resolvers from reg's
// types and functions instead of the package-level ones of sharding
// (sharding.Register, sharding.RegisterFunc). The configuration is checked
// against the package-level registry when it is validated, so a type known
// only to reg must also pass that check: register it in both, or give its
// Type a Check.
func WithResolvers(reg *sharding.Registry) Option {
	return func(o *options) { o.resolvers = reg }
}

// WithLogger sets the logger for Grant's own events (node health changes).
func WithLogger(l *slog.Logger) Option {
	return func(o *options) { o.logger = l; o.reg.Logger = l }
}
