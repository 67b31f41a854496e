package grant_test

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
)

// openCapped opens tg's database with pool.max_open set to maxOpen on every
// node, and database/sql's own idle limit as a plain application would.
func (tg target) openCapped(t *testing.T, maxOpen int) (*sql.DB, *grant.Connector) {
	c, err := grant.NewConnector(&grant.Config{Dialect: tg.d,
		Databases: map[string]*config.Database{"main": {Primary: tg.primary}},
		Pool:      config.Pool{MaxOpen: maxOpen}})
	require.NoError(t, err)
	db := sql.OpenDB(c)
	db.SetMaxIdleConns(maxOpen)
	t.Cleanup(func() { db.Close() })
	return db, c
}

// assertIdle checks that no node of c counts a statement in flight or a
// connection in use once the application is idle, and that none left
// rotation. database/sql opens connections for waiters in the background
// and counts them in use meanwhile, so the pool gets a moment to settle.
func assertIdle(t *testing.T, c *grant.Connector) {
	t.Helper()
	for _, s := range c.Registry().Stats() {
		assert.Zero(t, s.InFlight, "node %s in flight while idle", s.Name)
		assert.True(t, s.Healthy, "node %s left rotation", s.Name)
	}
	assert.Eventually(t, func() bool {
		for _, s := range c.Registry().Stats() {
			if s.Pool.InUse != 0 {
				return false
			}
		}
		return true
	}, 5*time.Second, 20*time.Millisecond, "connections in use while idle: %+v", c.Registry().Stats())
}

// runWriters runs n goroutines of per INSERTs each, every INSERT under its
// own deadline, and returns the errors.
func runWriters(db *sql.DB, ins string, n, per int) []error {
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	for g := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range per {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				_, err := db.ExecContext(ctx, ins, fmt.Sprintf("w%d-%d", g, i))
				cancel()
				if err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	return errs
}

// Autocommit writes through a plain *sql.DB never starve on a capped pool:
// a virtual connection idle in database/sql's pool holds no physical one.
func TestPoolCappedWritersFinish(t *testing.T) {
	for _, c := range []struct{ maxOpen, writers, per int }{{2, 6, 1}, {2, 6, 5}, {10, 30, 3}} {
		t.Run(fmt.Sprintf("max_open=%d/writers=%d", c.maxOpen, c.writers), func(t *testing.T) {
			forEachDialect(t, func(t *testing.T, tg target) {
				db, conn := tg.openCapped(t, c.maxOpen)
				tbl := tg.table(t, db, "grant_starve_w", tg.serial()+", name VARCHAR(40)")
				errs := runWriters(db, "INSERT INTO "+tbl+" (name) VALUES ("+tg.ph(1)+")", c.writers, c.per)
				require.Empty(t, errs)
				var n int
				require.NoError(t, db.QueryRow("SELECT COUNT(*) FROM "+tbl).Scan(&n))
				assert.Equal(t, c.writers*c.per, n)
				assertIdle(t, conn)
			})
		})
	}
}

// Reads and writes mixed with sql.Conn sessions that hold session state
// (a pinned connection) all finish on a capped pool.
func TestPoolCappedMixedSessionsFinish(t *testing.T) {
	forEachDialect(t, func(t *testing.T, tg target) {
		const maxOpen = 4
		db, conn := tg.openCapped(t, maxOpen)
		tbl := tg.table(t, db, "grant_starve_m", tg.serial()+", name VARCHAR(40)")
		ins := "INSERT INTO " + tbl + " (name) VALUES (" + tg.ph(1) + ")"
		var wg sync.WaitGroup
		errc := make(chan error, 64)
		for g := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				defer cancel()
				switch g % 3 {
				case 0: // a session with state, held for a few statements
					if err := pinnedSession(ctx, db, tg, ins, g); err != nil {
						errc <- fmt.Errorf("session %d: %w", g, err)
					}
				case 1:
					for i := range 5 {
						if _, err := db.ExecContext(ctx, ins, fmt.Sprintf("m%d-%d", g, i)); err != nil {
							errc <- err
						}
					}
				default:
					for range 5 {
						var n int
						if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+tbl).Scan(&n); err != nil {
							errc <- err
						}
					}
				}
			}()
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			t.Error(err)
		}
		assertIdle(t, conn)
	})
}

// pinnedSession sets session state on one sql.Conn, writes and reads it
// back, so the session holds its physical connection for a while.
func pinnedSession(ctx context.Context, db *sql.DB, tg target, ins string, g int) error {
	c, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	set, get := "SET @grant_g = "+fmt.Sprint(g), "SELECT @grant_g"
	switch tg.d {
	case dialect.Postgres:
		set, get = "SET application_name = 'g"+fmt.Sprint(g)+"'", "SELECT current_setting('application_name')"
	case dialect.SQLite:
		set, get = "PRAGMA cache_size = "+fmt.Sprint(1000+g), "PRAGMA cache_size"
	}
	if _, err := c.ExecContext(ctx, set); err != nil {
		return err
	}
	for i := range 3 {
		if _, err := c.ExecContext(ctx, ins, fmt.Sprintf("p%d-%d", g, i)); err != nil {
			return err
		}
		var v string
		if err := c.QueryRowContext(ctx, get).Scan(&v); err != nil {
			return err
		}
		want := fmt.Sprint(g)
		switch tg.d {
		case dialect.Postgres:
			want = "g" + want
		case dialect.SQLite:
			want = fmt.Sprint(1000 + g)
		}
		if v != want {
			return fmt.Errorf("session state lost: got %q, want %q", v, want)
		}
	}
	return nil
}
