package grant_test

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/routing"
)

// concurrentConns runs fn on n sql.Conns at once, each on its own
// goroutine, and reports every error.
func concurrentConns(t *testing.T, db *sql.DB, n int, fn func(ctx context.Context, c *sql.Conn, g int) error) {
	t.Helper()
	var wg sync.WaitGroup
	errc := make(chan error, n)
	for g := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := context.Background()
			c, err := db.Conn(ctx)
			if err != nil {
				errc <- err
				return
			}
			defer c.Close()
			if err := fn(ctx, c, g); err != nil {
				errc <- fmt.Errorf("conn %d: %w", g, err)
			}
		}()
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Error(err)
	}
}

// scanOn returns the single value q returns on c.
func scanOn(ctx context.Context, c *sql.Conn, q string, args ...any) (int64, error) {
	var v int64
	err := c.QueryRowContext(ctx, q, args...).Scan(&v)
	return v, err
}

// LAST_INSERT_ID(expr) sets the value the next LAST_INSERT_ID() of the
// session returns: with 8 concurrent sessions, each must read its own.
func TestSessionStateLastInsertIDExpr(t *testing.T) {
	rc := openRT(t, dialect.MySQL, "")
	concurrentConns(t, rc.db, 8, func(ctx context.Context, c *sql.Conn, g int) error {
		for i := range 200 {
			want := int64(g*100000 + i + 1)
			if _, err := c.ExecContext(ctx, "SELECT LAST_INSERT_ID(?)", want); err != nil {
				return err
			}
			got, err := scanOn(ctx, c, "SELECT LAST_INSERT_ID()")
			if err != nil {
				return err
			}
			if got != want {
				return fmt.Errorf("iteration %d: LAST_INSERT_ID() = %d, want %d", i, got, want)
			}
		}
		return nil
	})
}

// Every function that reads or sets session state, in the sequences an
// application runs on one sql.Conn, reads the session's own state.
func TestSessionStateSequencesMariaDB(t *testing.T) {
	rc := openRT(t, dialect.MySQL, "")
	tbl := rc.table(t, "sess", "id BIGINT AUTO_INCREMENT PRIMARY KEY, v INT")
	_, err := rc.rawPrimary.Exec("INSERT INTO " + tbl + " (v) VALUES (1), (2), (3), (4), (5)")
	require.NoError(t, err)
	concurrentConns(t, rc.db, 8, func(ctx context.Context, c *sql.Conn, g int) error {
		for i := range 20 {
			res, err := c.ExecContext(ctx, "INSERT INTO "+tbl+" (v) VALUES (?)", 100+g)
			if err != nil {
				return err
			}
			id, _ := res.LastInsertId()
			if got, err := scanOn(ctx, c, "SELECT LAST_INSERT_ID()"); err != nil || got != id {
				return fmt.Errorf("LAST_INSERT_ID() = %d (%v), want %d", got, err, id)
			}
			if _, err := c.ExecContext(ctx, "UPDATE "+tbl+" SET v = v WHERE v = ?", -1); err != nil {
				return err
			}
			if got, err := scanOn(ctx, c, "SELECT ROW_COUNT()"); err != nil || got != 0 {
				return fmt.Errorf("ROW_COUNT() = %d (%v), want 0", got, err)
			}
			var n int
			rows, err := c.QueryContext(ctx, "SELECT SQL_CALC_FOUND_ROWS id FROM "+tbl+" WHERE v <= 5 LIMIT 1")
			if err != nil {
				return err
			}
			for rows.Next() {
				n++
			}
			rows.Close()
			if got, err := scanOn(ctx, c, "SELECT FOUND_ROWS()"); err != nil || got != 5 {
				return fmt.Errorf("iteration %d: FOUND_ROWS() = %d (%v), want 5", i, got, err)
			}
			// Without SQL_CALC_FOUND_ROWS, FOUND_ROWS() counts the rows the
			// previous SELECT returned, wherever it ran.
			n = 0
			if rows, err = c.QueryContext(routing.ForceReplica(ctx), "SELECT id FROM "+tbl+" WHERE v <= 3"); err != nil {
				return err
			}
			for rows.Next() {
				n++
			}
			rows.Close()
			if got, err := scanOn(ctx, c, "SELECT FOUND_ROWS()"); err != nil || got != int64(n) || n != 3 {
				return fmt.Errorf("iteration %d: FOUND_ROWS() = %d (%v) after %d rows on the replica, want 3", i, got, err, n)
			}
			a, err1 := scanOn(ctx, c, "SELECT CONNECTION_ID()")
			b, err2 := scanOn(ctx, c, "SELECT CONNECTION_ID()")
			if err1 != nil || err2 != nil || a != b {
				return fmt.Errorf("CONNECTION_ID() %d then %d (%v, %v)", a, b, err1, err2)
			}
		}
		return nil
	})
	// SET STATEMENT .. FOR SELECT is a read: it may run on the replica and
	// pins nothing.
	rt := rc.explain(t, routing.ForceReplica(context.Background()), "SET STATEMENT max_statement_time=10 FOR SELECT v FROM "+tbl)
	assert.Equal(t, "replica", rt.Role().String())
	assert.False(t, rt.Pin)
}

func TestSessionStateSequencesPostgres(t *testing.T) {
	rc := openRT(t, dialect.Postgres, "")
	seq := rtName("seq")
	_, err := rc.rawPrimary.Exec("DROP SEQUENCE IF EXISTS " + seq)
	require.NoError(t, err)
	_, err = rc.rawPrimary.Exec("CREATE SEQUENCE " + seq)
	require.NoError(t, err)
	t.Cleanup(func() { rc.rawPrimary.Exec("DROP SEQUENCE IF EXISTS " + seq) })
	tbl := rc.table(t, "sess", "id BIGSERIAL PRIMARY KEY, v INT")
	concurrentConns(t, rc.db, 8, func(ctx context.Context, c *sql.Conn, g int) error {
		for i := range 20 {
			next, err := scanOn(ctx, c, "SELECT nextval('"+seq+"')")
			if err != nil {
				return err
			}
			if got, err := scanOn(ctx, c, "SELECT currval('"+seq+"')"); err != nil || got != next {
				return fmt.Errorf("currval = %d (%v), want %d", got, err, next)
			}
			want := int64(1_000_000 + g*1000 + i)
			if _, err := scanOn(ctx, c, "SELECT setval('"+seq+"', $1)", want); err != nil {
				return err
			}
			if got, err := scanOn(ctx, c, "SELECT currval('"+seq+"')"); err != nil || got != want {
				return fmt.Errorf("currval after setval = %d (%v), want %d", got, err, want)
			}
			id, err := scanOn(ctx, c, "INSERT INTO "+tbl+" (v) VALUES ($1) RETURNING id", g)
			if err != nil {
				return err
			}
			if got, err := scanOn(ctx, c, "SELECT lastval()"); err != nil || got != id {
				return fmt.Errorf("lastval = %d (%v), want %d", got, err, id)
			}
			a, err1 := scanOn(ctx, c, "SELECT pg_backend_pid()")
			b, err2 := scanOn(ctx, c, "SELECT pg_backend_pid()")
			if err1 != nil || err2 != nil || a != b {
				return fmt.Errorf("pg_backend_pid() %d then %d (%v, %v)", a, b, err1, err2)
			}
			name := fmt.Sprintf("app%d_%d", g, i)
			var got string
			if err := c.QueryRowContext(ctx, "SELECT set_config('application_name', $1, false)", name).Scan(&got); err != nil {
				return err
			}
			if err := c.QueryRowContext(ctx, "SELECT current_setting('application_name')").Scan(&got); err != nil || got != name {
				return fmt.Errorf("application_name = %q (%v), want %q", got, err, name)
			}
		}
		return nil
	})
}
