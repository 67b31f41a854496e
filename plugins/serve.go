package plugins

import (
	"os"
	"time"

	"github.com/hashicorp/go-hclog"
	plugin "github.com/hashicorp/go-plugin"
)

// parentPoll is how often a serving plugin checks that Grant still runs.
const parentPoll = 500 * time.Millisecond

// Serve serves r to Grant over go-plugin's net/rpc protocol: a plugin
// executable's main calls it and nothing else. It answers the handshake
// (run by hand, the executable says it is a plugin and exits), serves r's
// calls concurrently, and exits when Grant asks it to or is gone.
//
// What the plugin writes to its standard error reaches Grant's log/slog
// logger, line by line, with the resolver's name; log and slog of the
// plugin write there by default.
//
// r's errors reach the statement that needed the key. An error wrapping
// sharding.ErrNoShard says that no database holds the key (a SELECT then
// reads nothing, an INSERT is refused), as from any resolver.
func Serve(r Resolver) {
	go exitWithParent(os.Getppid())
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig: handshake,
		Plugins:         plugin.PluginSet{pluginName: &rpcPlugin{impl: r}},
		Logger: hclog.New(&hclog.LoggerOptions{
			Name:       "go-plugin",
			Level:      hclog.Info,
			Output:     os.Stderr,
			JSONFormat: true,
		}),
	})
}

// exitWithParent exits when the process's parent (Grant) is gone, on the
// systems where the kernel does not kill the plugin with it.
func exitWithParent(ppid int) {
	t := time.NewTicker(parentPoll)
	defer t.Stop()
	for range t.C {
		if os.Getppid() != ppid {
			os.Exit(0)
		}
	}
}
