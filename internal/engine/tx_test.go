package engine

import (
	"database/sql/driver"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/twophase"
)

// beginTx opens a transaction on a new session.
func (h *harness) beginTx() (*Session, *Tx) {
	s := h.session()
	tx, err := s.Begin(bg, driver.TxOptions{})
	require.NoError(h.t, err)
	return s, tx
}

// A transaction reading on two shards and writing on a third commits the
// readers first, then the writer.
func TestTxSeveralParticipantsCommitOrder(t *testing.T) {
	h := shardHarness(t)
	s, tx := h.beginTx()
	for _, k := range []int{1, 2} { // s1, s2
		rows, err := s.Query(bg, "SELECT id FROM orders WHERE customer_id = ?", args(k), false)
		require.NoError(t, err)
		drain(t, rows)
	}
	_, err := s.Exec(bg, "UPDATE orders SET n = 1 WHERE customer_id = ?", args(3), false) // s0
	require.NoError(t, err)
	require.NoError(t, tx.Commit())
	for _, n := range []string{"s0", "s1", "s2"} {
		assert.Equal(t, 1, h.db(n).Count("commit"), n)
	}
	assert.Equal(t, [][]string{{"UPDATE orders SET n = 1 WHERE customer_id = ?"}, nil, nil}, h.committed("s0", "s1", "s2"))
	h.idle()
}

// A write to a second database is refused before it reaches any server.
func TestTxSecondWritingDatabaseRefused(t *testing.T) {
	h := shardHarness(t)
	s, tx := h.beginTx()
	_, err := s.Exec(bg, "UPDATE orders SET n = 1 WHERE customer_id = ?", args(0), false)
	require.NoError(t, err)
	_, err = s.Exec(bg, "UPDATE orders SET n = 2 WHERE customer_id = ?", args(1), false)
	require.ErrorIs(t, err, twophase.ErrCrossShardWrite)
	assert.Zero(t, h.db("s1").Count("conn.exec"), "nothing ran on s1")
	_, err = s.Exec(bg, insertAll, nil, false)
	require.ErrorIs(t, err, twophase.ErrCrossShardWrite)
	require.NoError(t, tx.Commit())
	assert.Len(t, h.db("s0").Committed(), 1)
	h.idle()
}

// Commit failing on the writing participant commits nothing it wrote.
func TestTxCommitFailingOnWriter(t *testing.T) {
	h := shardHarness(t)
	h.db("s0").FailOn("commit", "", 1, nil)
	s, tx := h.beginTx()
	rows, err := s.Query(bg, "SELECT id FROM orders WHERE customer_id = ?", args(1), false)
	require.NoError(t, err)
	drain(t, rows)
	_, err = s.Exec(bg, "UPDATE orders SET n = 1 WHERE customer_id = ?", args(0), false)
	require.NoError(t, err)
	err = tx.Commit()
	require.ErrorContains(t, err, "commit on s0")
	assert.NotErrorIs(t, err, twophase.ErrPartialCommit, "only s0 wrote")
	assert.Empty(t, h.db("s0").Committed())
	h.idle()
}

// Commit failing on a reading participant, which commits first, rolls the
// writer back.
func TestTxCommitFailingOnReaderRollsBackWriter(t *testing.T) {
	h := shardHarness(t)
	h.db("s1").FailOn("commit", "", 1, nil)
	s, tx := h.beginTx()
	_, err := s.Exec(bg, "UPDATE orders SET n = 1 WHERE customer_id = ?", args(0), false)
	require.NoError(t, err)
	rows, err := s.Query(bg, "SELECT id FROM orders WHERE customer_id = ?", args(1), false)
	require.NoError(t, err)
	drain(t, rows)
	err = tx.Commit()
	require.ErrorContains(t, err, "commit on s1")
	assert.Empty(t, h.db("s0").Committed())
	assert.Equal(t, 1, h.db("s0").Count("rollback"))
	h.idle()
}

// A participant that cannot begin fails the statement, naming the
// database; the transaction goes on with the others.
func TestTxBeginFailingOnParticipant(t *testing.T) {
	h := shardHarness(t)
	h.db("s1").FailOn("begin", "", 1, nil)
	s, tx := h.beginTx()
	_, err := s.Exec(bg, "UPDATE orders SET n = 1 WHERE customer_id = ?", args(1), false)
	require.ErrorContains(t, err, "beginning the transaction on s1")
	_, err = s.Exec(bg, "UPDATE orders SET n = 1 WHERE customer_id = ?", args(0), false)
	require.NoError(t, err)
	require.NoError(t, tx.Commit())
	assert.Len(t, h.db("s0").Committed(), 1)
	h.idle()
}

// An UPDATE without the key in a transaction runs on every shard after a
// savepoint; changing rows on two shards undoes it everywhere.
func TestTxTentativeWriteUndone(t *testing.T) {
	h := shardHarness(t)
	s, tx := h.beginTx()
	_, err := s.Exec(bg, "UPDATE orders SET n = 1 WHERE id = 5", nil, false)
	require.ErrorIs(t, err, twophase.ErrCrossShardWrite, "changed a row on every shard")
	require.NoError(t, tx.Commit())
	assert.Equal(t, [][]string{nil, nil, nil}, h.committed("s0", "s1", "s2"))

	for _, n := range []string{"s1", "s2"} {
		h.db(n).Affected = func(string, []driver.NamedValue) int64 { return 0 }
	}
	s, tx = h.beginTx()
	res, err := s.Exec(bg, "UPDATE orders SET n = 1 WHERE id = 5", nil, false)
	require.NoError(t, err, "changed rows on s0 only")
	n, _ := res.RowsAffected()
	assert.Equal(t, int64(1), n)
	require.NoError(t, tx.Commit())
	assert.Equal(t, []string{"UPDATE orders SET n = 1 WHERE id = 5"}, h.db("s0").Committed())
	h.idle()
}

// A failed undo marks the transaction failed: Commit rolls back.
func TestTxFailedUndoRollsBackAtCommit(t *testing.T) {
	h := shardHarness(t)
	h.db("s1").FailOn("conn.exec", "ROLLBACK TO SAVEPOINT grant_tentative", 1, nil)
	s, tx := h.beginTx()
	_, err := s.Exec(bg, "UPDATE orders SET n = 1 WHERE customer_id = ?", args(0), false)
	require.NoError(t, err)
	_, err = s.Exec(bg, "DELETE FROM orders WHERE id = 5", nil, false)
	require.ErrorContains(t, err, "can only roll back")
	err = tx.Commit()
	require.ErrorContains(t, err, "transaction rolled back")
	assert.Equal(t, [][]string{nil, nil, nil}, h.committed("s0", "s1", "s2"))
	h.idle()
}

// Savepoints apply to every participant and are set on one that joins
// later; ROLLBACK TO undoes the writes after it.
func TestTxSavepointsAcrossParticipants(t *testing.T) {
	h := shardHarness(t)
	s, tx := h.beginTx()
	_, err := s.Exec(bg, "UPDATE orders SET n = 1 WHERE customer_id = ?", args(0), false)
	require.NoError(t, err)
	_, err = s.Exec(bg, "SAVEPOINT sp1", nil, false)
	require.NoError(t, err)
	_, err = s.Exec(bg, "UPDATE orders SET n = 2 WHERE customer_id = ?", args(0), false)
	require.NoError(t, err)
	rows, err := s.Query(bg, "SELECT n FROM orders WHERE customer_id = ?", args(1), false)
	require.NoError(t, err)
	drain(t, rows)
	assert.Equal(t, 1, h.db("s1").Count("conn.exec SAVEPOINT sp1"), "replayed on s1")
	_, err = s.Exec(bg, "ROLLBACK TO SAVEPOINT sp1", nil, false)
	require.NoError(t, err)
	require.NoError(t, tx.Commit())
	assert.Equal(t, []string{"UPDATE orders SET n = 1 WHERE customer_id = ?"}, h.db("s0").Committed())
	h.idle()
}
