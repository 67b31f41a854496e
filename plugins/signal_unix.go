//go:build unix

package plugins

import (
	"os"
	"os/signal"
	"syscall"
)

// terminate asks the plugin to exit (go-plugin's server ignores SIGINT).
func terminate(p *os.Process) error { return p.Signal(syscall.SIGTERM) }

// onTerminate has the plugin process run cleanup when it is asked to exit
// (SIGTERM), then end as the signal ends it.
func onTerminate(cleanup func()) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGTERM)
	go func() {
		<-ch
		cleanup()
		signal.Reset(syscall.SIGTERM)
		_ = syscall.Kill(os.Getpid(), syscall.SIGTERM)
	}()
}
