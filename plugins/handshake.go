package plugins

import (
	"net/rpc"

	plugin "github.com/hashicorp/go-plugin"

	"github.com/grantsql/grant/plugins/internal/wire"
)

// handshake is what a plugin and Grant check before they talk: go-plugin's
// magic cookie (a plugin run by hand says it is a plugin and exits) and the
// protocol version, raised on any incompatible change of package wire.
var handshake = plugin.HandshakeConfig{
	ProtocolVersion:  1,
	MagicCookieKey:   "GRANT_RESOLVER_PLUGIN",
	MagicCookieValue: "d2a4c1f0-shard-resolver",
}

// pluginName is the one plugin a resolver executable serves.
const pluginName = "resolver"

// rpcPlugin is the go-plugin side of a resolver: the net/rpc server in the
// plugin process, a *rpc.Client in Grant's.
type rpcPlugin struct{ impl Resolver }

var _ plugin.Plugin = (*rpcPlugin)(nil)

// Server returns the net/rpc server of the resolver.
func (p *rpcPlugin) Server(*plugin.MuxBroker) (any, error) { return &wire.Server{Impl: p.impl}, nil }

// Client returns the connection's *rpc.Client.
func (p *rpcPlugin) Client(_ *plugin.MuxBroker, c *rpc.Client) (any, error) { return c, nil }
