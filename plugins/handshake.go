package plugins

import (
	"errors"
	"net/rpc"

	plugin "github.com/hashicorp/go-plugin"

	"github.com/grantsql/grant/plugins/internal/wire"
)

// handshake is what a plugin and Grant check before they talk: go-plugin's
// magic cookie (a plugin run by hand says it is a plugin and exits) and the
// protocol version, raised on any incompatible change of package wire
// (version 2: the data channel).
var handshake = plugin.HandshakeConfig{
	ProtocolVersion:  2,
	MagicCookieKey:   "GRANT_RESOLVER_PLUGIN",
	MagicCookieValue: "d2a4c1f0-shard-resolver",
}

// pluginName is the one plugin a resolver executable serves.
const pluginName = "resolver"

// rpcPlugin is the go-plugin side of a resolver, its control channel: the
// net/rpc server in the plugin process (which gives the data channel's
// endpoint), a *rpc.Client in Grant's.
type rpcPlugin struct{ ctl *wire.Control }

var _ plugin.Plugin = (*rpcPlugin)(nil)

// Server returns the net/rpc server of the control channel.
func (p *rpcPlugin) Server(*plugin.MuxBroker) (any, error) {
	if p.ctl == nil {
		return nil, errors.New("no data channel")
	}
	return p.ctl, nil
}

// Client returns the connection's *rpc.Client.
func (p *rpcPlugin) Client(_ *plugin.MuxBroker, c *rpc.Client) (any, error) { return c, nil }
