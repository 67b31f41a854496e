//go:build !unix

package plugins

import "os"

// terminate kills the plugin: this system has no signal to ask it to exit.
func terminate(p *os.Process) error { return p.Kill() }

// onTerminate does nothing: the plugin is killed outright here.
func onTerminate(func()) {}
