//go:build unix

package plugins

import (
	"os"
	"syscall"
)

// terminate asks the plugin to exit (go-plugin's server ignores SIGINT).
func terminate(p *os.Process) error { return p.Signal(syscall.SIGTERM) }
