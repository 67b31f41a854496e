//go:build grant_failpoints

package twopc

import (
	"os"
	"syscall"
)

// Failpoint kills the process with SIGKILL at the step named by the
// GRANT_FAILPOINT environment variable: a coordinator that dies there
// leaves the transaction exactly as a crash would. Only builds with the
// grant_failpoints tag (the crash tests' child processes) have it.
func Failpoint(name string) {
	if os.Getenv("GRANT_FAILPOINT") == name {
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {}
	}
}
