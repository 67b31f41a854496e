package plugins_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/sharding"
)

// The plugins the tests run, built once by TestMain.
var (
	geoBin  string // the example, plugins/example/geo-resolver
	testBin string // plugins/internal/testplugin: geo with faults
)

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) != "" {
		os.Exit(m.Run()) // TestExitHelper, given its plugin
	}
	dir, err := os.MkdirTemp("", "grant-plugins-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	geoBin, testBin = filepath.Join(dir, "geo-resolver"), filepath.Join(dir, "testplugin")
	for bin, pkg := range map[string]string{geoBin: "./example/geo-resolver", testBin: "./internal/testplugin"} {
		if out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "building %s: %v\n%s", pkg, err, out)
			os.RemoveAll(dir)
			os.Exit(1)
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// sum returns the hexadecimal SHA-256 of the file at path.
func sum(t testing.TB, path string) string {
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	h := sha256.New()
	_, err = io.Copy(h, f)
	require.NoError(t, err)
	return hex.EncodeToString(h.Sum(nil))
}

// geoSpec is the specification of the example plugin with eu on s0, na on
// s1 and other countries on s2.
func geoSpec(t testing.TB) sharding.Spec {
	return sharding.Spec{
		Type:      "plugin",
		Path:      geoBin,
		SHA256:    sum(t, geoBin),
		Args:      []string{"--region", "eu=s0", "--region", "na=s1", "--default", "s2"},
		Databases: []string{"s0", "s1", "s2"},
	}
}

// testSpec is the specification of the test plugin with args.
func testSpec(t testing.TB, args ...string) sharding.Spec {
	return sharding.Spec{
		Type:      "plugin",
		Path:      testBin,
		SHA256:    sum(t, testBin),
		Args:      append([]string{"--regions", "eu=s0,na=s1", "--default", "s2"}, args...),
		Databases: []string{"s0", "s1", "s2"},
	}
}

// newResolver builds the resolver called name from spec, closed when t
// ends.
func newResolver(t testing.TB, name string, spec sharding.Spec) sharding.Resolver {
	r, err := sharding.New(name, spec, nil)
	require.NoError(t, err)
	t.Cleanup(func() { r.(io.Closer).Close() })
	return r
}

// child is a process started by this test process.
type child struct {
	pid   int
	exe   string
	state byte // R, S, Z...
}

// children lists the processes whose parent is this process and whose
// executable is bin (Linux: read from /proc).
func children(t testing.TB, bin string) []child {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		t.Skip("no /proc: cannot list child processes")
	}
	var out []child
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces and parentheses.
		rest := string(stat[strings.LastIndexByte(string(stat), ')')+2:])
		f := strings.Fields(rest)
		if len(f) < 2 || f[1] != strconv.Itoa(os.Getpid()) {
			continue
		}
		exe, _ := os.Readlink(filepath.Join("/proc", e.Name(), "exe"))
		c := child{pid: pid, exe: exe, state: f[0][0]}
		if strings.Contains(c.exe, filepath.Base(bin)) || c.state == 'Z' {
			out = append(out, c)
		}
	}
	return out
}

// running returns the pids of the live children running bin.
func running(t testing.TB, bin string) []int {
	var pids []int
	for _, c := range children(t, bin) {
		if c.state != 'Z' {
			pids = append(pids, c.pid)
		}
	}
	return pids
}

// requireNoChild fails unless no process of bin (and no zombie) is left,
// waiting up to a second for exits in progress.
func requireNoChild(t testing.TB, bin string) {
	t.Helper()
	require.Eventually(t, func() bool { return len(children(t, bin)) == 0 }, time.Second, 10*time.Millisecond,
		"processes left: %v", children(t, bin))
}

// kill9 kills the process pid (SIGKILL on Unix).
func kill9(t testing.TB, pid int) {
	p, err := os.FindProcess(pid)
	require.NoError(t, err)
	require.NoError(t, p.Kill())
}

// socketOf returns the path of the data socket the process pid listens on
// (Linux: its descriptors' inodes looked up in /proc/net/unix).
func socketOf(t testing.TB, pid int) string {
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		t.Skip("no /proc: cannot list a process's sockets")
	}
	inodes := map[string]bool{}
	for _, fd := range fds {
		link, _ := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", pid, fd.Name()))
		if in, ok := strings.CutPrefix(link, "socket:["); ok {
			inodes[strings.TrimSuffix(in, "]")] = true
		}
	}
	table, err := os.ReadFile("/proc/net/unix")
	require.NoError(t, err)
	for _, line := range strings.Split(string(table), "\n") {
		// Num RefCount Protocol Flags Type St Inode Path
		if f := strings.Fields(line); len(f) == 8 && inodes[f[6]] && strings.HasSuffix(f[7], "data.sock") {
			return f[7]
		}
	}
	t.Fatalf("no data socket of process %d", pid)
	return ""
}

// requireRemoved fails unless the directory of the data socket path is
// removed within a second.
func requireRemoved(t testing.TB, path string) {
	t.Helper()
	require.Eventually(t, func() bool {
		_, err := os.Stat(filepath.Dir(path))
		return errors.Is(err, os.ErrNotExist)
	}, time.Second, 10*time.Millisecond, "%s left behind", filepath.Dir(path))
}
