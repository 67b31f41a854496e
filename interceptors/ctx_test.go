package interceptors_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"sync"
	"testing"

	"github.com/ngrok/sqlmw"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/interceptors"
	"github.com/grantsql/grant/internal/fakedb"
)

type tagKey struct{}

// tagger returns a tagged context from the calls that may return one and
// records which tag each follow-up call received.
type tagger struct {
	sqlmw.NullInterceptor
	mu   sync.Mutex
	seen map[string]any
}

func (g *tagger) saw(op string, ctx context.Context) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.seen[op] = ctx.Value(tagKey{})
}

func (g *tagger) ConnBeginTx(ctx context.Context, c driver.ConnBeginTx, o driver.TxOptions) (context.Context, driver.Tx, error) {
	tx, err := c.BeginTx(ctx, o)
	return context.WithValue(ctx, tagKey{}, "begin"), tx, err
}

func (g *tagger) ConnPrepareContext(ctx context.Context, c driver.ConnPrepareContext, q string) (context.Context, driver.Stmt, error) {
	s, err := c.PrepareContext(ctx, q)
	return context.WithValue(ctx, tagKey{}, "prepare"), s, err
}

func (g *tagger) ConnQueryContext(ctx context.Context, c driver.QueryerContext, q string, args []driver.NamedValue) (context.Context, driver.Rows, error) {
	r, err := c.QueryContext(ctx, q, args)
	return context.WithValue(ctx, tagKey{}, "query:"+q), r, err
}

func (g *tagger) StmtQueryContext(ctx context.Context, s driver.StmtQueryContext, q string, args []driver.NamedValue) (context.Context, driver.Rows, error) {
	g.saw("stmt query", ctx)
	r, err := s.QueryContext(ctx, args)
	return context.WithValue(ctx, tagKey{}, "stmt query:"+q), r, err
}

func (g *tagger) RowsNext(ctx context.Context, r driver.Rows, dest []driver.Value) error {
	g.saw("next", ctx)
	return r.Next(dest)
}

func (g *tagger) RowsClose(ctx context.Context, r driver.Rows) error {
	g.saw("rows close", ctx)
	return r.Close()
}

func (g *tagger) StmtClose(ctx context.Context, s driver.Stmt) error {
	g.saw("stmt close", ctx)
	return s.Close()
}

func (g *tagger) TxCommit(ctx context.Context, tx driver.Tx) error {
	g.saw("commit", ctx)
	return tx.Commit()
}

func (g *tagger) TxRollback(ctx context.Context, tx driver.Tx) error {
	g.saw("rollback", ctx)
	return tx.Rollback()
}

// TestInterceptorContextFollowsTheObject: the context an interceptor returns
// from begin, prepare and query is the one its later calls on the same
// transaction, statement or rows receive.
func TestInterceptorContextFollowsTheObject(t *testing.T) {
	ctx := context.Background()
	g := &tagger{seen: map[string]any{}}
	fake := fakedb.New("fake", fakedb.CapAll)
	_, conn := openConn(t, interceptors.Wrap(fake.Connector(), g))

	rows, err := conn.QueryContext(ctx, "q")
	require.NoError(t, err)
	require.True(t, rows.Next())
	require.NoError(t, rows.Close())
	assert.Equal(t, map[string]any{"next": "query:q", "rows close": "query:q"}, g.seen)

	g.seen = map[string]any{}
	st, err := conn.PrepareContext(ctx, "p")
	require.NoError(t, err)
	rows, err = st.QueryContext(ctx)
	require.NoError(t, err)
	require.True(t, rows.Next())
	require.NoError(t, rows.Close())
	require.NoError(t, st.Close())
	assert.Equal(t, map[string]any{
		"stmt query": nil, "next": "stmt query:p", "rows close": "stmt query:p", "stmt close": "prepare",
	}, g.seen, "a statement runs with the caller's context and closes with the prepare's")

	g.seen = map[string]any{}
	tx, err := conn.BeginTx(ctx, nil)
	require.NoError(t, err)
	require.NoError(t, tx.Commit())
	tx, err = conn.BeginTx(ctx, nil)
	require.NoError(t, err)
	require.NoError(t, tx.Rollback())
	assert.Equal(t, map[string]any{"commit": "begin", "rollback": "begin"}, g.seen)
}

// TestWrappedLegacyMethods calls the pre-context methods of a wrapped
// connection and statement, which database/sql itself never uses.
func TestWrappedLegacyMethods(t *testing.T) {
	fake := fakedb.New("fake", fakedb.CapAll)
	withRaw(t, openWrapped(t, fake), func(dc driver.Conn) {
		fake.Take()
		st, err := dc.Prepare("p")
		require.NoError(t, err)
		assert.Equal(t, -1, st.NumInput())
		_, err = st.Exec([]driver.Value{int64(1)}) //nolint:staticcheck // the legacy method is under test
		require.NoError(t, err)
		assert.Equal(t, []driver.NamedValue{{Ordinal: 1, Value: int64(1)}}, fake.LastArgs())
		rows, err := st.Query([]driver.Value{"x"}) //nolint:staticcheck // the legacy method is under test
		require.NoError(t, err)
		assert.Equal(t, []driver.NamedValue{{Ordinal: 1, Value: "x"}}, fake.LastArgs())
		require.NoError(t, rows.Close())
		require.NoError(t, st.Close())
		tx, err := dc.Begin() //nolint:staticcheck // the legacy method is under test
		require.NoError(t, err)
		require.NoError(t, tx.Commit())
		assert.Equal(t, []string{
			"conn.prepare p", "stmt.exec p", "stmt.query p", "rows.close", "stmt.close p", "begin", "commit",
		}, fake.Take())
	})
}

func TestCountersConcurrent(t *testing.T) {
	const workers, each = 8, 50
	fake := fakedb.New("fake", fakedb.CapAll)
	counters := interceptors.NewCounters()
	db := sql.OpenDB(interceptors.Wrap(fake.Connector(), counters, sqlmw.NullInterceptor{}))
	defer db.Close()
	db.SetMaxOpenConns(4)
	db.SetMaxIdleConns(4) // else database/sql closes and reopens connections above its idle default of 2
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range each {
				rows, err := db.Query("q")
				if !assert.NoError(t, err) {
					return
				}
				for rows.Next() {
				}
				assert.NoError(t, rows.Close())
				_, err = db.Exec("e")
				assert.NoError(t, err)
			}
		})
	}
	wg.Wait()
	s := counters.Snapshot()
	assert.Equal(t, int64(workers*each), s.Queries)
	assert.Equal(t, int64(workers*each), s.Execs)
	assert.Equal(t, int64(2*workers*each), s.Rows, "two rows per query")
	assert.LessOrEqual(t, s.Connects, int64(4))
	assert.Equal(t, int64(fake.Count("connect")), s.Connects)
	assert.Zero(t, s.Errors)
}
