package testenv

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Private is a database server of one test's own, which the test may
// crash and restart without disturbing the shared test servers (other
// packages' tests use those at the same time).
type Private struct {
	t       testing.TB
	kind    string // "postgres" or "mariadb"
	dir     string
	port    int
	cmd     *exec.Cmd // mariadbd
	stopped bool
	id      int // MariaDB server id; 0 means 1

	mu     sync.Mutex // guards frozen: a timer may thaw the server
	frozen bool
}

// PrivatePostgres starts a PostgreSQL server (initdb in a new directory, a
// free port, max_prepared_transactions on, trust authentication on
// 127.0.0.1) and stops it when the test ends. It needs the server's
// programs and root, to run them as the postgres user; without them the
// test is skipped (fails under CI=true).
func PrivatePostgres(t testing.TB) *Private {
	t.Helper()
	bin := pgBin(t)
	p := newPrivate(t, "postgres", "postgres")
	data := filepath.Join(p.dir, "data")
	p.run(exec.Command("runuser", "-u", "postgres", "--", filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres",
		"--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync"))
	conf := fmt.Sprintf("\nlisten_addresses = '127.0.0.1'\nport = %d\nunix_socket_directories = '%s'\n"+
		"max_prepared_transactions = 32\nmax_connections = 100\nfsync = off\ntimezone = 'UTC'\n", p.port, p.dir)
	f, err := os.OpenFile(filepath.Join(data, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(conf)
	f.Close()
	p.Start()
	t.Cleanup(p.Stop)
	return p
}

// PrivateMariaDB starts a MariaDB server (a new datadir, a free port,
// binary log on, no grant tables: any user may connect) and stops it when
// the test ends; skipped like PrivatePostgres without its programs.
func PrivateMariaDB(t testing.TB) *Private {
	t.Helper()
	if _, err := exec.LookPath("mariadbd"); err != nil {
		missing(t, "mariadbd (a MariaDB server on PATH)")
	}
	p := newPrivate(t, "mariadb", "mysql")
	p.run(exec.Command("mariadb-install-db", "--no-defaults", "--user=mysql", "--datadir="+filepath.Join(p.dir, "data"),
		"--auth-root-authentication-method=normal", "--skip-test-db"))
	p.Start()
	t.Cleanup(p.Stop)
	return p
}

// DSN returns the DSN of database db on the server, in its driver's form.
func (p *Private) DSN(db string) string {
	if p.kind == "postgres" {
		return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", p.port, db)
	}
	return fmt.Sprintf("root@tcp(127.0.0.1:%d)/%s", p.port, db)
}

// Start starts the server and waits until it accepts connections.
func (p *Private) Start() {
	p.t.Helper()
	if p.kind == "postgres" {
		p.run(exec.Command("runuser", "-u", "postgres", "--", filepath.Join(pgBin(p.t), "pg_ctl"), "-D",
			filepath.Join(p.dir, "data"), "-l", filepath.Join(p.dir, "log"), "-w", "-t", "60", "start"))
	} else {
		p.cmd = exec.Command("mariadbd", "--no-defaults", "--user=mysql", "--datadir="+filepath.Join(p.dir, "data"),
			"--socket="+filepath.Join(p.dir, "sock"), "--port="+strconv.Itoa(p.port), "--bind-address=127.0.0.1",
			"--skip-grant-tables", "--skip-name-resolve", "--log-bin=bin", "--server-id="+strconv.Itoa(max(p.id, 1)),
			"--innodb-flush-log-at-trx-commit=2", "--log-error="+filepath.Join(p.dir, "err"))
		p.cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
		if err := p.cmd.Start(); err != nil {
			p.t.Fatal(err)
		}
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", p.port), time.Second)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("private %s server did not start: %v", p.kind, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.stopped = false
}

// Crash stops the server at once, as a power cut would (PostgreSQL
// immediate shutdown, SIGKILL of MariaDB); Start then runs crash recovery.
func (p *Private) Crash() {
	p.t.Helper()
	if p.kind == "postgres" {
		p.run(exec.Command("runuser", "-u", "postgres", "--", filepath.Join(pgBin(p.t), "pg_ctl"), "-D",
			filepath.Join(p.dir, "data"), "-m", "immediate", "-w", "stop"))
	} else if p.cmd != nil {
		p.cmd.Process.Kill()
		p.cmd.Wait()
		p.cmd = nil
	}
	p.stopped = true
}

// Stop stops the server; the test's cleanup calls it.
func (p *Private) Stop() {
	if p.stopped {
		return
	}
	if p.kind == "postgres" {
		exec.Command("runuser", "-u", "postgres", "--", filepath.Join(pgBin(p.t), "pg_ctl"), "-D",
			filepath.Join(p.dir, "data"), "-m", "fast", "-w", "stop").Run()
	} else if p.cmd != nil {
		p.cmd.Process.Signal(syscall.SIGTERM)
		p.cmd.Wait()
		p.cmd = nil
	}
	p.stopped = true
}

// newPrivate makes the server's directory, owned by owner, and picks a
// free port.
func newPrivate(t testing.TB, kind, owner string) *Private {
	if os.Geteuid() != 0 {
		missing(t, "root (to run a private "+kind+" server as its own user)")
	}
	u, err := user.Lookup(owner)
	if err != nil {
		missing(t, "the "+owner+" user (the "+kind+" server's package)")
	}
	dir, err := os.MkdirTemp("", "grant-private-"+kind+"-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return &Private{t: t, kind: kind, dir: dir, port: port}
}

func (p *Private) run(cmd *exec.Cmd) {
	p.t.Helper()
	cmd.Dir = "/"
	if out, err := cmd.CombinedOutput(); err != nil {
		log, _ := os.ReadFile(filepath.Join(p.dir, "log"))
		p.t.Fatalf("%s: %v\n%s\n%s", cmd, err, out, log)
	}
}

// pgBin returns the directory of the newest PostgreSQL server programs.
func pgBin(t testing.TB) string {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	for i := len(dirs) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(dirs[i], "pg_ctl")); err == nil {
			return dirs[i]
		}
	}
	missing(t, "the PostgreSQL server programs (/usr/lib/postgresql/*/bin)")
	return ""
}

// missing skips the test for want of what, or fails it under CI=true.
func missing(t testing.TB, what string) {
	t.Helper()
	if InCI() {
		t.Fatalf("%s is missing: under CI=true every test server must be available (see .ci/run)", what)
	}
	t.Skipf("%s is missing", what)
}

// PrivatePostgresReplica starts a streaming replica of primary, a
// PrivatePostgres (pg_basebackup -R over the replication connection its
// trust authentication allows), and stops it when the test ends.
func PrivatePostgresReplica(t testing.TB, primary *Private) *Private {
	t.Helper()
	bin := pgBin(t)
	p := newPrivate(t, "postgres", "postgres")
	data := filepath.Join(p.dir, "data")
	p.run(exec.Command("runuser", "-u", "postgres", "--", filepath.Join(bin, "pg_basebackup"), "-h", "127.0.0.1",
		"-p", strconv.Itoa(primary.port), "-U", "postgres", "-D", data, "-R", "-X", "stream", "--no-sync"))
	conf := fmt.Sprintf("\nport = %d\nunix_socket_directories = '%s'\nhot_standby = on\n", p.port, p.dir)
	f, err := os.OpenFile(filepath.Join(data, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(conf)
	f.Close()
	p.Start()
	t.Cleanup(p.Stop)
	return p
}

// PrivateMariaDBReplica starts a replica of primary, a PrivateMariaDB
// (server id 2, replicating by GTID from the start of its binary log), and
// stops it when the test ends.
func PrivateMariaDBReplica(t testing.TB, primary *Private) *Private {
	t.Helper()
	if _, err := exec.LookPath("mariadbd"); err != nil {
		missing(t, "mariadbd (a MariaDB server on PATH)")
	}
	p := newPrivate(t, "mariadb", "mysql")
	p.id = 2
	p.run(exec.Command("mariadb-install-db", "--no-defaults", "--user=mysql", "--datadir="+filepath.Join(p.dir, "data"),
		"--auth-root-authentication-method=normal", "--skip-test-db"))
	p.Start()
	t.Cleanup(p.Stop)
	p.run(exec.Command("mariadb", "--no-defaults", "--protocol=tcp", "-h127.0.0.1", "-P"+strconv.Itoa(p.port), "-uroot", "-e",
		fmt.Sprintf("CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=%d, MASTER_USER='root', "+
			"MASTER_USE_GTID=slave_pos; START SLAVE", primary.port)))
	return p
}

// Freeze stops every process of the server with SIGSTOP: it keeps its
// connections and accepts new ones (the kernel completes the TCP
// handshake) but answers nothing, as a hung machine would. Thaw resumes
// it; the test's cleanup thaws a frozen server before stopping it.
func (p *Private) Freeze() {
	p.t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.frozen {
		return
	}
	p.t.Cleanup(p.Thaw)
	p.signal(syscall.SIGSTOP)
	p.frozen = true
}

// Thaw resumes a server Freeze stopped. It may be called from any
// goroutine, and when the server is not frozen.
func (p *Private) Thaw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.frozen {
		p.signal(syscall.SIGCONT)
		p.frozen = false
	}
}

// signal sends sig to the server's processes: the postmaster first, then
// its children (PostgreSQL), or mariadbd. A stop waits until the
// postmaster is stopped and stops children until no new one appears: a
// backend it was forking as the signal came must not escape.
func (p *Private) signal(sig syscall.Signal) {
	p.t.Helper()
	var pid int
	if p.kind == "postgres" {
		b, err := os.ReadFile(filepath.Join(p.dir, "data", "postmaster.pid"))
		if err != nil {
			p.t.Fatal(err)
		}
		pid, _ = strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
	} else if p.cmd != nil {
		pid = p.cmd.Process.Pid
	}
	if pid <= 0 {
		p.t.Fatalf("private %s server: no process to signal", p.kind)
	}
	syscall.Kill(pid, sig)
	if sig != syscall.SIGSTOP {
		for _, c := range children(pid) {
			syscall.Kill(c, sig)
		}
		return
	}
	for deadline := time.Now().Add(2 * time.Second); state(pid) != 'T' && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	stopped := map[int]bool{}
	for {
		fresh := 0
		for _, c := range children(pid) {
			if !stopped[c] {
				syscall.Kill(c, sig)
				stopped[c] = true
				fresh++
			}
		}
		if fresh == 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// state returns the state letter of process pid ('T' when stopped), or 0.
func state(pid int) byte {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 || i+2 >= len(b) {
		return 0
	}
	return b[i+2]
}

// children returns the processes whose parent is pid.
func children(pid int) []int {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	var out []int
	for _, f := range stats {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces or parentheses.
		i := bytes.LastIndexByte(b, ')')
		if i < 0 {
			continue
		}
		fields := strings.Fields(string(b[i+1:]))
		if len(fields) > 1 && fields[1] == strconv.Itoa(pid) {
			c, _ := strconv.Atoi(filepath.Base(filepath.Dir(f)))
			out = append(out, c)
		}
	}
	return out
}
