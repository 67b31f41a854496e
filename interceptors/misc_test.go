package interceptors_test

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"io"
	"log/slog"
	"testing"

	"github.com/ngrok/sqlmw"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/interceptors"
)

func TestWrapForwardsCloser(t *testing.T) {
	null := sqlmw.NullInterceptor{}
	t.Run("base with Close", func(t *testing.T) {
		for name, wrap := range map[string]func(driver.Connector) driver.Connector{
			"one":    func(c driver.Connector) driver.Connector { return interceptors.Wrap(c, null) },
			"three":  func(c driver.Connector) driver.Connector { return interceptors.Wrap(c, null, null, null) },
			"nested": func(c driver.Connector) driver.Connector { return interceptors.Wrap(interceptors.Wrap(c, null), null) },
		} {
			t.Run(name, func(t *testing.T) {
				fake := newFakeDB(capAll)
				w := wrap(closingConnector{fake.connector()})
				require.Implements(t, (*io.Closer)(nil), w)
				db := sql.OpenDB(w)
				require.NoError(t, db.Ping())
				require.NoError(t, db.Close())
				assert.Equal(t, 1, fake.count("connector.close"))
				assert.Equal(t, 1, fake.count("conn.close"))
			})
		}
	})
	t.Run("base without Close", func(t *testing.T) {
		fake := newFakeDB(capAll)
		w := interceptors.Wrap(fake.connector(), null, null)
		_, ok := w.(io.Closer)
		assert.False(t, ok, "the wrapper has io.Closer only when the base has it")
		db := sql.OpenDB(w)
		require.NoError(t, db.Ping())
		require.NoError(t, db.Close())
		assert.Zero(t, fake.count("connector.close"))
	})
}

func TestWrapDriverIsBaseDriver(t *testing.T) {
	fake := newFakeDB(capAll)
	w := interceptors.Wrap(closingConnector{fake.connector()}, interceptors.NewCounters(), sqlmw.NullInterceptor{})
	assert.Same(t, fake.drv, w.Driver())
	db := sql.OpenDB(w)
	defer db.Close()
	assert.Same(t, fake.drv, db.Driver())
}

func TestUnwrapReachesBaseConn(t *testing.T) {
	fake := newFakeDB(capAll)
	inner := interceptors.Wrap(fake.connector(), interceptors.NewCounters())
	db := sql.OpenDB(interceptors.Wrap(inner, sqlmw.NullInterceptor{}, interceptors.NewCounters()))
	defer db.Close()
	withRaw(t, db, func(dc driver.Conn) {
		base := fake.conn(0)
		assert.False(t, dc == base, "database/sql holds the wrapped connection")
		assert.True(t, interceptors.Unwrap(dc) == base, "three layers down is the fake's own connection")
		assert.True(t, interceptors.Unwrap(base) == base)
	})
	assert.Nil(t, interceptors.Unwrap(nil))
	assert.Equal(t, "x", interceptors.Unwrap("x"))
}

func TestErrorsPassThroughUnchanged(t *testing.T) {
	ctx := context.Background()
	steps := map[string]func(db *sql.DB) error{
		"connect":      func(db *sql.DB) error { return db.PingContext(ctx) },
		"ping":         func(db *sql.DB) error { return db.PingContext(ctx) },
		"conn.exec":    func(db *sql.DB) error { _, err := db.ExecContext(ctx, "e"); return err },
		"conn.query":   func(db *sql.DB) error { _, err := db.QueryContext(ctx, "q"); return err },
		"conn.prepare": func(db *sql.DB) error { _, err := db.PrepareContext(ctx, "p"); return err },
		"stmt.exec": func(db *sql.DB) error {
			st, err := db.PrepareContext(ctx, "p")
			if err != nil {
				return err
			}
			defer st.Close()
			_, err = st.ExecContext(ctx)
			return err
		},
		"stmt.query": func(db *sql.DB) error {
			st, err := db.PrepareContext(ctx, "p")
			if err != nil {
				return err
			}
			defer st.Close()
			_, err = st.QueryContext(ctx)
			return err
		},
		"begin": func(db *sql.DB) error { _, err := db.BeginTx(ctx, nil); return err },
		"commit": func(db *sql.DB) error {
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				return err
			}
			return tx.Commit()
		},
		"rollback": func(db *sql.DB) error {
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				return err
			}
			return tx.Rollback()
		},
	}
	for op, step := range steps {
		t.Run(op, func(t *testing.T) {
			fake := newFakeDB(capAll)
			fake.errFor = func(got, _ string) error {
				if got == op {
					return &fakeError{Op: op, Code: 42}
				}
				return nil
			}
			counters := interceptors.NewCounters()
			logger := interceptors.Logger(slog.New(slog.DiscardHandler), interceptors.LogOptions{})
			db := sql.OpenDB(interceptors.Wrap(fake.connector(), counters, logger, recorder{"r", fake}))
			defer db.Close()
			err := step(db)
			var fe *fakeError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, &fakeError{Op: op, Code: 42}, fe)
			if op != "ping" {
				assert.Equal(t, int64(1), counters.Snapshot().Errors)
			}
		})
	}
}

func TestErrBadConnRetriesOnNewConnection(t *testing.T) {
	ctx := context.Background()
	fake := newFakeDB(capAll)
	failed := false
	fake.errFor = func(op, _ string) error {
		if op == "conn.query" && !failed {
			failed = true
			return driver.ErrBadConn
		}
		return nil
	}
	counters := interceptors.NewCounters()
	db := sql.OpenDB(interceptors.Wrap(fake.connector(), counters, sqlmw.NullInterceptor{}))
	defer db.Close()
	require.NoError(t, db.PingContext(ctx))
	require.Equal(t, 1, fake.count("connect"))

	rows, err := db.QueryContext(ctx, "q")
	require.NoError(t, err, "database/sql retried on a new connection")
	require.NoError(t, rows.Close())
	assert.Equal(t, 2, fake.count("connect"))
	assert.Equal(t, 2, fake.count("conn.query"))
	assert.Equal(t, 1, fake.count("conn.close"), "the bad connection was closed")
	s := counters.Snapshot()
	assert.Equal(t, int64(2), s.Connects)
	assert.Equal(t, int64(2), s.Queries)
	assert.Equal(t, int64(1), s.Errors)
}

func TestContextReachesBase(t *testing.T) {
	chain := func(fake *fakeDB) driver.Connector {
		logger := interceptors.Logger(slog.New(slog.DiscardHandler), interceptors.LogOptions{})
		return interceptors.Wrap(fake.connector(), interceptors.NewCounters(), logger, recorder{"r", fake})
	}
	steps := map[string]func(ctx context.Context, db *sql.DB) error{
		"query": func(ctx context.Context, db *sql.DB) error { _, err := db.QueryContext(ctx, "block"); return err },
		"exec":  func(ctx context.Context, db *sql.DB) error { _, err := db.ExecContext(ctx, "block"); return err },
		"stmt query": func(ctx context.Context, db *sql.DB) error {
			st, err := db.PrepareContext(context.Background(), "block")
			if err != nil {
				return err
			}
			defer st.Close()
			_, err = st.QueryContext(ctx)
			return err
		},
	}
	for name, step := range steps {
		t.Run(name, func(t *testing.T) {
			fake := newFakeDB(capAll)
			db := sql.OpenDB(chain(fake))
			defer db.Close()
			ctx, cancel := context.WithCancel(context.WithValue(context.Background(), ctxKey{}, "v"))
			defer cancel()
			errc := make(chan error, 1)
			go func() { errc <- step(ctx, db) }()
			<-fake.started
			cancel()
			err := <-errc
			require.ErrorIs(t, err, context.Canceled)
			fake.mu.Lock()
			defer fake.mu.Unlock()
			assert.Equal(t, "v", fake.ctxVal, "the caller's context reached the base")
		})
	}
}

func TestLoggerInfoLevel(t *testing.T) {
	var buf bytes.Buffer
	fake := newFakeDB(capAll)
	logger := interceptors.Logger(jsonLogger(&buf, slog.LevelInfo), interceptors.LogOptions{Level: slog.LevelInfo})
	db := sql.OpenDB(interceptors.Wrap(fake.connector(), logger))
	defer db.Close()
	_, err := db.Exec("e")
	require.NoError(t, err)
	recs := records(t, &buf)
	require.Len(t, recs, 1)
	assert.Equal(t, "INFO", recs[0]["level"])
}
