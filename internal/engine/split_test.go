package engine

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/twophase"
)

// insertAll is a multi-row INSERT with one row on each of s0, s1, s2
// (modulo 3 on customer_id).
const insertAll = "INSERT INTO orders (id, customer_id) VALUES (1, 0), (2, 1), (3, 2)"

func shardHarness(t *testing.T) *harness {
	return newHarness(t, fakeCluster(0, "s0", "s1", "s2"))
}

// committed returns the statements committed on each shard.
func (h *harness) committed(names ...string) [][]string {
	out := make([][]string, len(names))
	for i, n := range names {
		out[i] = h.db(n).Committed()
	}
	return out
}

func TestSplitWriteCommitsEverywhere(t *testing.T) {
	h := shardHarness(t)
	s := h.session()
	res, err := s.Exec(bg, insertAll, nil, false)
	require.NoError(t, err)
	n, err := res.RowsAffected()
	require.NoError(t, err)
	assert.Equal(t, int64(3), n)
	_, err = res.LastInsertId()
	assert.ErrorContains(t, err, "s0, s1, s2")
	for _, c := range h.committed("s0", "s1", "s2") {
		assert.Len(t, c, 1)
	}
	h.idle()
}

// A statement failing on one leg rolls every begun leg back: nothing
// commits. SQLite legs run one after another in database order, so the leg
// after the failing one is never begun.
func TestSplitWriteFailingLegCommitsNothing(t *testing.T) {
	h := shardHarness(t)
	h.db("s1").FailOn("conn.exec", "", 1, nil)
	_, err := h.session().Exec(bg, insertAll, nil, false)
	require.ErrorContains(t, err, "shard s1")
	assert.Equal(t, [][]string{nil, nil, nil}, h.committed("s0", "s1", "s2"))
	for _, n := range []string{"s0", "s1"} {
		assert.Equal(t, 1, h.db(n).Count("begin"), n)
		assert.Equal(t, 1, h.db(n).Count("rollback"), n)
	}
	assert.Zero(t, h.db("s2").Count("begin"), "s2 runs after s1: never begun")
	h.idle()
}

// A commit failing on the second leg leaves the first committed: the error
// is a partial commit naming both sides, and the third leg rolls back.
func TestSplitWriteCommitFailingOnLegTwo(t *testing.T) {
	h := shardHarness(t)
	h.db("s1").FailOn("commit", "", 1, nil)
	_, err := h.session().Exec(bg, insertAll, nil, false)
	require.ErrorIs(t, err, twophase.ErrPartialCommit)
	assert.ErrorContains(t, err, "committed on s0, commit failed on s1, rolled back on s2")
	c := h.committed("s0", "s1", "s2")
	assert.Len(t, c[0], 1)
	assert.Empty(t, c[1])
	assert.Empty(t, c[2])
	h.idle()
}

// A commit failing on the first leg commits nothing, and is no partial
// commit.
func TestSplitWriteCommitFailingOnLegOne(t *testing.T) {
	h := shardHarness(t)
	h.db("s0").FailOn("commit", "", 1, nil)
	_, err := h.session().Exec(bg, insertAll, nil, false)
	require.ErrorContains(t, err, "commit on s0")
	assert.NotErrorIs(t, err, twophase.ErrPartialCommit)
	assert.Equal(t, [][]string{nil, nil, nil}, h.committed("s0", "s1", "s2"))
	h.idle()
}

// A split write whose context ends while a leg hangs commits nothing.
func TestSplitWriteHangingLegCancelled(t *testing.T) {
	h := shardHarness(t)
	h.db("s2").Hang("INSERT INTO orders (id, customer_id) VALUES (3, 2)")
	ctx, cancel := context.WithTimeout(bg, 50*time.Millisecond)
	defer cancel()
	_, err := h.session().Exec(ctx, insertAll, nil, false)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, [][]string{nil, nil, nil}, h.committed("s0", "s1", "s2"))
	h.idle()
}

// A connection that cannot be made for one leg fails the statement before
// anything runs, and gives back the connections taken for the others.
func TestSplitWriteConnectErrorOnLeg(t *testing.T) {
	h := shardHarness(t)
	h.db("s1").FailConnect(nil)
	_, err := h.session().Exec(bg, insertAll, nil, false)
	require.ErrorContains(t, err, "shard s1")
	assert.Zero(t, h.db("s0").Count("conn.exec")+h.db("s2").Count("conn.exec"))
	h.idle()
}
