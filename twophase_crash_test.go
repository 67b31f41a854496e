package grant_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/testenv"
	"github.com/grantsql/grant/internal/twopc/crashtest"
	"github.com/grantsql/grant/twophase"
)

// bank is the crash tests' two-shard bank on a private server, which the
// tests may crash.
type bank struct {
	d        dialect.Dialect
	srv      *testenv.Private
	dsn      [2]string
	shards   []*sql.DB
	accounts int // per shard
}

func newBank(t *testing.T, d dialect.Dialect) *bank {
	b := &bank{d: d, accounts: 4}
	if d == dialect.Postgres {
		b.srv = testenv.PrivatePostgres(t)
	} else {
		b.srv = testenv.PrivateMariaDB(t)
	}
	admin, err := sql.Open(rawDriver(d), b.srv.DSN(map[bool]string{true: "postgres", false: ""}[d == dialect.Postgres]))
	require.NoError(t, err)
	defer admin.Close()
	for i := range 2 {
		_, err := admin.Exec(fmt.Sprintf("CREATE DATABASE bank_s%d", i))
		require.NoError(t, err)
		b.dsn[i] = b.srv.DSN(fmt.Sprintf("bank_s%d", i))
		s, err := sql.Open(rawDriver(d), b.dsn[i])
		require.NoError(t, err)
		s.SetMaxIdleConns(0) // no connection outlives a server restart
		t.Cleanup(func() { s.Close() })
		b.shards = append(b.shards, s)
	}
	db := b.open(t)
	require.NoError(t, crashtest.Setup(context.Background(), db, b.accounts))
	return b
}

// open opens Grant over the bank, without background recovery.
func (b *bank) open(t *testing.T) *sql.DB {
	off := config.Duration(0)
	c, err := grant.NewConnector(crashtest.Cluster(b.d, b.dsn[0], b.dsn[1], &off))
	require.NoError(t, err)
	db := sql.OpenDB(c)
	t.Cleanup(func() { db.Close() })
	return db
}

// child starts a coordinator process running count transfers from first
// (0: until killed), dying at failpoint when it is not empty.
func (b *bank) child(t *testing.T, failpoint string, first int64, count int) *exec.Cmd {
	cmd := exec.Command(crashChild(t))
	cmd.Env = append(os.Environ(), "GRANT_CRASH_DIALECT="+b.d.String(), "GRANT_CRASH_S0="+b.dsn[0], "GRANT_CRASH_S1="+b.dsn[1],
		"GRANT_CRASH_FIRST="+strconv.FormatInt(first, 10), "GRANT_CRASH_COUNT="+strconv.Itoa(count),
		"GRANT_CRASH_ACCOUNTS="+strconv.Itoa(b.accounts), "GRANT_FAILPOINT="+failpoint)
	return cmd
}

// recoverAll runs recovery from this process until nothing is in doubt,
// then checks the invariants and returns the committed transfers.
func (b *bank) recoverAll(t *testing.T) map[int64]bool {
	t.Helper()
	off := config.Duration(0)
	c, err := grant.NewConnector(crashtest.Cluster(b.d, b.dsn[0], b.dsn[1], &off))
	require.NoError(t, err)
	defer c.Close()
	ctx := context.Background()
	var last twophase.Report
	ok := assert.Eventually(t, func() bool {
		r, err := c.Recover(ctx)
		if err != nil {
			t.Log(err)
		}
		last = r
		return err == nil && r.Done()
		// A killed coordinator's session may sit in a lock wait on the
		// server (MariaDB's innodb_lock_wait_timeout is 50 s) before the
		// server notices it is gone and rolls it back: give it that long.
	}, 120*time.Second, 200*time.Millisecond, "recovery leaves nothing in doubt")
	if !ok {
		t.Fatalf("still in doubt after the last pass: %v", last.Pending)
	}
	assert.Empty(t, b.inDoubt(t), "prepared transactions left on the server")
	done, err := crashtest.Check(ctx, b.shards, 2*b.accounts)
	require.NoError(t, err)
	return done
}

// inDoubt lists the prepared transactions on the bank's server, read
// directly.
func (b *bank) inDoubt(t *testing.T) []string {
	q := "SELECT gid FROM pg_prepared_xacts"
	if b.d == dialect.MySQL {
		q = "XA RECOVER FORMAT='SQL'"
	}
	rows, err := b.shards[0].Query(q)
	require.NoError(t, err)
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		require.NoError(t, rows.Scan(ptrs...))
		out = append(out, fmt.Sprintf("%s", vals[len(vals)-1]))
	}
	return out
}

var (
	crashChildOnce sync.Once
	crashChildPath string
	crashChildErr  error
)

// crashChild builds the coordinator program with failpoints, once.
func crashChild(t *testing.T) string {
	crashChildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "grant-crashchild-")
		if err != nil {
			crashChildErr = err
			return
		}
		crashChildPath = filepath.Join(dir, "crashchild")
		out, err := exec.Command("go", "build", "-tags", "grant_failpoints", "-o", crashChildPath,
			"./internal/twopc/crashchild").CombinedOutput()
		if err != nil {
			crashChildErr = fmt.Errorf("building the crash child: %v\n%s", err, out)
		}
	})
	require.NoError(t, crashChildErr)
	return crashChildPath
}

// A coordinator killed at each step of the commit leaves the transfer
// committed (once decided) or rolled back (before), and recovery from
// another process leaves nothing in doubt.
func TestTwoPhaseCrashMatrix(t *testing.T) {
	for _, d := range []dialect.Dialect{dialect.Postgres, dialect.MySQL} {
		t.Run(d.String(), func(t *testing.T) {
			b := newBank(t, d)
			for i, step := range []struct {
				failpoint string
				committed bool
			}{
				{"committing", false}, {"recorded", false}, {"prepared-one", false},
				{"prepared-all", false}, {"decided", true}, {"committed-one", true},
			} {
				id := int64(100 + i)
				cmd := b.child(t, step.failpoint, id, 1)
				out, err := cmd.CombinedOutput()
				var exit *exec.ExitError
				require.True(t, errors.As(err, &exit) && !exit.Exited(), "%s: the coordinator was killed: %v\n%s", step.failpoint, err, out)
				t.Logf("killed at %s", step.failpoint)
				done := b.recoverAll(t)
				assert.Equal(t, step.committed, done[id], "transfer killed at %s", step.failpoint)
			}
			// A participant's server that restarts while a branch is prepared
			// keeps it; recovery then finishes it.
			out, err := b.child(t, "decided", 150, 1).CombinedOutput()
			require.Error(t, err, "%s", out)
			b.srv.Crash()
			b.srv.Start()
			require.NotEmpty(t, b.inDoubt(t), "the prepared branch survived the restart")
			assert.True(t, b.recoverAll(t)[150], "committed by recovery after the restart")

			require.NoError(t, b.child(t, "", 200, 3).Run(), "transfers commit")
			done := b.recoverAll(t)
			for id := int64(200); id < 203; id++ {
				assert.True(t, done[id], "transfer %d", id)
			}
		})
	}
}

// fuzzDuration bounds the concurrent crash test (GRANT_2PC_FUZZ_SECONDS).
func fuzzDuration() time.Duration {
	if s, err := strconv.Atoi(os.Getenv("GRANT_2PC_FUZZ_SECONDS")); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	return 20 * time.Second
}

// Many coordinators run cross-shard transfers while coordinators are killed
// and the participants' server crashes and restarts (a prepared transaction
// survives it); then recovery leaves nothing in doubt and the bank's
// invariants hold: the total balance is constant and every transfer is
// all or nothing.
func TestTwoPhaseConcurrentCrashes(t *testing.T) {
	for _, d := range []dialect.Dialect{dialect.Postgres, dialect.MySQL} {
		t.Run(d.String(), func(t *testing.T) {
			b := newBank(t, d)
			const coordinators = 3
			children := make([]*exec.Cmd, coordinators)
			gen := 0
			start := func(k int) {
				gen++
				cmd := b.child(t, "", int64(k)*1_000_000_000+int64(gen)*1_000_000, 0)
				require.NoError(t, cmd.Start())
				children[k] = cmd
			}
			kill := func(k int) {
				children[k].Process.Kill()
				children[k].Wait()
			}
			for k := range coordinators {
				start(k)
			}
			kills, crashes := 0, 0
			deadline := time.Now().Add(fuzzDuration())
			nextCrash := time.Now().Add(4 * time.Second)
			for time.Now().Before(deadline) {
				time.Sleep(time.Duration(300+rand.IntN(400)) * time.Millisecond)
				k := rand.IntN(coordinators)
				kill(k)
				start(k)
				kills++
				if time.Now().After(nextCrash) {
					b.srv.Crash()
					time.Sleep(200 * time.Millisecond)
					b.srv.Start()
					crashes++
					nextCrash = time.Now().Add(4 * time.Second)
				}
			}
			for k := range coordinators {
				kill(k)
			}
			done := b.recoverAll(t)
			t.Logf("%d transfers committed; %d coordinators killed, %d server crashes", len(done), kills, crashes)
			assert.NotEmpty(t, done)
			assert.Positive(t, crashes)
		})
	}
}
