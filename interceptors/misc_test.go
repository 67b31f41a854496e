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
	"github.com/grantsql/grant/internal/fakedb"
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
				fake := fakedb.New("fake", fakedb.CapAll)
				w := wrap(fake.ClosingConnector())
				require.Implements(t, (*io.Closer)(nil), w)
				db := sql.OpenDB(w)
				require.NoError(t, db.Ping())
				require.NoError(t, db.Close())
				assert.Equal(t, 1, fake.Count("connector.close"))
				assert.Equal(t, 1, fake.Count("conn.close"))
			})
		}
	})
	t.Run("base without Close", func(t *testing.T) {
		fake := fakedb.New("fake", fakedb.CapAll)
		w := interceptors.Wrap(fake.Connector(), null, null)
		_, ok := w.(io.Closer)
		assert.False(t, ok, "the wrapper has io.Closer only when the base has it")
		db := sql.OpenDB(w)
		require.NoError(t, db.Ping())
		require.NoError(t, db.Close())
		assert.Zero(t, fake.Count("connector.close"))
	})
}

func TestWrapDriverIsBaseDriver(t *testing.T) {
	fake := fakedb.New("fake", fakedb.CapAll)
	w := interceptors.Wrap(fake.ClosingConnector(), interceptors.NewCounters(), sqlmw.NullInterceptor{})
	base := fake.Connector().Driver()
	assert.Equal(t, base, w.Driver(), "the fake's driver, not a wrapper")
	db := sql.OpenDB(w)
	defer db.Close()
	assert.Equal(t, base, db.Driver())
	c, err := db.Driver().Open("")
	require.NoError(t, err)
	require.NoError(t, c.Close())
	assert.Equal(t, []string{"connect", "conn.close"}, fake.Take(), "its Open connects to the fake, unwrapped")
}

func TestUnwrapReachesBaseConn(t *testing.T) {
	fake := fakedb.New("fake", fakedb.CapAll)
	inner := interceptors.Wrap(fake.Connector(), interceptors.NewCounters())
	db := sql.OpenDB(interceptors.Wrap(inner, sqlmw.NullInterceptor{}, interceptors.NewCounters()))
	defer db.Close()
	withRaw(t, db, func(dc driver.Conn) {
		base := fake.Conn(0)
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
			fake := fakedb.New("fake", fakedb.CapAll)
			fake.FailOn(op, "", 0, &fakedb.Error{Op: op, Code: 42})
			counters := interceptors.NewCounters()
			logger := interceptors.Logger(slog.New(slog.DiscardHandler), interceptors.LogOptions{})
			db := sql.OpenDB(interceptors.Wrap(fake.Connector(), counters, logger, recorder{"r", fake}))
			defer db.Close()
			err := step(db)
			var fe *fakedb.Error
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, &fakedb.Error{Op: op, Code: 42}, fe)
			if op != "ping" {
				assert.Equal(t, int64(1), counters.Snapshot().Errors)
			}
		})
	}
}

func TestErrBadConnRetriesOnNewConnection(t *testing.T) {
	ctx := context.Background()
	fake := fakedb.New("fake", fakedb.CapAll)
	fake.FailOn("conn.query", "", 1, driver.ErrBadConn)
	counters := interceptors.NewCounters()
	db := sql.OpenDB(interceptors.Wrap(fake.Connector(), counters, sqlmw.NullInterceptor{}))
	defer db.Close()
	require.NoError(t, db.PingContext(ctx))
	require.Equal(t, 1, fake.Count("connect"))

	rows, err := db.QueryContext(ctx, "q")
	require.NoError(t, err, "database/sql retried on a new connection")
	require.NoError(t, rows.Close())
	assert.Equal(t, 2, fake.Count("connect"))
	assert.Equal(t, 2, fake.Count("conn.query"))
	assert.Equal(t, 1, fake.Count("conn.close"), "the bad connection was closed")
	s := counters.Snapshot()
	assert.Equal(t, int64(2), s.Connects)
	assert.Equal(t, int64(2), s.Queries)
	assert.Equal(t, int64(1), s.Errors)
}

func TestContextReachesBase(t *testing.T) {
	chain := func(fake *fakedb.DB) driver.Connector {
		logger := interceptors.Logger(slog.New(slog.DiscardHandler), interceptors.LogOptions{})
		return interceptors.Wrap(fake.Connector(), interceptors.NewCounters(), logger, recorder{"r", fake})
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
			fake := fakedb.New("fake", fakedb.CapAll)
			fake.Hang("block")
			db := sql.OpenDB(chain(fake))
			defer db.Close()
			ctx, cancel := context.WithCancel(context.WithValue(context.Background(), fakedb.CtxKey{}, "v"))
			defer cancel()
			errc := make(chan error, 1)
			go func() { errc <- step(ctx, db) }()
			<-fake.Started
			cancel()
			err := <-errc
			require.ErrorIs(t, err, context.Canceled)
			assert.Equal(t, "v", fake.CtxValue(), "the caller's context reached the base")
		})
	}
}

func TestLoggerInfoLevel(t *testing.T) {
	var buf bytes.Buffer
	fake := fakedb.New("fake", fakedb.CapAll)
	logger := interceptors.Logger(jsonLogger(&buf, slog.LevelInfo), interceptors.LogOptions{Level: slog.LevelInfo})
	db := sql.OpenDB(interceptors.Wrap(fake.Connector(), logger))
	defer db.Close()
	_, err := db.Exec("e")
	require.NoError(t, err)
	recs := records(t, &buf)
	require.Len(t, recs, 1)
	assert.Equal(t, "INFO", recs[0]["level"])
}
