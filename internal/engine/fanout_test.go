package engine

import (
	"context"
	"database/sql/driver"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/internal/fakedb"
)

// shardRows makes shard i answer every query with ids i and i+10.
func (h *harness) shardRows(names ...string) {
	for i, n := range names {
		id := int64(i)
		h.db(n).Results = func(string, []driver.NamedValue) []fakedb.ResultSet {
			return []fakedb.ResultSet{{Cols: []string{"id"}, Rows: [][]driver.Value{{id}, {id + 10}}}}
		}
	}
}

func TestFanoutMergesInOrder(t *testing.T) {
	h := shardHarness(t)
	h.shardRows("s0", "s1", "s2")
	rows, err := h.session().Query(bg, "SELECT id FROM orders ORDER BY id", nil, false)
	require.NoError(t, err)
	got := drain(t, rows)
	assert.Equal(t, [][]driver.Value{{int64(0)}, {int64(1)}, {int64(2)}, {int64(10)}, {int64(11)}, {int64(12)}}, got)
	h.idle()
}

// A shard whose query fails fails the read, naming it; every connection
// goes back.
func TestFanoutShardFails(t *testing.T) {
	h := shardHarness(t)
	h.shardRows("s0", "s1", "s2")
	h.db("s1").FailOn("conn.query", "", 1, errors.New("relation does not exist"))
	_, err := h.session().Query(bg, "SELECT id FROM orders ORDER BY id", nil, false)
	require.ErrorContains(t, err, "s1")
	require.ErrorContains(t, err, "relation does not exist")
	h.idle()
}

// A shard that refuses its connection at the first try is retried.
func TestFanoutShardRetried(t *testing.T) {
	h := shardHarness(t)
	h.shardRows("s0", "s1", "s2")
	h.db("s2").FailOn("conn.query", "", 1, driver.ErrBadConn)
	rows, err := h.session().Query(bg, "SELECT id FROM orders ORDER BY id", nil, false)
	require.NoError(t, err)
	assert.Len(t, drain(t, rows), 6)
	h.idle()
}

// A shard that hangs ends with the read's context, and the others are
// closed.
func TestFanoutShardHangsUntilCancelled(t *testing.T) {
	h := shardHarness(t)
	h.shardRows("s0", "s1", "s2")
	h.db("s0").Hang("SELECT id FROM orders ORDER BY id")
	ctx, cancel := context.WithTimeout(bg, 50*time.Millisecond)
	defer cancel()
	_, err := h.session().Query(ctx, "SELECT id FROM orders ORDER BY id", nil, false)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	h.idle()
}

// Concurrent fan-outs over pools of one connection each never deadlock:
// connections are taken in database order.
func TestFanoutCappedPoolsNoDeadlock(t *testing.T) {
	cfg := fakeCluster(0, "s0", "s1", "s2")
	cfg.Pool.MaxOpen = 1
	h := newHarness(t, cfg)
	h.shardRows("s0", "s1", "s2")
	done := make(chan error, 8)
	for range 8 {
		go func() {
			ctx, cancel := context.WithTimeout(bg, 5*time.Second)
			defer cancel()
			s := h.e.NewSession()
			defer s.Close()
			rows, err := s.Query(ctx, "SELECT id FROM orders ORDER BY id", nil, false)
			if err == nil {
				err = rows.Close()
			}
			done <- err
		}()
	}
	for range 8 {
		require.NoError(t, <-done)
	}
	h.idle()
}
