// Package testenv tells tests where the real database servers are.
//
// `.ci/run` starts PostgreSQL (a primary and a streaming replica) and MariaDB
// (a primary and a replica) on 127.0.0.1 and exports their DSNs. A test that
// needs a server asks for its DSN here: when the variable is unset the test is
// skipped with a message naming it, except under CI=true, where a missing
// server is a failure.
package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
)

// The environment variables that carry the servers' DSNs, each in the native
// format of its driver (pgx URL or keyword string; go-sql-driver/mysql DSN).
const (
	PostgresVar        = "GRANT_PG_DSN"
	PostgresReplicaVar = "GRANT_PG_REPLICA_DSN"
	MySQLVar           = "GRANT_MYSQL_DSN"
	MySQLReplicaVar    = "GRANT_MYSQL_REPLICA_DSN"
	// ServiceCtlVar names an executable that stops and starts the test
	// servers for fault tests: `$GRANT_SERVICE_CTL stop pg-replica`.
	ServiceCtlVar = "GRANT_SERVICE_CTL"
)

// PostgresDSN returns the DSN of the PostgreSQL primary.
func PostgresDSN(t testing.TB) string { return need(t, PostgresVar) }

// PostgresReplicaDSN returns the DSN of the PostgreSQL streaming replica.
func PostgresReplicaDSN(t testing.TB) string { return need(t, PostgresReplicaVar) }

// MySQLDSN returns the DSN of the MariaDB primary.
func MySQLDSN(t testing.TB) string { return need(t, MySQLVar) }

// MySQLReplicaDSN returns the DSN of the MariaDB replica.
func MySQLReplicaDSN(t testing.TB) string { return need(t, MySQLReplicaVar) }

// InCI reports whether the tests run under CI (CI=true), where every server
// must be present.
func InCI() bool { return os.Getenv("CI") == "true" }

// ServiceCtl runs `$GRANT_SERVICE_CTL action service` (action is stop or
// start; service is pg-replica, mysql-replica, pg-primary or mysql-primary)
// and fails the test if it does not succeed.
func ServiceCtl(t testing.TB, action, service string) {
	t.Helper()
	ctl := need(t, ServiceCtlVar)
	out, err := exec.Command(ctl, action, service).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s %s: %v\n%s", ctl, action, service, err, out)
	}
}

func need(t testing.TB, name string) string {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		if InCI() {
			t.Fatalf("%s is not set: under CI=true every test server must be running (see .ci/run)", name)
		}
		t.Skipf("%s is not set: start the test servers with `bash .ci/run` to run this test", name)
	}
	return v
}

// Exclusive holds a machine-wide lock named name (e.g. "pg-replica") until
// the test ends. go test runs packages in parallel against the same
// servers; a test that pauses, stops or measures a shared server takes its
// lock so that no other package's test sees it half-way. Within one test
// binary the lock is counted, so nested calls do not wait on themselves.
func Exclusive(t testing.TB, name string) {
	t.Helper()
	locksMu.Lock()
	defer locksMu.Unlock()
	l := locks[name]
	if l == nil {
		dir := os.Getenv("GRANT_CI_STATE")
		if dir == "" {
			dir = os.TempDir()
		}
		f, err := os.OpenFile(filepath.Join(dir, "grant-test-"+name+".lock"), os.O_CREATE|os.O_RDWR, 0o600)
		if err != nil {
			t.Fatalf("lock %s: %v", name, err)
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
			f.Close()
			t.Fatalf("lock %s: %v", name, err)
		}
		l = &heldLock{f: f}
		locks[name] = l
	}
	l.n++
	t.Cleanup(func() {
		locksMu.Lock()
		defer locksMu.Unlock()
		if l.n--; l.n == 0 {
			syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
			l.f.Close()
			delete(locks, name)
		}
	})
}

type heldLock struct {
	f *os.File
	n int
}

var (
	locksMu sync.Mutex
	locks   = map[string]*heldLock{}
)
