package engine

import (
	"context"
	"database/sql/driver"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
)

// pgHarness is a three-shard cluster of fake databases in the PostgreSQL
// dialect, so that writes on several shards commit in two phases.
func pgHarness(t *testing.T) *harness {
	cfg := fakeCluster(0, "s0", "s1", "s2")
	cfg.Dialect = dialect.Postgres
	return newHarness(t, cfg)
}

// transfer runs a transaction writing customer 0 (s0) then 1 (s1) and
// returns Commit's error.
func (h *harness) transfer() error {
	s, tx := h.beginTx()
	for _, k := range []int{0, 1} {
		if _, err := s.Exec(bg, "UPDATE orders SET n = n + 1 WHERE customer_id = $1", args(k), false); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// writes returns the committed writes of db to its tables, not to the
// decision table.
func (h *harness) writes(db string) []string {
	var out []string
	for _, q := range h.db(db).Committed() {
		if !strings.Contains(q, "grant_twophase") && !strings.HasPrefix(q, "SET ") {
			out = append(out, q)
		}
	}
	return out
}

func TestTwoPhaseCommit(t *testing.T) {
	h := pgHarness(t)
	require.NoError(t, h.transfer())
	assert.Len(t, h.writes("s0"), 1)
	assert.Len(t, h.writes("s1"), 1)
	assert.Equal(t, 1, h.db("s1").Count("conn.exec PREPARE TRANSACTION"), "the other writer prepared")
	assert.Equal(t, 1, h.db("s1").Count("conn.exec COMMIT PREPARED"))
	assert.Zero(t, h.db("s0").Count("conn.exec PREPARE TRANSACTION"), "the coordinator commits")
	assert.Empty(t, h.db("s1").Prepared())
	assert.Equal(t, int64(1), h.e.TwoPhaseStats().Committed)
	h.idle()
}

// A prepare failing on a writer rolls back everywhere, naming it.
func TestTwoPhasePrepareFails(t *testing.T) {
	h := pgHarness(t)
	h.db("s1").FailWith(func(ev fakeEvent) error {
		if strings.HasPrefix(ev.Query, "PREPARE TRANSACTION") {
			return errPrepare
		}
		return nil
	})
	err := h.transfer()
	require.ErrorIs(t, err, errPrepare)
	assert.ErrorContains(t, err, "prepare on s1")
	assert.ErrorContains(t, err, "rolled back everywhere")
	assert.Empty(t, h.writes("s0"))
	assert.Empty(t, h.writes("s1"))
	assert.Equal(t, int64(1), h.e.TwoPhaseStats().RolledBack)
	h.idle()
}

// The coordinator's commit failing leaves the outcome to its decision,
// read back: none was recorded, so everything rolls back.
func TestTwoPhaseCoordinatorCommitFails(t *testing.T) {
	h := pgHarness(t)
	h.db("s0").FailOn("commit", "", 1, nil)
	err := h.transfer()
	require.ErrorContains(t, err, "commit on the coordinator s0")
	assert.Empty(t, h.writes("s0"))
	assert.Empty(t, h.writes("s1"))
	assert.Empty(t, h.db("s1").Prepared(), "rolled back")
	h.idle()
}

// A COMMIT PREPARED failing after the commit point: Commit succeeds, the
// branch is counted unfinished, and recovery commits it.
func TestTwoPhaseCommitPreparedFailsThenRecovery(t *testing.T) {
	h := pgHarness(t)
	failed := false
	h.db("s1").FailWith(func(ev fakeEvent) error {
		if strings.HasPrefix(ev.Query, "COMMIT PREPARED") && !failed {
			failed = true
			return driver.ErrBadConn
		}
		return nil
	})
	require.NoError(t, h.transfer())
	assert.Len(t, h.db("s1").Prepared(), 1, "left prepared")
	assert.Empty(t, h.writes("s1"))
	assert.Equal(t, int64(1), h.e.TwoPhaseStats().Unfinished)
	h.db("s1").ClearFaults()
	r, err := h.e.Recover(context.Background(), 0)
	require.NoError(t, err)
	assert.Len(t, r.Committed, 1)
	assert.True(t, r.Done())
	assert.Len(t, h.writes("s1"), 1, "committed by recovery")
	h.idle()
}

// A write on several shards outside a transaction commits in two phases:
// a prepare failing on the last leg commits nothing anywhere.
func TestTwoPhaseSplitWrite(t *testing.T) {
	h := pgHarness(t)
	_, err := h.session().Exec(bg, insertAll, nil, false)
	require.NoError(t, err)
	for _, s := range []string{"s0", "s1", "s2"} {
		assert.Len(t, h.writes(s), 1, s)
	}
	h.db("s2").FailWith(func(ev fakeEvent) error {
		if strings.HasPrefix(ev.Query, "PREPARE TRANSACTION") {
			return errPrepare
		}
		return nil
	})
	_, err = h.session().Exec(bg, insertAll, nil, false)
	require.ErrorIs(t, err, errPrepare)
	for _, s := range []string{"s0", "s1", "s2"} {
		assert.Len(t, h.writes(s), 1, "%s: nothing more", s)
	}
	h.idle()
}
