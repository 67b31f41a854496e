package plugins

import (
	"fmt"
	"os"
	"time"

	"github.com/hashicorp/go-hclog"
	plugin "github.com/hashicorp/go-plugin"

	"github.com/grantsql/grant/plugins/internal/wire"
)

// parentPoll is how often a serving plugin checks that Grant still runs.
const parentPoll = 500 * time.Millisecond

// Serve serves r to Grant: a plugin executable's main calls it and nothing
// else. It answers go-plugin's handshake (run by hand, the executable says
// it is a plugin and exits), serves r's calls concurrently, and exits when
// Grant asks it to or is gone.
//
// The calls arrive on a Unix socket that Serve creates in a new directory
// of the system's temporary directory, readable by the process's user
// only; Serve removes it when it returns, when Grant asks the plugin to
// exit and when Grant is gone. Of a plugin killed outright (kill -9),
// Grant removes it.
//
// What the plugin writes to its standard error reaches Grant's log/slog
// logger, line by line, with the resolver's name; log and slog of the
// plugin write there by default.
//
// r's errors reach the statement that needed the key. An error wrapping
// sharding.ErrNoShard says that no database holds the key (a SELECT then
// reads nothing, an INSERT is refused), as from any resolver.
func Serve(r Resolver) {
	if os.Getenv(handshake.MagicCookieKey) != handshake.MagicCookieValue {
		plugin.Serve(serveConfig(nil)) // says it is a plugin, and exits
		return
	}
	sock, err := wire.Listen()
	if err != nil {
		fmt.Fprintln(os.Stderr, "grant resolver plugin: opening the data channel:", err)
		os.Exit(1)
	}
	cleanup := func() { _ = sock.Close() } // Close runs once
	defer cleanup()
	go func() { _ = sock.Serve(&wire.Server{Impl: r}) }()
	go exitWithParent(os.Getppid(), cleanup)
	onTerminate(cleanup)
	plugin.Serve(serveConfig(&wire.Control{Endpoint: sock.Endpoint}))
}

// serveConfig returns go-plugin's configuration of a plugin whose control
// channel is ctl.
func serveConfig(ctl *wire.Control) *plugin.ServeConfig {
	return &plugin.ServeConfig{
		HandshakeConfig: handshake,
		Plugins:         plugin.PluginSet{pluginName: &rpcPlugin{ctl: ctl}},
		Logger: hclog.New(&hclog.LoggerOptions{
			Name:       "go-plugin",
			Level:      hclog.Info,
			Output:     os.Stderr,
			JSONFormat: true,
		}),
	}
}

// exitWithParent runs cleanup and exits when the process's parent (Grant)
// is gone, on the systems where the kernel does not kill the plugin with
// it.
func exitWithParent(ppid int, cleanup func()) {
	t := time.NewTicker(parentPoll)
	defer t.Stop()
	for range t.C {
		if os.Getppid() != ppid {
			cleanup()
			os.Exit(0)
		}
	}
}
