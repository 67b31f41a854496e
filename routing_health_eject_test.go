package grant_test

import (
	"context"
	"database/sql"
	"errors"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/registry"
)

// Health checks here run rarely (or not at all), so that nothing but the
// statements themselves could take a node out of rotation: every failure
// a statement reports would count, none is reset by a passing check.
const rareChecks = "health: {interval: 1h, failures: 2}\nrouting: {read_your_writes: {mode: off}, lag_check_interval: 1h}"

var healthDialects = []dialect.Dialect{dialect.Postgres, dialect.MySQL}

// assertInRotation checks that neither node left rotation and that reads
// still land on the replica.
func assertInRotation(t *testing.T, rc *rtCluster) {
	t.Helper()
	for _, n := range []*registry.Node{rc.primary, rc.replica} {
		st := n.Stats()
		assert.True(t, st.Healthy, "%s left rotation: %s", st.Name, st.LastError)
		assert.Zero(t, st.Transitions, "%s left rotation", st.Name)
		assert.Zero(t, n.Failures(), "%s has failures counted against it: %s", st.Name, st.LastError)
	}
	probe := replicaProbe(t, rc)
	for range 10 {
		on, err := probe(context.Background())
		require.NoError(t, err)
		assert.True(t, on, "a read after the failures is served by the replica")
	}
}

// TestHealthNULReadsKeepReplica: reads holding a NUL byte, in the text
// (PostgreSQL answers 08P01 "insufficient data left in message": the text
// ends at the NUL and the rest of the message makes no sense, an ERROR
// about that one message, after which the connection goes on) or in an
// argument (22021, not valid UTF-8). Both are the statement's fault: they
// are not retried, and the replica stays in rotation. MariaDB takes the
// byte.
func TestHealthNULReadsKeepReplica(t *testing.T) {
	for _, d := range healthDialects {
		t.Run(d.String(), func(t *testing.T) {
			ctx := context.Background()
			rc := openRT(t, d, rareChecks)
			withArg := "SELECT CAST(? AS CHAR)"
			if d == dialect.Postgres {
				withArg = "SELECT $1::text"
			}
			primaryBefore, _ := rc.stmts()
			for i := range 6 {
				var s string
				var err error
				code := "08P01"
				if i%2 == 0 {
					err = rc.db.QueryRowContext(ctx, "SELECT 'a\x00b'").Scan(&s)
				} else {
					err = rc.db.QueryRowContext(ctx, withArg, "a\x00b").Scan(&s)
					code = "22021"
				}
				if d == dialect.MySQL {
					require.NoError(t, err)
					assert.Equal(t, "a\x00b", s)
					continue
				}
				var pgErr *pgconn.PgError
				require.ErrorAs(t, err, &pgErr)
				assert.Equal(t, code, pgErr.Code)
				assert.False(t, registry.NodeFailure(ctx, err), "the statement's own error")
				assert.False(t, registry.IsConnError(err), "not a connection error")
			}
			primaryAfter, _ := rc.stmts()
			assert.Equal(t, primaryBefore, primaryAfter, "not retried on the primary")
			assertInRotation(t, rc)
		})
	}
}

// TestHealthCancelledReadsKeepReplica: 2,000 reads cancelled by their own
// context at every stage (before the query, while it waits for the server,
// while rows are read) count nothing against the replica, whatever the
// driver reports afterwards (pgx answers "bad connection" on a connection
// a cancel closed).
func TestHealthCancelledReadsKeepReplica(t *testing.T) {
	for _, d := range healthDialects {
		t.Run(d.String(), func(t *testing.T) {
			rc := openRT(t, d, rareChecks+"\npool: {max_open: 4}")
			q := "SELECT SLEEP(0.001), 1 UNION ALL SELECT 0, 2"
			if d == dialect.Postgres {
				q = "SELECT pg_sleep(0.001), g FROM generate_series(1, 50) g"
			}
			const readers, per = 8, 250
			var wg sync.WaitGroup
			var mu sync.Mutex
			var unexpected []error
			for g := range readers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					rnd := rand.New(rand.NewPCG(uint64(g), 7))
					for range per {
						ctx, cancel := context.WithCancel(context.Background())
						after := time.Duration(rnd.IntN(2500)) * time.Microsecond
						timer := time.AfterFunc(after, cancel)
						err := readAll(ctx, rc.db, q)
						timer.Stop()
						cancel()
						if err != nil && !errors.Is(err, context.Canceled) {
							mu.Lock()
							unexpected = append(unexpected, err)
							mu.Unlock()
						}
					}
				}()
			}
			wg.Wait()
			for _, err := range unexpected {
				t.Logf("a cancelled read failed otherwise: %v", err)
			}
			assert.Empty(t, unexpected, "a cancelled read fails with context.Canceled")
			assertInRotation(t, rc)
		})
	}
}

// readAll runs q and reads every row.
func readAll(ctx context.Context, db *sql.DB, q string) error {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
	}
	return rows.Err()
}

// TestHealthPoolWaitsKeepNodes: with every pooled connection of both nodes
// held (pool.max_open: 1), statements wait for the pool and give up at
// their deadline; health checks keep running meanwhile. Neither the waits
// nor the checks, which must not queue behind the application for the
// same pool, take a node out of rotation.
func TestHealthPoolWaitsKeepNodes(t *testing.T) {
	for _, d := range healthDialects {
		t.Run(d.String(), func(t *testing.T) {
			ctx := context.Background()
			rc := openRT(t, d, "pool: {max_open: 1}\nhealth: {interval: 150ms, timeout: 150ms, failures: 1}\n"+
				"routing: {read_your_writes: {mode: off}, lag_check_interval: 1h}")
			tbl := rc.table(t, "pool_wait_"+d.String(), "id INT PRIMARY KEY")
			probe := replicaProbe(t, rc)
			on, err := probe(ctx)
			require.NoError(t, err)
			require.True(t, on)

			// Hold the primary's one connection in a transaction and the
			// replica's in open rows.
			tx, err := rc.db.BeginTx(ctx, nil)
			require.NoError(t, err)
			defer tx.Rollback()
			_, err = tx.ExecContext(ctx, "INSERT INTO "+tbl+" VALUES (1)")
			require.NoError(t, err)
			rows, err := rc.db.QueryContext(ctx, "SELECT 1 UNION ALL SELECT 2")
			require.NoError(t, err)
			defer rows.Close()
			require.True(t, rows.Next())

			end := time.Now().Add(900 * time.Millisecond)
			waits := 0
			for time.Now().Before(end) {
				wctx, cancel := context.WithTimeout(ctx, 15*time.Millisecond)
				_, werr := rc.db.ExecContext(wctx, "INSERT INTO "+tbl+" VALUES (2)")
				var n int
				rerr := rc.db.QueryRowContext(wctx, "SELECT COUNT(*) FROM "+tbl).Scan(&n)
				cancel()
				require.ErrorIs(t, werr, context.DeadlineExceeded)
				require.ErrorIs(t, rerr, context.DeadlineExceeded)
				waits += 2
			}
			require.NoError(t, rows.Close())
			require.NoError(t, tx.Rollback())
			t.Logf("%d pool waits timed out", waits)
			for _, n := range []*registry.Node{rc.primary, rc.replica} {
				st := n.Stats()
				assert.True(t, st.Healthy, "%s left rotation: %s", st.Name, st.LastError)
				assert.Zero(t, st.Transitions, "%s left rotation: %s", st.Name, st.LastError)
				assert.False(t, st.LastCheck.IsZero(), "%s was checked meanwhile", st.Name)
			}
		})
	}
}
