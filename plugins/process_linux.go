package plugins

import (
	"os/exec"
	"syscall"
)

// dieWithParent has the kernel kill the plugin when Grant's process ends,
// however it ends. (The signal follows the thread that started the child;
// the Go runtime keeps its threads unless a goroutine exits while locked
// to one, so a plugin may rarely be killed early: it is then restarted.)
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
