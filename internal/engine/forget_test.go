package engine

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// forgets returns the statements that removed decisions on db.
func (h *harness) forgets(db string) []string {
	var out []string
	for _, q := range h.db(db).Committed() {
		if strings.HasPrefix(q, "DELETE FROM grant_twophase") {
			out = append(out, q)
		}
	}
	return out
}

// The decision of a finished transaction is not removed on the caller's
// path: the engine removes the decisions in one statement when it closes
// (or after forgetDelay).
func TestFinishedDecisionsAreForgottenTogether(t *testing.T) {
	h := pgHarness(t)
	h.e.tp.forget.delay = time.Hour
	for range 3 {
		require.NoError(t, h.transfer())
	}
	assert.Equal(t, int64(3), h.e.TwoPhaseStats().Committed)
	h.idle()
	h.e.Close()
	del := h.forgets("s0")
	require.Len(t, del, 1, "one statement for the three")
	assert.Equal(t, 3, strings.Count(del[0], "'grant:s0:"), del[0])
	h.e.Close() // again: nothing left
	assert.Len(t, h.forgets("s0"), 1)
	require.NoError(t, h.transfer())
	h.e.Close()
	assert.Len(t, h.forgets("s0"), 1, "after Close, recovery removes the decisions")
}

// forgetBatch finished decisions are removed without waiting.
func TestAFullBatchOfDecisionsIsForgottenAtOnce(t *testing.T) {
	h := pgHarness(t)
	h.e.tp.forget.delay = time.Hour
	for range forgetBatch {
		require.NoError(t, h.transfer())
	}
	require.Eventually(t, func() bool { return len(h.forgets("s0")) == 1 }, 10*time.Second, time.Millisecond,
		"removed without waiting for the delay")
	assert.Equal(t, forgetBatch, strings.Count(h.forgets("s0")[0], "'grant:s0:"))
}

// What is left is removed after the delay.
func TestDecisionsAreForgottenAfterADelay(t *testing.T) {
	h := pgHarness(t)
	h.e.tp.forget.delay = 50 * time.Millisecond
	require.NoError(t, h.transfer())
	require.Eventually(t, func() bool { return len(h.forgets("s0")) == 1 }, 10*time.Second, 5*time.Millisecond)
	require.NoError(t, h.transfer())
	require.Eventually(t, func() bool { return len(h.forgets("s0")) == 2 }, 10*time.Second, 5*time.Millisecond, "scheduled again")
	h.idle()
}
