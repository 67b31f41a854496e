package fakedb_test

import (
	"context"
	"database/sql/driver"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/internal/fakedb"
)

func TestNoteInterleavesWithCalls(t *testing.T) {
	db := fakedb.New("n", fakedb.CapAll)
	var seen []string
	db.FailWith(func(ev fakedb.Event) error {
		seen = append(seen, ev.Op)
		return nil
	})
	db.Note("before")
	c, err := db.Connector().Connect(context.Background())
	require.NoError(t, err)
	db.Note("after")
	_, err = c.(driver.ExecerContext).ExecContext(context.Background(), "e", nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"before", "connect", "after", "conn.exec e"}, db.Take())
	assert.Equal(t, []string{"connect", "conn.exec"}, seen, "faults never see a note")
	db.Note("conn.exec")
	assert.Equal(t, 1, db.Count("conn.exec"), "Count reads the log, notes included")
}
