package plugins_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/sharding"
)

// helperEnv makes the test binary run TestExitHelper's body: open a plugin
// resolver, print the plugin's pid, exit without closing anything.
const helperEnv = "GRANT_PLUGINS_EXIT_HELPER"

func TestExitHelper(t *testing.T) {
	if os.Getenv(helperEnv) == "" {
		t.Skip("run by TestPluginDiesWithProgram")
	}
	spec := sharding.Spec{Type: "plugin", Path: os.Getenv(helperEnv), SHA256: os.Getenv(helperEnv + "_SUM"), Databases: []string{"s0", "s1", "s2"},
		Args: []string{"--region", "eu=s0", "--default", "s1"}}
	r, err := sharding.New("geo", spec, nil)
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	if _, err := r.Resolve(context.Background(), sharding.KeyOf("DE")); err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	pids := running(t, spec.Path)
	if len(pids) != 1 {
		fmt.Println("error: plugin processes", pids)
		os.Exit(1)
	}
	fmt.Println("socket:", socketOf(t, pids[0]))
	fmt.Println("pid:", pids[0])
	os.Exit(0) // no Close
}

// TestPluginDiesWithProgram checks that a plugin does not outlive the
// program that started it, even when that program never closes it.
func TestPluginDiesWithProgram(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run", "^TestExitHelper$")
	cmd.Env = append(os.Environ(), helperEnv+"="+geoBin, helperEnv+"_SUM="+sum(t, geoBin))
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	pid := 0
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "socket: "); ok {
			// Killed with its program, the plugin cannot remove it.
			t.Cleanup(func() { os.RemoveAll(filepath.Dir(v)) })
		}
		if v, ok := strings.CutPrefix(sc.Text(), "pid: "); ok {
			pid, err = strconv.Atoi(v)
			require.NoError(t, err)
		}
		require.False(t, strings.HasPrefix(sc.Text(), "error:"), sc.Text())
	}
	require.NoError(t, cmd.Wait())
	require.NotZero(t, pid)
	require.Eventually(t, func() bool {
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return true // gone and reaped
		}
		f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
		return len(f) > 0 && f[0] == "Z" // dead, its new parent to reap it
	}, 2*time.Second, 10*time.Millisecond, "plugin %d outlived its program", pid)
}

// TestPluginRemovesItsSocket runs the plugin as go-plugin does, without
// Grant, and asks it to exit: it removes its data socket's directory
// itself.
func TestPluginRemovesItsSocket(t *testing.T) {
	cmd := exec.Command(geoBin, "--region", "eu=s0")
	cmd.Env = append(os.Environ(), "GRANT_RESOLVER_PLUGIN=d2a4c1f0-shard-resolver")
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	line, err := bufio.NewReader(out).ReadString('\n') // go-plugin's handshake: it serves
	require.NoError(t, err, line)
	sock := socketOf(t, cmd.Process.Pid)
	fi, err := os.Stat(filepath.Dir(sock))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), fi.Mode().Perm(), "only the user enters it")

	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	err = cmd.Wait()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, syscall.SIGTERM, ee.Sys().(syscall.WaitStatus).Signal(), "it ends as SIGTERM ends it")
	_, err = os.Stat(filepath.Dir(sock))
	assert.ErrorIs(t, err, os.ErrNotExist)
}
